"""Who is acting, for audit entries written where no request is at hand (signal receivers).

`VerifiedSessionMiddleware` sets the actor for each request; outside a request (a shell, a
task) there is none and entries say "system". `quiet()` marks the one change that is not
audited: `roles_sync` applying the roles declared in code after a migrate."""

import contextlib
from contextvars import ContextVar

_actor: ContextVar = ContextVar("portal_audit_actor", default=None)
_quiet: ContextVar[bool] = ContextVar("portal_audit_quiet", default=False)


def current_actor():
    user = _actor.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


@contextlib.contextmanager
def acting(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


@contextlib.contextmanager
def quiet():
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)
