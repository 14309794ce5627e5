"""The GeoReport arguments of the requests' paths: filters of the list (ids, service codes,
status, a span of at most 90 days in W3C dates), `extensions`, and a POST's answers
(`attribute[code]`)."""

import re
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from portal.localtime import department_zone
from service_requests.choices import Status
from service_requests.open311.views.errors import Open311Error

MAX_SPAN = timedelta(days=90)
OPEN_STATUSES = [Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS]
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _moment(name: str, text: str | None) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+") if text.count(" ") == 1 else text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(
                400,
                _("%(name)s must be a W3C date and time, e.g. 2026-12-01T00:00:00Z.")
                % {"name": name},
            )
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=department_zone())
    return moment


def _comma_list(params, name: str) -> list[str]:
    """GeoReport's "can be declared multiple times, comma delimited": a=x,y and a=x&a=y."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _extensions(request) -> bool:
    return request.query_params.get("extensions", "").strip().lower() in ("true", "1", "yes")


def _list_filters(params) -> dict:
    ids = _comma_list(params, "service_request_id")
    if ids:
        return {"ids": ids}
    statuses = []
    for value in _comma_list(params, "status"):
        if value.lower() == "open":
            statuses += OPEN_STATUSES
        elif value.lower() == "closed":
            statuses.append(Status.CLOSED)
        else:
            raise Open311Error(
                400, _("status must be open or closed, not %(value)s.") % {"value": value}
            )
    start = _moment("start_date", params.get("start_date"))
    end = _moment("end_date", params.get("end_date"))
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if end - start > MAX_SPAN:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return {
        "service_codes": _comma_list(params, "service_code") or None,
        "status": statuses or None,
        "start": start,
        "end": end,
    }


def _answers(data) -> dict:
    """attribute[code]=value and attribute[code][]=key (repeated) as {code: value | [keys]}."""
    answers: dict = {}
    for name in data:
        match = ATTRIBUTE.match(name)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        if many:
            answers.setdefault(code, [])
            if isinstance(answers[code], list):
                answers[code] += values
        else:
            answers[code] = values[-1] if values else ""
    return answers
