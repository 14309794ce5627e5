"""The community officers' back office: program pages with the publishing workflow
(programs.py), events with their sign-ups (events.py), and each neighborhood's problem board
and subscribers (neighborhoods.py). Every change goes to the audit log."""

from programs.admin import events, neighborhoods, programs  # noqa: F401 - registers the admins
