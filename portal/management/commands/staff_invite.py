"""Print a one-time invitation link for a staff account: how the first superuser gets an
authenticator (everyone else is invited in admin)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.services.staff import invitation_create


class Command(BaseCommand):
    help = "Print a one-time link with which USERNAME sets a password and an authenticator."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        invitation, url = invitation_create(user=user, actor=None)
        self.stdout.write(f"{url}\n(works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC)")
