"""Re-encrypt every file of the Records Division (identity documents, uploads, responsive
records, released documents and packets) with the newest key, the first of
RECORDS_ENCRYPTION_KEYS. Run it after prepending a new key; once it has finished, the old key can
be removed from the list.

Each file is rewritten atomically: the new ciphertext goes to a temporary file in the same
directory, is flushed to disk (fsync), then replaces the old one with os.replace, so a crash
leaves either the old file or the new one, never half of each. Safe to run again: a file the
newest key already reads is left alone."""

import os
import tempfile

from cryptography.fernet import Fernet, InvalidToken
from django.core.management.base import BaseCommand, CommandError

from records import crypto
from records.models import Document


def _written_with_newest(token: bytes) -> bool:
    try:
        Fernet(crypto.KEYRING.keys()[0]).decrypt(token)
    except InvalidToken:
        return False
    return True


def rewrite_atomically(path: str, data: bytes) -> None:
    """Replace the file at `path` with `data`, all or nothing."""
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".reencrypt-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    # The rename itself is durable once the directory is synced.
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)


def document_reencrypt(document: Document) -> bool:
    """Rewrite one document's file with the newest key; False when there was nothing to do."""
    if not document.file:
        return False  # purged
    path = document.file.path
    if not os.path.exists(path):
        return False
    with open(path, "rb") as handle:
        token = handle.read()
    if _written_with_newest(token):
        return False
    try:
        rotated = crypto.KEYRING.rotate_bytes(token)
    except InvalidToken as exc:
        raise CommandError(
            f"Document {document.pk}: no key in RECORDS_ENCRYPTION_KEYS reads its file."
        ) from exc
    rewrite_atomically(path, rotated)
    return True


class Command(BaseCommand):
    help = "Re-encrypt the Records Division's files with the newest encryption key."

    def handle(self, *args, **options):
        rewritten = unchanged = 0
        for document in Document.objects.exclude(file="").order_by("pk").iterator():
            if document_reencrypt(document):
                rewritten += 1
            else:
                unchanged += 1
        self.stdout.write(f"files: {rewritten} re-encrypted, {unchanged} already current")
        self.stdout.write(self.style.SUCCESS("Every records file now uses the newest key."))
