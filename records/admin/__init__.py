"""The Records Division's back office: the deadline-driven queue and each request's page
(`requests`, with its files and redaction page in `redaction` and the release packet in
`packets`), the fingerprinting calendar (`calendar`), record-check letters (`letters`), the fee
schedule and settings (`settings`). Forms are in `forms`, the queue's filters in `filters`.

Every change goes through records.services, which writes the audit log; opening a request or
one of its files is logged too."""

from records.admin import calendar, letters, requests, settings

__all__ = ["calendar", "letters", "requests", "settings"]
