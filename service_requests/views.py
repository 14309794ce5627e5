"""Residents' pages: the service picker, the two-step request form (where, then what), the
tracking page, each request's public page, a neighborhood's list and map, and the on-time
figures. Views parse input, call one service or selector, and render."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import maps
from portal.clients import client_key, throttle_allowed, throttle_record
from portal.errors import DomainError
from portal.forms import add_domain_errors
from portal.models import Neighborhood
from portal.services.page_cache import page_cached
from service_requests import location, selectors, services
from service_requests.choices import STATUS_PLAIN, TargetUnit
from service_requests.forms import FollowForm, PlaceForm, RequestForm, TrackForm
from service_requests.models import RequestPhoto

# The place picker's width in pixels: narrow enough for a phone held upright, so the image a
# resident clicks is never scaled and its click coordinates map back to the right place.
PICKER_WIDTH = 340
SUBMIT_THROTTLE = "service_requests.submit"
LOOKUP_THROTTLE = "service_requests.lookup"
HOUR = 3600


def _service_or_404(code: str):
    try:
        return selectors.service_get(code=code)
    except DomainError:
        raise Http404 from None


def target_words(service) -> str:
    """ "within 1 hour", "within 5 business days"."""
    value = service.target_value
    if service.target_unit == TargetUnit.HOURS:
        return translation.ngettext("within %(count)d hour", "within %(count)d hours", value) % {
            "count": value
        }
    return translation.ngettext(
        "within %(count)d business day", "within %(count)d business days", value
    ) % {"count": value}


@page_cached
def index(request):
    return render(
        request,
        "service_requests/index.html",
        {
            "groups": selectors.service_groups(),
            "track_form": TrackForm(),
            "neighborhoods": list(Neighborhood.objects.order_by("order", "name")),
        },
    )


def _town_map():
    return maps.town_map(location.neighborhoods_with_boundary(), width=PICKER_WIDTH)


def _point_from_map(request_data, town_map) -> tuple[str, str] | None:
    """The point a resident clicked on the map (an image button sends map.x and map.y)."""
    if town_map is None or "map.x" not in request_data:
        return None
    try:
        x, y = float(request_data["map.x"]), float(request_data["map.y"])
    except (TypeError, ValueError):
        return None
    lon, lat = town_map.projection.to_lonlat(x, y)
    return f"{lat:.6f}", f"{lon:.6f}"


@never_cache
def request_new(request, code: str):
    service = _service_or_404(code)
    data = request.POST if request.method == "POST" else request.GET
    town_map = _town_map()
    place_form = PlaceForm(data or None)
    address = (data.get("address") or "").strip()
    lat, long = data.get("lat", ""), data.get("long", "")
    clicked = _point_from_map(data, town_map)
    if clicked:
        lat, long = clicked
    place = None
    chosen = bool(address or lat or long or clicked)
    if chosen:
        place_form = PlaceForm({"address": address, "lat": lat, "long": long})
        place_form.is_valid()
        try:
            place = services.place_resolve(address=address, lat=lat, long=long)
        except ValidationError as error:
            add_domain_errors(place_form, _location_errors(error))
    context = {
        "service": service,
        "target": target_words(service),
        "place_form": place_form,
        "town_map": town_map,
        "place": place,
        "lat": lat if place else "",
        "long": long if place else "",
        "address": address,
        "streets": location.street_suggestions(address) if address and not place else [],
    }
    if place is None:
        return render(request, "service_requests/new_place.html", context)
    form = RequestForm(service=service)
    if request.method == "POST":
        key = client_key(request, SUBMIT_THROTTLE)
        limit = settings.SERVICE_REQUESTS_PER_HOUR
        if not throttle_allowed(SUBMIT_THROTTLE, key, limit, HOUR):
            return render(request, "service_requests/throttled.html", status=429)
        form = RequestForm(request.POST, request.FILES, service=service)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.request_submit(
                    service_code=service.code,
                    attributes=form.answers(),
                    description=data["description"],
                    address=address,
                    lat=lat,
                    long=long,
                    photos=[upload.read() for upload in data["photos"]],
                    contact=form.contact(),
                    notify_email=data["notify_email"],
                    notify_sms=data["notify_sms"],
                    language=translation.get_language(),
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                throttle_record(SUBMIT_THROTTLE, key, HOUR)
                return redirect(services.tracking_path(created) + "?new=1")
    context.update(
        {
            "form": form,
            "duplicates": selectors.request_possible_duplicates(
                service_code=service.code,
                lat=place.lat,
                long=place.long,
                street_id=place.street.pk if place.street else None,
            ),
            "change_url": reverse("service_requests:new", args=[service.code]),
        }
    )
    return render(request, "service_requests/new_details.html", context)


def _location_errors(error: ValidationError) -> ValidationError:
    """Errors about the point belong to the address field on the first step's form."""
    if not hasattr(error, "error_dict"):
        return error
    merged: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        merged.setdefault("address" if field == "location" else field, []).extend(errors)
    return ValidationError(merged)


@require_GET
def street_suggest(request):
    """Suggestions for the address field as the resident types: the town's streets that
    match, with the house number they typed."""
    typed = (request.GET.get("q") or "")[:200]
    number = location.house_number(typed)
    prefix = f"{number} " if number is not None else ""
    return JsonResponse(
        {
            "streets": [
                {
                    "label": prefix + street.name,
                    "neighborhood": street.neighborhood.name if street.neighborhood else "",
                    "numbers": street.number_range,
                }
                for street in location.street_suggestions(typed)
                if number is None or street.has_number(number)
            ]
        }
    )


@require_GET
def map_svg(request):
    """The town drawn from our own boundaries, for the place picker (an image button: a click
    sends its coordinates, without JavaScript), with a marker at `lat`/`long` when given."""
    town_map = _town_map()
    if town_map is None:
        raise Http404
    marker = None
    try:
        lat = location.parse_coordinate(request.GET.get("lat"), low=-90, high=90)
        long = location.parse_coordinate(request.GET.get("long"), low=-180, high=180)
        if lat is not None and long is not None:
            marker = town_map.projection.to_xy(float(long), float(lat))
    except ValueError:
        marker = None
    body = render(
        request, "service_requests/map.svg", {"town_map": town_map, "marker": marker}
    ).content
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@never_cache
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        key = client_key(request, LOOKUP_THROTTLE)
        if not throttle_allowed(
            LOOKUP_THROTTLE, key, settings.SERVICE_REQUESTS_LOOKUPS_PER_HOUR, HOUR
        ):
            return render(request, "service_requests/throttled.html", status=429)
        found = selectors.request_by_code(short_code=form.cleaned_data["code"])
        if found is not None:
            return redirect(services.tracking_path(found, language=translation.get_language()))
        throttle_record(LOOKUP_THROTTLE, key, HOUR)
        form.add_error(
            "code", translation.gettext("No request has this code. Check it and try again.")
        )
    return render(request, "service_requests/track_lookup.html", {"form": form})


def _tracked(token: str):
    public_id = services.TRACK.read(token)
    found = selectors.request_for_tracking(public_id=public_id) if public_id else None
    if found is None:
        raise Http404
    return found


@never_cache
def track(request, token: str):
    service_request = _tracked(token)
    officer = service_request.neighborhood.coordinator
    return render(
        request,
        "service_requests/track.html",
        {
            "r": service_request,
            "token": token,
            "new": request.GET.get("new") == "1",
            "plain": STATUS_PLAIN[service_request.status],
            "history": selectors.request_history(service_request=service_request, public=True),
            "photos": list(service_request.photos.all()),
            "target": target_words(service_request.service),
            "officer": officer,
            "answers": _answers(service_request),
        },
    )


def _answers(service_request) -> list[tuple[str, str]]:
    """The resident's answers as question and words (choices by their names)."""
    rows = []
    for question in selectors.service_questions(service=service_request.service):
        value = service_request.attributes.get(question.code)
        if value in (None, "", []):
            continue
        names = {v.key: str(v.name) for v in question.values.all()}
        if isinstance(value, list):
            value = ", ".join(names.get(v, v) for v in value)
        else:
            value = names.get(value, value)
        rows.append((str(question.description), str(value)))
    return rows


@never_cache
def track_photo(request, token: str, photo_id: int):
    service_request = _tracked(token)
    photo = get_object_or_404(RequestPhoto, pk=photo_id, request=service_request)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _public_context(service_request, follow_form=None) -> dict:
    return {
        "r": service_request,
        "plain": STATUS_PLAIN[service_request.status],
        "history": selectors.request_public_history(service_request=service_request),
        "target": target_words(service_request.service),
        "follow_form": follow_form or FollowForm(),
    }


@page_cached
def public_detail(request, public_id):
    try:
        service_request = selectors.request_get(public_id=public_id)
    except DomainError:
        raise Http404 from None
    context = _public_context(service_request)
    context["following"] = request.GET.get("following") == "1"
    return render(request, "service_requests/public_detail.html", context)


@require_POST
def follow(request, public_id):
    try:
        service_request = selectors.request_get(public_id=public_id)
    except DomainError:
        raise Http404 from None
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            services.request_follow(
                service_request=service_request,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=translation.get_language(),
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return redirect(service_request.get_absolute_url() + "?following=1")
    return render(
        request,
        "service_requests/public_detail.html",
        _public_context(service_request, form),
        status=400,
    )


@page_cached
def neighborhood(request, slug: str):
    place = get_object_or_404(Neighborhood.objects.select_related("coordinator"), slug=slug)
    rows = selectors.neighborhood_requests(neighborhood=place)
    return render(
        request,
        "service_requests/neighborhood.html",
        {
            "neighborhood": place,
            **_map_of(place, rows),
            "rows": rows,
        },
    )


def _map_of(place, rows) -> dict:
    """The neighborhood drawn alone, with a numbered dot for each listed request that has a
    (public, possibly coarsened) point."""
    town_map = maps.town_map([place])
    dots = []
    if town_map is not None:
        for number, row in enumerate(rows, start=1):
            if row.public_lat is not None and row.public_long is not None:
                x, y = town_map.projection.to_xy(float(row.public_long), float(row.public_lat))
                dots.append({"number": number, "x": x, "y": y, "open": row.is_open})
    return {"town_map": town_map, "dots": dots}


@page_cached
def on_time(request):
    return render(request, "service_requests/on_time.html", selectors.on_time_figures())


def new_url(service, **query) -> str:
    return reverse("service_requests:new", args=[service.code]) + "?" + urlencode(query)
