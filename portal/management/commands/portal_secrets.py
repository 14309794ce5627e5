"""Make the secrets production needs: `manage.py portal_secrets > .env`.

Prints one `NAME=value` line, with a fresh value, for SECRET_KEY, every keyring the apps
registered (one Fernet key each) and every required secret (the passphrase pepper), in the
format each setting reads: what `DEBUG=0` requires beyond ALLOWED_HOSTS, which is not a secret.
`--names` prints the names alone, for scripts. The list is the keyring registry's
(portal/services/encryption.py): a feature that registers a keyring appears here by itself.

It runs without any of them set: in a fresh checkout (DEBUG defaults to 1), or with DEBUG=0 once
SECRET_KEY and ALLOWED_HOSTS are set, since it skips the system checks that refuse every other
command while a key is missing. Nothing is stored; keep the output safe (chmod 600) and backed
up apart from the data: a key that is lost takes its data with it.
"""

from django.core.management.base import BaseCommand

from portal.services.encryption import production_secrets_generate


class Command(BaseCommand):
    help = "Print NAME=value lines with fresh values for every secret production requires."
    # Its very purpose is to help while the checks would refuse (portal.E101–E104).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--names", action="store_true", help="Print only the variables' names, one a line."
        )

    def handle(self, *args, names: bool, **options):
        for name, value in production_secrets_generate().items():
            self.stdout.write(name if names else f"{name}={value}")
