"""The Open311 server's writes and its few reads of its own.

Rules:
- An application posts only with an API key issued here and not revoked (`client_authenticate`);
  the key is 256 random bits shown once, and only its SHA-256 is stored (the kernel's
  `HashedKey` and `hashed_key_authenticate`, as for staff device tokens).
- A GeoReport POST is taken by the app's one door, `services.request_submit` (source
  "open311"), in the same transaction as the record of which application sent it
  (`open311_request_submit`): every refusal, the app's and ours, is reported at once, and on
  any refusal nothing is stored.
- The jurisdiction id is the department's (DepartmentSettings.open311_jurisdiction_id), or,
  when none is set, this portal's host name without "www." (GeoReport's custom: the
  jurisdiction's web site).
"""

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.selectors import department_get
from portal.services.audit import audit_record
from portal.services.keys import hashed_key_authenticate, hashed_key_revoke
from service_requests import services
from service_requests.choices import Source
from service_requests.models import Open311Client, Open311Submission, ServiceRequest

ACCOUNT_ID_MAX = 100
MEDIA_URL_MAX = 500


def jurisdiction_id() -> str:
    configured = (department_get().open311_jurisdiction_id or "").strip().lower()
    if configured:
        return configured
    host = (urlsplit(settings.PORTAL_BASE_URL).hostname or "").lower()
    return host.removeprefix("www.")


def jurisdiction_matches(given: str | None) -> bool:
    """GeoReport: an endpoint serving one jurisdiction may take jurisdiction_id as optional;
    when it is given, it must be ours."""
    given = (given or "").strip().lower()
    return not given or given == jurisdiction_id()


# --- Client applications and their keys --------------------------------------------------------


@transaction.atomic
def client_issue(
    *, name: str, contact: str, actor, reply_with_token: bool = False
) -> tuple[Open311Client, str]:
    """A new application with its API key; the key is returned once and never stored."""
    client = Open311Client(
        name=name.strip(),
        contact=contact.strip(),
        reply_with_token=reply_with_token,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    key = client.set_new_key()
    client.full_clean()
    client.save()
    audit_record(actor=actor, action="service_requests.open311client.issued", target=client)
    return client, key


def client_revoke(*, client: Open311Client, actor) -> None:
    hashed_key_revoke(client, actor=actor, action="service_requests.open311client.revoked")


def client_authenticate(key: str | None) -> Open311Client | None:
    """The application behind `key`, if the key is one we issued and did not revoke."""
    return hashed_key_authenticate(Open311Client.objects.all(), key)


# --- Requests -----------------------------------------------------------------------------------


def _merge(errors: dict[str, list[ValidationError]], error: ValidationError) -> None:
    for field, items in error.error_dict.items():
        errors.setdefault(field, []).extend(items)


def open311_request_submit(
    *,
    client: Open311Client,
    service_code: str,
    attributes: Mapping[str, Any],
    description: str = "",
    address: str = "",
    lat: Any = None,
    long: Any = None,
    contact: Mapping[str, str] | None = None,
    account_id: str = "",
    media_url: str = "",
    language: str | None = None,
) -> tuple[ServiceRequest, Open311Submission]:
    """Take a request sent by `client` through `services.request_submit`, and record which
    application sent it (with its account id, media URL and an exchange token), all in one
    transaction. Raises one DomainError carrying every refusal; nothing is stored then.

    The resident is e-mailed the confirmation and each change when the application gave an
    e-mail address (what a 311 application's users expect); text messages stay opt-in on the
    web form only."""
    errors: dict[str, list[ValidationError]] = {}
    account_id = (account_id or "").strip()
    media_url = (media_url or "").strip()
    if len(account_id) > ACCOUNT_ID_MAX:
        errors["account_id"] = [
            ValidationError(
                _("Keep account_id under %(limit)d characters.") % {"limit": ACCOUNT_ID_MAX},
                code="account_id_too_long",
            )
        ]
    if media_url:
        try:
            if len(media_url) > MEDIA_URL_MAX:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = [
                ValidationError(
                    _("Give media_url as a full http or https address."), code="media_url_invalid"
                )
            ]
    email = str((contact or {}).get("email") or "").strip()
    with transaction.atomic():
        service_request = None
        try:
            service_request = services.request_submit(
                service_code=service_code,
                attributes=attributes,
                description=description,
                address=address,
                lat=lat,
                long=long,
                contact=contact,
                notify_email=bool(email),
                language=language,
                source=Source.OPEN311,
                actor=None,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            _merge(errors, error)
        if errors:
            # Rolls back whatever request_submit wrote (the request, its outbox messages).
            codes = [item.code for items in errors.values() for item in items]
            refusal = DomainError("", code=codes[0])
            refusal.error_dict = errors
            refusal.domain_code = "service_unknown" if "service_unknown" in codes else codes[0]
            raise refusal
        submission = Open311Submission.objects.create(
            request=service_request,
            client=client,
            token=secrets.token_hex(16),
            account_id=account_id,
            media_url=media_url,
        )
    return service_request, submission


def submission_by_token(*, token: str) -> Open311Submission | None:
    token = (token or "").strip().lower()
    if not token:
        return None
    return Open311Submission.objects.select_related("request").filter(token=token).first()
