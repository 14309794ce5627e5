"""The public careers pages: positions, hiring steps, information sessions (panels other apps
register), and the internship's application form and status page."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from careers import selectors, services
from careers.forms import ApplicationForm
from portal import registry
from portal.clients import client_key, throttle_allowed, throttle_record
from portal.forms import add_domain_errors

THROTTLE = "careers.apply"
HOUR = 3600


def index(request):
    return render(
        request,
        "careers/index.html",
        {
            "positions": list(selectors.position_list_open()),
            "steps": list(selectors.hiring_step_list()),
            "panels": registry.render_panels(registry.careers_panels, request),
        },
    )


def position(request, slug: str):
    return render(
        request,
        "careers/position.html",
        {
            "position": selectors.position_get(slug=slug),
            "steps": list(selectors.hiring_step_list()),
        },
    )


def internship(request):
    return render(request, "careers/internship.html")


@never_cache
def apply(request):
    key = client_key(request, THROTTLE)
    limit = settings.CAREERS_APPLICATIONS_PER_HOUR
    if request.method == "POST":
        if not throttle_allowed(THROTTLE, key, limit, HOUR):  # before reading the body
            return render(request, "careers/throttled.html", status=429)
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_submit(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    school=data["school"],
                    program_of_study=data["program_of_study"],
                    expected_graduation=data["expected_graduation"],
                    semester=data["semester"],
                    hours_per_week=data["hours_per_week"],
                    statement=data["statement"],
                    cv=data["cv"].read(),
                    language=translation.get_language(),
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                throttle_record(THROTTLE, key, HOUR)
                token = services.status_token(application=application)
                return redirect(reverse("careers:status", kwargs={"token": token}) + "?new=1")
    else:
        form = ApplicationForm()
    return render(request, "careers/apply.html", {"form": form})


@never_cache
def status(request, token: str):
    public_id = services.status_token_read(token=token)
    if public_id is None:
        raise Http404
    application = selectors.application_for_applicant(public_id=public_id)
    return render(
        request,
        "careers/status.html",
        {
            "application": application,
            "explained": services.status_explained(application.status),
            "new": request.GET.get("new") == "1",
            "steps": [
                (value, label)
                for value, label in application.Status.choices
                if value not in (application.Status.NOT_SELECTED,)
            ],
        },
    )
