"""Public pages: who is held here (search by last name only), visiting, visit requests.

None of these pages is cached or indexed: each answer is for the person who asked."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from custody import selectors, services
from custody.forms import SearchForm, VisitRequestForm
from custody.models import CustodySettings, VisitRequest
from portal.clients import client_key, throttle_allowed, throttle_record
from portal.forms import add_domain_errors
from portal.public_forms import public_form

SEARCH_LIMIT = 30  # searches an hour per client
VISIT_LIMIT = 5  # visit requests an hour per client
WINDOW = 3600


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The search: a last name of two letters or more (and a first initial) shows the people of
    that name held now; anything less shows nothing."""
    form = SearchForm(request.GET if "last_name" in request.GET else None)
    results = None
    throttled = False
    status = 200
    if form.is_bound and form.is_valid():
        last_name = form.cleaned_data["last_name"].strip()
        key = client_key(request, "custody.search")
        if len(last_name) < selectors.MIN_LAST_NAME:
            form.add_error("last_name", _("Type at least two letters of the last name."))
            status = 400
        elif throttle_record("custody.search", key, WINDOW) > SEARCH_LIMIT:
            # Counted before it is compared, in one round trip: two searches at the same
            # moment cannot both take the last place (as the API's throttles).
            throttled = True
            status = 429
        else:
            results = selectors.custody_search(
                last_name=last_name, first_initial=form.cleaned_data["first_initial"]
            )
    elif form.is_bound:
        status = 400
    return _private(
        render(
            request,
            "custody/index.html",
            {
                "form": form,
                "results": results,
                "throttled": throttled,
                "settings": CustodySettings.get_solo(),
            },
            status=status,
        )
    )


@public_form
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    """Visiting information and the visit request form."""
    slots = selectors.open_slots()
    form = VisitRequestForm(request.POST or None, slots=slots)
    throttled = False
    status = 200
    if request.method == "POST":
        key = client_key(request, "custody.visit")
        if not throttle_allowed("custody.visit", key, VISIT_LIMIT, WINDOW):
            throttled = True
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                visit = services.visit_request(
                    slot_id=data["slot"].pk,
                    name=data["name"],
                    visiting=data["visiting"],
                    email=data["email"],
                    phone=data["phone"],
                    language=translation.get_language() or "en",
                )
            except ValidationError as error:
                add_domain_errors(form, error)
                status = 400
            else:
                throttle_record("custody.visit", key, WINDOW)
                return redirect(
                    "custody:visit", token=services.VISIT_LINK.make(str(visit.public_id))
                )
        else:
            status = 400
    return _private(
        render(
            request,
            "custody/visit_form.html",
            {
                "form": form,
                "throttled": throttled,
                "has_slots": slots.exists(),
                "settings": CustodySettings.get_solo(),
            },
            status=status,
        )
    )


@public_form
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, token: str) -> HttpResponse:
    """The visit's own page (the confirmation's link): its time, and a button to cancel."""
    current = services.visit_from_token(token)
    if current is None:
        return _private(render(request, "custody/visit.html", {"missing": True}, status=404))
    if request.method == "POST":
        services.visit_cancel(visit_id=current.pk)
        return redirect("custody:visit", token=token)
    return _private(
        render(
            request,
            "custody/visit.html",
            {"visit": current, "token": token, "statuses": VisitRequest.Status},
        )
    )
