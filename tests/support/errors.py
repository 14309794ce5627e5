"""Asserting a refusal by the rule that made it: the domain error and its stable code."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from portal.errors import DomainError


@contextmanager
def raises_domain(code: str) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """`with raises_domain("four_eyes"): ...` fails unless the block raises a DomainError with
    that code; `as caught` gives the error for further checks."""
    with pytest.raises(DomainError) as caught:
        yield caught
    assert caught.value.domain_code == code, f"{caught.value.domain_code!r}: {caught.value}"
