"""Domain errors: what services raise when a rule says no.

A domain error is a Django ValidationError with a translatable message and a stable code, so a
view can show it on the form and the API can return it as a 400 with that code.
"""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule refused the request. `code` is stable; `message` is for the person."""

    def __init__(self, message, *, code: str, field: str | None = None, params=None):
        if field:
            super().__init__({field: [ValidationError(message, code=code, params=params)]})
        else:
            super().__init__(message, code=code, params=params)
        self.domain_code = code
