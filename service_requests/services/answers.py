"""The answers to a service's questions, checked for `request_submit` (services/submit.py).

Rules (each refused with a DomainError whose code a client can match; every refusal found is
reported at once):
- Each answer fits its question's GeoReport v2 datatype: string (one line, 200 characters),
  text (4,000), number, datetime (ISO 8601), singlevaluelist (one key of the list),
  multivaluelist (keys of the list); required questions are answered; an answer to a question
  the service does not ask is refused (`attribute_required`, `attribute_type`,
  `attribute_choice`, `attribute_unknown`, `attribute_too_long`).
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from portal.localtime import department_zone
from service_requests.choices import Datatype
from service_requests.models import Service, ServiceAttribute
from service_requests.services.common import Errors

STRING_MAX = 200
TEXT_MAX = 4000


def attribute_field(code: str) -> str:
    """The form field (and error key) of a question: `attribute_<code>`."""
    return f"attribute_{code}"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError
    return int(number) if number == number.to_integral_value() else float(number)


def _datetime(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = parse_datetime(text.replace(" ", "T", 1) if len(text) > 10 else text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise ValueError
            moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=department_zone())
    return moment.astimezone(UTC).isoformat()


def clean_answers(service: Service, answers: Mapping[str, Any], errors: Errors) -> dict:
    """The answers to `service`'s questions, each in its datatype's JSON form: str, number,
    ISO datetime (UTC), a key, or a list of keys."""
    questions: dict[str, ServiceAttribute] = {a.code: a for a in service.attributes.all()}
    cleaned: dict[str, Any] = {}
    for code in answers:
        asked = code in questions and questions[code].variable
        if not asked and not _empty(answers[code]):
            errors.add(
                attribute_field(code),
                _("This service does not ask “%(code)s”.") % {"code": code},
                "attribute_unknown",
            )
    for code, question in questions.items():
        if not question.variable:
            continue
        field = attribute_field(code)
        value = answers.get(code)
        if isinstance(value, str):
            value = value.strip()
        if _empty(value):
            if question.required:
                errors.add(
                    field,
                    _("Answer this question: %(question)s") % {"question": question.description},
                    "attribute_required",
                )
            continue
        datatype = question.datatype
        keys = [v.key for v in question.values.all()]
        try:
            if datatype in (Datatype.STRING, Datatype.TEXT):
                if not isinstance(value, str):
                    raise ValueError
                limit = STRING_MAX if datatype == Datatype.STRING else TEXT_MAX
                if datatype == Datatype.STRING and "\n" in value:
                    raise ValueError
                if len(value) > limit:
                    errors.add(
                        field,
                        _("Keep this answer under %(limit)d characters.") % {"limit": limit},
                        "attribute_too_long",
                    )
                    continue
                cleaned[code] = value
            elif datatype == Datatype.NUMBER:
                cleaned[code] = _number(value)
            elif datatype == Datatype.DATETIME:
                cleaned[code] = _datetime(value)
            elif datatype == Datatype.SINGLEVALUELIST:
                if isinstance(value, list | tuple):
                    if len(value) != 1:
                        raise ValueError
                    value = value[0]
                if str(value) not in keys:
                    errors.add(field, _("Choose one of the answers offered."), "attribute_choice")
                    continue
                cleaned[code] = str(value)
            elif datatype == Datatype.MULTIVALUELIST:
                values = [value] if isinstance(value, str) else list(value)
                chosen = []
                for item in values:
                    if str(item) not in keys:
                        raise LookupError
                    if str(item) not in chosen:
                        chosen.append(str(item))
                cleaned[code] = chosen
        except LookupError:
            errors.add(field, _("Choose only among the answers offered."), "attribute_choice")
        except (ValueError, TypeError, ArithmeticError):
            messages = {
                Datatype.NUMBER: _("Give a number, for example 2."),
                Datatype.DATETIME: _("Give a date and time, for example 2026-12-06 14:30."),
                Datatype.STRING: _("Give a short answer on one line."),
            }
            errors.add(
                field,
                messages.get(datatype, _("This answer is not of the right kind.")),
                "attribute_type",
            )
    return cleaned
