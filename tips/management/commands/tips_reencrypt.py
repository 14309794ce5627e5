"""Re-encrypt every tip, message, note and file with the newest key (the first of
FIELD_ENCRYPTION_KEYS). Run it after prepending a new key; once it has finished, the old key can
be removed from the list. Safe to run again: each row is rewritten in its own transaction."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tips import crypto
from tips.models import Tip, TipAttachment, TipMessage, TipNote

TEXT_FIELDS = {
    Tip: ["what", "where", "when", "people", "vehicles", "contact"],
    TipMessage: ["body"],
    TipNote: ["body"],
}


def _rewrite_file(field) -> None:
    if not field:
        return
    storage, name = field.storage, field.name
    with storage.open(name, "rb") as handle:
        token = handle.read()
    rotated = crypto.rotate_bytes(token)
    with open(storage.path(name), "wb") as handle:  # in place: the name stays the same
        handle.write(rotated)


class Command(BaseCommand):
    help = "Re-encrypt the tip line's data and files with the newest encryption key."

    def handle(self, *args, **options):
        counts = {}
        for model, fields in TEXT_FIELDS.items():
            done = 0
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    # Reading decrypts with whichever key wrote it; saving writes with the newest.
                    row.save(update_fields=fields)
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
