"""Thin views: parse input, call one service or selector, render."""

import datetime
import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from parking import nights as n
from parking import selectors, services
from parking.forms import CancelNightsForm, FindPermitForm, LookupForm, PermitRequestForm, decorate
from portal.clients import client_key
from portal.forms import add_domain_errors
from portal.localtime import department_zone


def _night_choices(rules, zone):
    first = n.first_open_night(rules.cutoff_time, zone, rules.lead_time_minutes)
    today = timezone.now().astimezone(zone).date()
    last = today + datetime.timedelta(days=rules.max_days_ahead)
    return _night_choices_between(first, last, translation.get_language())


@functools.lru_cache(maxsize=64)
def _night_choices_between(first: datetime.date, last: datetime.date, language: str):
    """The labels depend only on the dates and the language: made once a day per language."""
    choices, night = [], first
    while night <= last:
        label = _("the night of %(date)s") % {"date": n.night_label(night)}
        if night == first:
            label = _("Tonight: %(label)s") % {"label": label}
        choices.append((night.isoformat(), label))
        night += datetime.timedelta(days=1)
    return tuple(choices)


_BLANK_FORMS: dict[tuple, str] = {}


def _blank_fields_html(rules, night_choices) -> str:
    """The blank form's fields as HTML. Most requests are a first visit, and that HTML depends
    only on the language and the lists the form offers (nights, how many nights, streets): it
    is made once per process and lists, instead of a form and fourteen field templates on
    every visit."""
    streets = selectors.street_choices()
    key = (translation.get_language(), night_choices, rules.max_consecutive_nights, streets)
    html = _BLANK_FORMS.get(key)
    if html is None:
        form = decorate(
            PermitRequestForm(
                max_nights=rules.max_consecutive_nights,
                night_choices=night_choices,
                streets=streets,
            )
        )
        if len(_BLANK_FORMS) >= 32:
            _BLANK_FORMS.clear()
        html = _BLANK_FORMS[key] = render_to_string("parking/_request_fields.html", {"form": form})
    return html


@csrf_exempt  # checked in _index, after the throttle: Django's CSRF check reads the body
@require_http_methods(["GET", "POST"])
def index(request):
    rules, zone = services.rules_and_zone()
    client = client_key(request, "parking")
    if request.method == "POST":
        try:
            services.permit_request_throttle(
                client=client, rules=rules, language=translation.get_language()
            )
        except ValidationError as error:
            # Before the body is read: a throttled client's request is never parsed.
            page = {"refusal": error.messages[0], "status": 429}
            return _index(request, rules=rules, zone=zone, client=client, throttled=page)
    return _checked_index(request, rules=rules, zone=zone, client=client)


@csrf_protect
def _checked_index(request, **kwargs):
    return _index(request, **kwargs)


def _index(request, *, rules, zone, client, throttled=None):
    night_choices = _night_choices(rules, zone)
    form, refusal, refused = None, None, False
    if request.method == "POST" and not throttled:
        form = PermitRequestForm(
            request.POST, max_nights=rules.max_consecutive_nights, night_choices=night_choices
        )
        if form.is_valid():
            data = services.PermitRequest(**form.cleaned_data, language=translation.get_language())
            try:
                permit = services.permit_request(data=data, client=client, rules=rules, zone=zone)
            except ValidationError as error:
                refused = True
                if hasattr(error, "error_dict"):
                    # A refusal of what was typed in one field (a house number the street does
                    # not have) goes beside that field.
                    add_domain_errors(form, error)
                else:
                    refusal = error.messages[0]
            else:
                url = reverse("parking:permit", kwargs={"token": services.permit_token(permit)})
                return redirect(url + "?new=1")
        form = decorate(form)
        fields_html = render_to_string("parking/_request_fields.html", {"form": form})
    else:
        fields_html = _blank_fields_html(rules, night_choices)
    status = 400 if refused else 200
    if throttled:
        refusal, status = throttled["refusal"], throttled["status"]
    context = {
        "form": form,
        "fields_html": fields_html,
        "refusal": refusal,
        "rules": rules,
        **selectors.public_notices(rules=rules, zone=zone),
    }
    return render(request, "parking/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def permit(request, token):
    found = services.permit_from_token(token)
    if found is None:
        raise Http404
    rules, zone = services.rules_get(), department_zone()
    choices = selectors.cancellable_nights(permit=found, rules=rules, zone=zone)
    form = CancelNightsForm(
        request.POST or None,
        choices=[(night.isoformat(), n.night_label(night)) for night in choices],
    )
    cancelled = None
    if request.method == "POST" and form.is_valid():
        nights = [datetime.date.fromisoformat(value) for value in form.cleaned_data["nights"]]
        try:
            cancelled = services.permit_cancel_nights(permit=found, nights=nights)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return redirect(request.path + "?cancelled=1")
    context = {
        "permit": found,
        "form": form,
        "cancelled": cancelled or request.GET.get("cancelled"),
        "just_approved": request.GET.get("new") == "1",
        **selectors.permit_overview(permit=found, rules=rules, zone=zone),
    }
    return render(request, "parking/permit.html", context)


@require_http_methods(["GET", "POST"])
def find(request):
    form = FindPermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = selectors.permit_by_code(
            code=form.cleaned_data["code"], plate=form.cleaned_data["plate"]
        )
        if found is not None:
            return redirect("parking:permit", token=services.permit_token(found))
        form.add_error(None, _("No permit matches this code and plate. Check both."))
    return render(request, "parking/find.html", {"form": decorate(form)})


@staff_member_required
@permission_required("parking.lookup_plate", raise_exception=True)
def officer(request):
    form = LookupForm(request.GET or None)
    result = None
    rules, zone = services.rules_and_zone()
    night = n.tonight(zone=zone, ban_end=rules.ban_end)
    if request.GET and form.is_valid():
        result = {
            "found": services.plate_lookup(
                actor=request.user,
                plate=form.cleaned_data["plate"],
                plate_state=form.cleaned_data["plate_state"],
                night=night,
            ),
            "plate": form.cleaned_data["plate"],
        }
    context = {
        "form": decorate(form),
        "result": result,
        "night": night,
        "night_label": n.night_label(night),
        "standalone": True,
        **selectors.night_status(night=night, rules=rules, zone=zone),
    }
    return render(request, "parking/officer.html", context)


def _night_or_404(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise Http404 from error


@staff_member_required
@permission_required("parking.view_permit", raise_exception=True)
def list_csv(request, night):
    day = _night_or_404(night)
    body = services.nightly_list_export(actor=request.user, night=day, as_pdf=False)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parking-{day.isoformat()}.csv"'
    return response


@staff_member_required
@permission_required("parking.view_permit", raise_exception=True)
def list_pdf(request, night):
    day = _night_or_404(night)
    body = services.nightly_list_export(actor=request.user, night=day, as_pdf=True)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="parking-{day.isoformat()}.pdf"'
    return response
