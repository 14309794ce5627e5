"""Take a backup: `manage.py portal_backup FILE` (or `-` for standard output).

One tar archive: the database (pg_dump, custom format), every file store (MEDIA_ROOT and each
*_FILE_ROOT, as stored: encrypted where the feature encrypts), and manifest.json saying which keys
the data needs, by fingerprint. The keys themselves are never written. See portal/backups.py and
docs/operations.md ("Backups").
"""

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Write a backup archive (database, file stores, key manifest) to FILE or '-'."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the archive; '-' for standard output.")
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument("--pg-dump", default="pg_dump", help="The pg_dump program.")

    def handle(self, *args, file, database, pg_dump, **options):
        try:
            if file == "-":
                manifest = backup_create(sys.stdout.buffer, alias=database, pg_dump=pg_dump)
                sys.stdout.buffer.flush()
            else:
                path = Path(file)
                partial = path.with_name(path.name + ".partial")
                # Readable by the operator alone: the data is encrypted, the rest is not.
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    with os.fdopen(fd, "wb") as out:
                        manifest = backup_create(out, alias=database, pg_dump=pg_dump)
                        out.flush()
                        os.fsync(out.fileno())
                    partial.replace(path)  # only a finished archive bears the name
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # The summary goes to standard error, so `-` leaves standard output to the archive.
        summary = {
            "database_bytes": manifest["database"]["bytes"],
            "file_stores": {s["name"]: s["files"] for s in manifest["file_stores"]},
            "keys_needed": {
                ring["variable"]: ring["fingerprints"] for ring in manifest["keys"]["keyrings"]
            },
        }
        self.stderr.write(f"Backup written: {json.dumps(summary)}")
