"""Who may see what of a complaint. Every door (the staff pages, the admin, the API) asks here.

Rules (issue 15, "access is strict"):
- Only members of Internal affairs see who complained (name, contact details, the person they
  speak for), the witnesses, the resident's own words and files, and investigators' notes.
  Membership is what counts, not permissions: a superuser or a site administrator who is not in
  Internal affairs sees nothing of a complaint (Django's "a superuser has every permission" does
  not apply here). Putting someone in Internal affairs takes a superuser and is audited
  (auth.user.groups_changed; the role is sensitive, portal/roles.py).
- An officer named on a case sees nothing of it, whatever their roles: not who complained, not
  the case. (Their own commendations reach them by e-mail once delivered.)
- A supervisor sees the cases assigned to them (minor complaints about their officers), without
  who complained or the witnesses.
- A member of the civilian review board sees closed complaints, without who complained or the
  witnesses, and records the board's review.
"""

from enum import StrEnum

from portal import roles


class Access(StrEnum):
    IDENTITY = "identity"  # internal affairs: everything
    CASE = "case"  # the assigned supervisor: the case, not who complained
    BOARD = "board"  # the review board: a closed case, not who complained


def _role_names(user) -> frozenset[str]:
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_complaint_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._complaint_roles = cached
    return cached


def is_internal_affairs(user) -> bool:
    return roles.INTERNAL_AFFAIRS in _role_names(user)


def is_supervisor(user) -> bool:
    return roles.SUPERVISORS in _role_names(user)


def is_board_member(user) -> bool:
    return roles.REVIEW_BOARD in _role_names(user)


def is_complaints_staff(user) -> bool:
    return bool(_role_names(user) & {roles.INTERNAL_AFFAIRS, roles.SUPERVISORS, roles.REVIEW_BOARD})


def named_in(user, complaint) -> bool:
    """Whether `user` is the staff account of an officer the case is about."""
    if not (user and user.is_authenticated):
        return False
    return complaint.officers.filter(officer__user=user).exists()


def access_for(user, complaint) -> Access | None:
    """What `user` may see of `complaint`, or None for nothing at all."""
    names = _role_names(user)
    if not names or named_in(user, complaint):
        return None
    if roles.INTERNAL_AFFAIRS in names:
        return Access.IDENTITY
    if roles.SUPERVISORS in names and complaint.assigned_to_id == user.pk:
        return Access.CASE
    if (
        roles.REVIEW_BOARD in names
        and complaint.stage == complaint.Stage.CLOSED
        and complaint.kind == complaint.Kind.COMPLAINT
    ):
        return Access.BOARD
    return None
