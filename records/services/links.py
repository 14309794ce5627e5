"""The links a requester holds: the tracking page (long-lived) and a released document's
download (a week). Both are signed (portal.links); the salts are in every link already sent."""

from django.urls import reverse
from django.utils import translation

from portal.links import SignedLink, absolute_url
from records.models import Document, RecordRequest

TRACKING_LINK_MAX_AGE = 400 * 24 * 3600
DOWNLOAD_LINK_MAX_AGE = 7 * 24 * 3600

TRACK = SignedLink(salt="records.track", max_age=TRACKING_LINK_MAX_AGE)
DOWNLOAD = SignedLink(salt="records.download", max_age=DOWNLOAD_LINK_MAX_AGE)


def tracking_token(*, record_request: RecordRequest) -> str:
    return TRACK.make(str(record_request.public_id))


def tracking_token_read(*, token: str) -> str | None:
    """The request's public id, or None for a forged or expired token."""
    return TRACK.read(token)


def download_token(*, document: Document) -> str:
    return DOWNLOAD.make({"d": document.pk, "r": str(document.request.public_id)})


def download_token_read(*, token: str) -> dict | None:
    claims = DOWNLOAD.read(token)
    return claims if isinstance(claims, dict) else None


def tracking_url(*, record_request: RecordRequest) -> str:
    with translation.override(record_request.language):
        path = reverse(
            "records:track", kwargs={"token": tracking_token(record_request=record_request)}
        )
    return absolute_url(path)
