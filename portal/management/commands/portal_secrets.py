"""Make the secrets production needs: `manage.py portal_secrets > .env`.

Prints one `NAME=value` line, with a fresh value, for SECRET_KEY, every keyring the apps
registered (one Fernet key each) and every required secret (the passphrase pepper), in the
format each setting reads: what `DEBUG=0` requires beyond ALLOWED_HOSTS, which is not a secret.
`--names` prints the names alone, for scripts. `--missing-from .env` prints only the secrets that
file does not set yet, so that `portal_secrets --missing-from .env >> .env` is safe on an
installation that has data (an upgrade that adds a feature's keys): appending a second value for
a key already set would make what it encrypted unreadable. The list is the keyring registry's
(portal/services/encryption.py): a feature that registers a keyring appears here by itself.

It runs without any of them set: in a fresh checkout (DEBUG defaults to 1), or with DEBUG=0 once
SECRET_KEY and ALLOWED_HOSTS are set, since it skips the system checks that refuse every other
command while a key is missing. Nothing is stored; keep the output safe (chmod 600) and backed
up apart from the data: a key that is lost takes its data with it.
"""

import re
from pathlib import Path

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

        parser.add_argument(
            "--missing-from",
            metavar="FILE",
            type=Path,
            help="Print only the secrets FILE (an .env file) does not set; all if it is absent.",
        )

    def handle(self, *args, names: bool, missing_from: Path | None, **options):
        present = _names_set_in(missing_from) if missing_from else set()
        for name, value in production_secrets_generate().items():
            if name not in present:
                self.stdout.write(name if names else f"{name}={value}")


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _names_set_in(path: Path) -> set[str]:
    """The variables an .env file assigns (Compose's and the shell's syntax), empty or not."""
    if not path.exists():
        return set()
    return {m.group(1) for line in path.read_text().splitlines() if (m := _ASSIGNMENT.match(line))}
