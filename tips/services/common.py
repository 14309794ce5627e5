"""What the tip line's services share: encrypted file storage, following merges to the tip that
survives, and the first-triage mark.

A stored file's times (atime and mtime on disk) are set to the hour it belongs to
(`file_times_to_hour`): the file system would otherwise keep the second a tip arrived, which the
tip's rows never do (issue 13, finding 2).
"""

from django.core.files.base import ContentFile

from portal.anonymity import file_times_to_hour  # noqa: F401 - re-exported for tips
from tips import crypto
from tips.models import Tip, rounded_now

MESSAGE_LIMIT = 5000


def store_file(data: bytes) -> ContentFile:
    """`data` encrypted, under a name that says nothing (the resident's file name is never kept)."""
    return ContentFile(crypto.encrypt_bytes(data), name="f.bin")


def survivor(tip: Tip) -> Tip:
    """The tip `tip` was merged into, following earlier merges; `tip` itself if never merged.
    The survivor is locked: messages are filed under it."""
    seen = {tip.pk}
    while tip.duplicate_of_id and tip.duplicate_of_id not in seen:
        seen.add(tip.duplicate_of_id)
        tip = Tip.objects.select_for_update().get(pk=tip.duplicate_of_id)
    return tip


def mark_triaged(tip: Tip) -> None:
    """The first time staff move, assign or answer a tip is its first triage, kept to the hour
    as the received time is: the time-to-triage figure is measured hour to hour
    (tips.selectors.triage_figures)."""
    if tip.first_triaged_at is None:
        tip.first_triaged_at = rounded_now()
