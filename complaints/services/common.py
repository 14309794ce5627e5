"""What the complaint services share: encrypted file storage and the refusals of access."""

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy

from complaints import access, crypto
from complaints.models import Complaint
from portal.errors import DomainError


def store_file(data: bytes) -> ContentFile:
    """`data` encrypted, under a name that says nothing (the resident's file name is never
    kept)."""
    return ContentFile(crypto.encrypt_bytes(data), name="f.bin")


def not_allowed() -> DomainError:
    return DomainError(
        gettext_lazy("You do not have access to this case."), code="not_allowed", conflict=False
    )


def require(user, complaint: Complaint, *levels: access.Access) -> access.Access:
    """The caller's access to `complaint` if it is one of `levels`, else the refusal."""
    level = access.access_for(user, complaint)
    if level is None or level not in levels:
        raise not_allowed()
    return level
