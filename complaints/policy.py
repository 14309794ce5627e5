"""The department's policy on complaints and commendations, stated once: the files residents
may send, the limits on what they write, the deadlines the department holds itself to. The
public page explains these numbers in plain words (complaints/templates/complaints/index.html)
and the services enforce them."""

from portal import scrub as kernel

MB = kernel.MB
FILE_LIMITS = {"image": 15 * MB, "pdf": 15 * MB, "video": 100 * MB}
MAX_FILES = 5
MAX_TOTAL = 150 * MB
# The request body the public pages accept: every file at its largest, plus the form.
MAX_BODY = MAX_TOTAL + 5 * MB

TEXT_LIMITS = {
    "what": 5000,
    "where": 500,
    "when": 300,
    "complainant_name": 200,
    "complainant_email": 254,
    "complainant_phone": 40,
    "complainant_address": 500,
    "on_behalf_of": 500,
    "officer_name": 200,
    "officer_description": 1000,
    "officer_seen_when": 300,
    "officer_seen_where": 300,
    "witness_name": 200,
    "witness_contact": 300,
    "witness_account": 2000,
}
MESSAGE_LIMIT = 5000
MAX_WITNESSES = 3

# Deadlines (calendar days from the day a complaint is received). The public page states them.
ACKNOWLEDGE_DAYS = 3  # classified and assigned
INVESTIGATION_DAYS = {"minor": 30, "serious": 90}
# A step's reminder goes out this many days before its deadline, and daily once overdue.
REMINDER_DAYS_BEFORE = 2
