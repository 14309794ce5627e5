"""Domain errors: what services raise when a rule says no.

A domain error is a Django ValidationError with a translatable message and a stable code, so a
view can show it on the form and the API can return it as a 400 with that code.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy


class DomainError(ValidationError):
    """A rule refused the request. `code` is stable; `message` is for the person.

    `conflict=True` marks a refusal caused by the record's current state (a transition not
    allowed from here, a place already taken) rather than by what was sent: the API answers
    409 for those and 400 for the rest (`portal.api.exception_handler`)."""

    def __init__(
        self,
        message,
        *,
        code: str,
        field: str | None = None,
        params=None,
        conflict: bool = False,
    ):
        if field:
            super().__init__({field: [ValidationError(message, code=code, params=params)]})
        else:
            super().__init__(message, code=code, params=params)
        self.domain_code = code
        self.conflict = conflict


def check_length(value: str, *, limit: int, field: str) -> None:
    """Refuse text longer than `limit` characters: a DomainError on `field` with code
    `too_long`, worded the same wherever a service takes free text."""
    if len(value) > limit:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": limit},
            code="too_long",
            field=field,
        )
