"""Re-encrypt every tip, message, note and file with the newest key (the first of
FIELD_ENCRYPTION_KEYS). Run it after prepending a new key; once it has finished, the old key can
be removed from the list. Safe to run again: each row is rewritten in its own transaction.

- A token keeps the hour it carried (Keyring.rotate_bytes on the tip line's hour-only keyring):
  rotating never stamps the tip line's data with the day of the rotation, nor with any second.
- A file is replaced whole or not at all: the new bytes go to a temporary file in the same
  folder, are flushed to disk, then renamed over the old one (os.replace, atomic on POSIX); a
  crash or a full disk leaves the old file as it was. Its times are set to the hour again.
"""

import os
import tempfile

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tips import crypto
from tips.models import Tip, TipAttachment, TipMessage, TipNote

TEXT_FIELDS = {
    Tip: ["what", "where", "when", "people", "vehicles", "contact"],
    TipMessage: ["body"],
    TipNote: ["body"],
}


def _rotate(token: str | None) -> str | None:
    if not token:
        return token
    return crypto.rotate_bytes(token.encode("ascii")).decode("ascii")


def _rewrite_row(model, fields: list[str], pk: int) -> None:
    """Rotate the stored tokens of one row as they are (the model would decrypt and re-encrypt
    them with this hour's time)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            return
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [_rotate(token) for token in row] + [pk],
        )


def _rewrite_file(field) -> None:
    if not field:
        return
    path = field.storage.path(field.name)  # the name stays the same
    with open(path, "rb") as handle:
        token = handle.read()
    times = os.stat(path)
    rotated = crypto.rotate_bytes(token)
    folder = os.path.dirname(path)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".reencrypt-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(rotated)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, times.st_mode & 0o777)
        # The file's hour (already set when it was stored; rounded again for older files).
        hour = int(times.st_mtime) // 3600 * 3600
        os.utime(temporary, (hour, hour))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    try:  # the rename itself reaches the disk with the folder's entry
        folder_descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder_descriptor)
    finally:
        os.close(folder_descriptor)


class Command(BaseCommand):
    help = "Re-encrypt the tip line's data and files with the newest encryption key."

    def handle(self, *args, **options):
        counts = {}
        for model, fields in TEXT_FIELDS.items():
            done = 0
            for pk in model.objects.values_list("pk", flat=True).iterator():
                _rewrite_row(model, fields, pk)
                done += 1
            counts[model._meta.verbose_name_plural] = done
        files = 0
        for attachment in TipAttachment.objects.iterator():
            _rewrite_file(attachment.original)
            _rewrite_file(attachment.clean)
            files += 1
        for tip in Tip.objects.exclude(packet="").iterator():
            _rewrite_file(tip.packet)
        for label, done in counts.items():
            self.stdout.write(f"{label}: {done} re-encrypted")
        self.stdout.write(f"attachments: {files} re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every tip now uses the newest key."))
