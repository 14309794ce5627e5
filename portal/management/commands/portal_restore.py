"""Restore a backup: `manage.py portal_restore FILE` (or `-` for standard input).

Into an empty database and empty file stores only, with the keys the backup's manifest names set
in the environment; everything is checked before anything is written. See portal/backups.py and
docs/operations.md ("Restoring").
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and empty file stores."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive; '-' for standard input.")
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument("--pg-restore", default="pg_restore", help="The pg_restore program.")
        parser.add_argument(
            "--allow-missing-keys",
            action="store_true",
            help="Restore though a key the data needs is not set (that data stays unreadable).",
        )

    def handle(self, *args, file, database, pg_restore, allow_missing_keys, **options):
        try:
            if file == "-":
                manifest = backup_restore(
                    sys.stdin.buffer,
                    alias=database,
                    pg_restore=pg_restore,
                    allow_missing_keys=allow_missing_keys,
                )
            else:
                with open(file, "rb") as source:
                    manifest = backup_restore(
                        source,
                        alias=database,
                        pg_restore=pg_restore,
                        allow_missing_keys=allow_missing_keys,
                    )
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        summary = {
            "taken_at": manifest["created_at"],
            "file_stores": {s["name"]: s["files"] for s in manifest["file_stores"]},
        }
        self.stdout.write(f"Restored: {json.dumps(summary)}")
