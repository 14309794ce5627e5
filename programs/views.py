"""Public pages of programs and events. Thin: parse, call one selector or service, render."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.errors import DomainError
from portal.forms import add_domain_errors
from portal.models import Neighborhood
from portal.public_forms import public_form
from portal.services.page_cache import page_cached
from programs import feeds, selectors
from programs.forms import RegistrationForm, SubscriptionForm
from programs.models import Event, Registration
from programs.services import flyers, neighborhoods, registrations
from programs.services.publishing import content_version
from programs.services.revisions import snapshot_preview


def program_pending_preview(request: HttpRequest, program, revision) -> HttpResponse:
    """Staff preview of a published page's pending change, as residents would see it once
    approved (called by the admin, which checks who may see it)."""
    copy, rows = snapshot_preview(program, revision.snapshot)
    news = selectors.news_shown(rows["news"])
    response = render(
        request,
        "programs/detail.html",
        {
            "program": copy,
            "preview": True,
            "pending_change": revision,
            "version": f"pending-{revision.pk}",
            "translation_missing": _translation_missing(copy),
            "events": selectors.event_list(program=program)[:12],
            "news": news[:5],
            "images": rows["images"],
            "partners": rows["partners"],
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _translation_missing(obj, fields=("title", "summary", "body")) -> bool:
    """True when the page is shown in Spanish but some of its text was written only in English."""
    language = translation.get_language() or "en"
    if language == "en":
        return False
    for name in fields:
        english = getattr(obj, f"{name}_en", "")
        if english and not getattr(obj, f"{name}_{language}", ""):
            return True
    return False


@page_cached
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/index.html",
        {"programs": selectors.program_list(), "version": content_version()},
    )


@page_cached
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(slug=slug, user=request.user)
    preview = getattr(program, "is_preview", False)
    response = render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "preview": preview,
            "version": content_version(),
            "translation_missing": _translation_missing(program),
            "events": selectors.event_list(program=program)[:12],
            "news": selectors.news_list(program=program)[:5],
            # Lazy: read only when the cached fragment is rebuilt.
            "images": program.images.all(),
            "partners": program.partners.all(),
        },
    )
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


@page_cached
def events(request: HttpRequest) -> HttpResponse:
    """The event list. Its rendered list is cached per filter, page and content version, so
    the queries below are lazy: on a cache hit none of them runs."""
    chosen_program = request.GET.get("program", "")[:80]
    chosen_neighborhood = request.GET.get("neighborhood", "")[:80]
    page_number = request.GET.get("page", "1")[:6]
    chosen_from = request.GET.get("from", "")[:10]
    from_error = ""
    start = None
    if chosen_from:
        try:
            day = date.fromisoformat(chosen_from)
            start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        except ValueError:
            from_error = _("Enter a date such as 2025-06-30.")  # what they typed stays

    def page():
        queryset = selectors.event_list(start=start)
        if chosen_program:
            queryset = queryset.filter(program__slug=chosen_program)
        if chosen_neighborhood:
            queryset = queryset.filter(neighborhood__slug=chosen_neighborhood)
        return Paginator(queryset, 20).get_page(page_number)

    return render(
        request,
        "programs/events.html",
        {
            "page": SimpleLazyObject(page),
            "page_number": page_number,
            "programs": selectors.program_list(),
            "neighborhoods": Neighborhood.objects.all(),
            "chosen_program": chosen_program,
            "chosen_neighborhood": chosen_neighborhood,
            "chosen_from": chosen_from,
            "from_error": from_error,
            "version": content_version(),
        },
        status=400 if from_error else 200,
    )


@public_form
@page_cached
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, key: str) -> HttpResponse:
    if key.isdigit():
        event = get_object_or_404(Event, pk=int(key))
        return redirect(event, permanent=True)
    event = selectors.event_get(slug=key)
    form = None
    if event.takes_registration and not event.is_cancelled:
        form = RegistrationForm(request.POST or None, event=event)
        if request.method == "POST" and form.is_valid():
            try:
                registrations.registration_create(
                    event_id=event.pk,
                    language=translation.get_language() or "en",
                    **form.cleaned_data,
                )
            except DomainError as error:
                if error.domain_code in SAME_AS_SENT:
                    return _sign_up_sent(request, event, form.cleaned_data["email"])
                add_domain_errors(form, error)
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                return _sign_up_sent(request, event, form.cleaned_data["email"])
    elif request.method == "POST":
        return redirect(event)
    return render(
        request,
        "programs/event_detail.html",
        {
            "event": event,
            "form": form,
            "places_left": selectors.places_left(event),
            "json_ld": feeds.event_json_ld(request, event),
            "version": content_version(),
            "translation_missing": _translation_missing(event, ("title", "description")),
        },
        status=400 if form is not None and form.errors else 200,
    )


# A repeated sign-up or one over the address's throttle gets the same page as a new one, so
# the form tells nobody who has signed up (issue 13, finding 8).
SAME_AS_SENT = {"duplicate", "throttled"}


def _sign_up_sent(request: HttpRequest, event: Event, email: str) -> HttpResponse:
    """After the sign-up form: "check your e-mail". The page never shows the sign-up's own
    link, which only the address's owner receives (it is what confirms the place)."""
    response = render(
        request,
        "programs/registration.html",
        {"sent": True, "event": event, "email": email, "hold_hours": registrations.HOLD_HOURS},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own sign-up: its status, and buttons to claim an offer or cancel."""
    try:
        current = registrations.registration_from_token(token)
    except ValidationError as error:
        return render(request, "programs/registration.html", {"error": error}, status=404)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                current = registrations.registration_cancel(registration_id=current.pk)
            elif action == "confirm":
                current = registrations.registration_confirm(registration_id=current.pk)
            elif action == "claim":
                current = registrations.registration_claim(registration_id=current.pk)
            else:
                raise Http404
        except ValidationError as failure:
            error = failure
        else:
            return redirect("programs:registration", token=token)
    return render(
        request,
        "programs/registration.html",
        {
            "registration": current,
            "event": current.event,
            "position": selectors.waiting_position(current),
            "token": token,
            "error": error,
            "statuses": Registration.Status,
        },
        status=400 if error else 200,
    )


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail's cancel link: a page with one button (a link alone never cancels, since
    mail scanners open links)."""
    return registration(request, token)


def registration_claim(request: HttpRequest, token: str) -> HttpResponse:
    return registration(request, token)


def event_flyer(request: HttpRequest, key: str) -> HttpResponse:
    """The event's printable flyer, built by a Celery task the first time it is asked for."""
    event = selectors.event_get(slug=key)
    name = flyers.flyer_request(event=event, language=translation.get_language() or "en")
    if name is None:
        response = render(request, "programs/flyer_wait.html", {"event": event}, status=202)
        response["Retry-After"] = "5"
        return response
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}.pdf"'
    return response


# --- Neighborhoods: subscriptions ---------------------------------------------------------------


@public_form
@require_http_methods(["POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    neighborhood = get_object_or_404(Neighborhood, slug=slug)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        neighborhoods.subscription_request(
            neighborhood=neighborhood,
            email=form.cleaned_data["email"],
            language=translation.get_language() or "en",
        )
        return render(
            request, "programs/subscription.html", {"neighborhood": neighborhood, "state": "sent"}
        )
    return render(
        request,
        "programs/subscription.html",
        {"neighborhood": neighborhood, "state": "form", "form": form},
        status=400,
    )


def _subscription_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "programs/subscription.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: a page with one button. Opening it (as mail scanners do)
    changes nothing; the button's POST (with the page's CSRF token) confirms."""
    try:
        if request.method == "POST":
            subscription = neighborhoods.subscription_confirm(token=token)
            state = "confirmed"
        else:
            subscription = neighborhoods.subscription_from_token(token, "confirm")
            state = "confirm" if subscription and not subscription.confirmed_at else "confirmed"
            if subscription is None:
                raise ValidationError(_("This subscription no longer exists."), code="not_found")
    except ValidationError as error:
        return _subscription_page(request, {"error": error}, status=400)
    return _subscription_page(
        request, {"neighborhood": subscription.neighborhood, "state": state, "token": token}
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without our CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link: opening it shows one button and changes nothing (mail scanners
    open links); any POST to it unsubscribes, the button's as a mail client's RFC 8058
    `List-Unsubscribe=One-Click` (the signed token is the proof)."""
    try:
        if request.method == "POST":
            neighborhood = neighborhoods.subscription_cancel(token=token)
            state = "unsubscribed"
        else:
            subscription = neighborhoods.subscription_from_token(token, "unsubscribe")
            neighborhood = subscription.neighborhood if subscription else None
            state = "unsubscribe" if subscription else "unsubscribed"
    except ValidationError as error:
        return _subscription_page(request, {"error": error}, status=400)
    return _subscription_page(
        request, {"neighborhood": neighborhood, "state": state, "token": token}
    )
