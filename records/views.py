"""The residents' pages: ask, track, reply, download. Each view parses input, calls one service
or selector and renders. Requests are private: a bad or expired link is a 404, like a request
that does not exist."""

import contextlib
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.charts import bar_chart
from portal.forms import add_domain_errors
from portal.localtime import to_local
from records import selectors, services
from records.figures import figures_by_month, month_label
from records.forms import (
    FORMS,
    SLUG_FOR_KIND,
    CodeForm,
    FingerprintingForm,
    LookupForm,
    ReplyForm,
    RescheduleForm,
    VerifyForm,
)
from records.models import RequestKind


def index(request):
    return render(request, "records/index.html", {"slugs": SLUG_FOR_KIND})


@never_cache
def request_form(request, kind: str):
    form_class = FORMS.get(kind)
    if form_class is None:
        raise Http404
    kwargs = {}
    if form_class is FingerprintingForm:
        kwargs["slots"] = selectors.slot_list_open()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                record_request = services.request_submit(
                    kind=form.kind,
                    requester_name=form.cleaned_data["requester_name"],
                    requester_email=form.cleaned_data["requester_email"],
                    requester_phone=form.cleaned_data["requester_phone"],
                    language=translation.get_language(),
                    details=form.details(),
                    description=form.description(),
                    id_document=form.cleaned_data.get("id_document"),
                    slot_id=form.cleaned_data.get("slot"),
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                token = services.tracking_token(record_request=record_request)
                return redirect(reverse("records:track", kwargs={"token": token}) + "?new=1")
    else:
        form = form_class(**kwargs)
    return render(
        request,
        "records/request_form.html",
        {
            "form": form,
            "kind": form_class.kind,
            "kind_label": RequestKind(form_class.kind).label,
            "no_slots": form_class is FingerprintingForm and not kwargs["slots"],
        },
    )


@never_cache
def track_lookup(request):
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            services.lookup_code_send(
                tracking_number=form.cleaned_data["tracking_number"],
                email=form.cleaned_data["email"],
            )
            code_form = CodeForm(
                initial={"tracking_number": form.cleaned_data["tracking_number"].upper()}
            )
            return render(request, "records/track_code.html", {"form": code_form})
    else:
        form = LookupForm()
    return render(request, "records/track_lookup.html", {"form": form})


@never_cache
@require_POST
def track_code(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            record_request = services.lookup_code_check(
                tracking_number=form.cleaned_data["tracking_number"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            token = services.tracking_token(record_request=record_request)
            return redirect("records:track", token=token)
    return render(request, "records/track_code.html", {"form": form})


def _from_token(token: str):
    public_id = services.tracking_token_read(token=token)
    if public_id is None:
        raise Http404
    return selectors.request_for_requester(public_id=public_id)


def _track_context(record_request, token: str, **extra) -> dict:
    released = selectors.documents_released(record_request=record_request)
    downloads = []
    if released:
        downloads = [
            (document, services.download_token(document=document))
            for document in record_request.released_documents
        ]
    slots = []
    if record_request.kind == RequestKind.FINGERPRINTING and record_request.is_open:
        slots = [s for s in selectors.slot_list_open() if s.pk != record_request.slot_id]
    context = {
        "record_request": record_request,
        "token": token,
        "days_left": selectors.business_days_left(record_request=record_request),
        "days_since": selectors.business_days_since_receipt(record_request=record_request),
        "fees": list(record_request.fees.all()),
        "fees_total": selectors.fees_total(record_request=record_request),
        "fees_settled": selectors.fees_settled(record_request=record_request),
        "payments_enabled": services.payments_enabled(),
        "online_paid": selectors.online_paid(record_request=record_request),
        "amount_due_online": services.amount_due_online(record_request=record_request),
        "released": released,
        "downloads": downloads,
        "has_released_documents": bool(record_request.released_documents),
        "reply_form": ReplyForm(),
        "reschedule_form": RescheduleForm(slots=slots) if slots else None,
        "slot_label": (to_local(record_request.slot.starts_at) if record_request.slot else None),
    }
    context.update(extra)
    return context


def _checkout_form(view):
    """The tracking page's "Pay online" form is answered with a redirect to the provider's
    checkout page: the browser checks that address against the page's form-action, so the
    page allows that one origin (read per response, as tests point it at a stand-in)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_update = {"form-action": [settings.STRIPE_CHECKOUT_ORIGIN]}
        return response

    return wrapped


@never_cache
@_checkout_form
def track(request, token: str):
    record_request = _from_token(token)
    context = _track_context(
        record_request,
        token,
        new=request.GET.get("new") == "1",
        paid=request.GET.get("paid") == "1",
    )
    return render(request, "records/track.html", context)


@never_cache
@_checkout_form
@require_POST
def track_pay(request, token: str):
    """Send the requester to the provider's checkout page for what is due."""
    record_request = _from_token(token)
    try:
        payment = services.payment_checkout_start(record_request=record_request)
    except ValidationError as error:
        context = _track_context(record_request, token, payment_error=error.messages[0])
        return render(request, "records/track.html", context, status=409)
    return redirect(payment.checkout_url)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events about our Checkout Sessions, signed (Stripe-Signature)."""
    try:
        services.payment_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except ValidationError as error:
        if getattr(error, "domain_code", "") == "stripe_unread":
            return HttpResponse("Stripe could not be read; send it again", status=503)
        return HttpResponseBadRequest("bad signature")
    return HttpResponse(status=200)


@never_cache
@require_POST
def track_reply(request, token: str):
    record_request = _from_token(token)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = form.cleaned_data.get("attachment")
        try:
            services.message_from_requester(
                record_request=record_request,
                body=form.cleaned_data.get("body") or "",
                uploads=[attachment] if attachment else [],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return redirect(reverse("records:track", kwargs={"token": token}) + "?sent=1#messages")
    context = _track_context(record_request, token, reply_form=form)
    return render(request, "records/track.html", context, status=400)


@never_cache
@require_POST
def track_reschedule(request, token: str):
    record_request = _from_token(token)
    slots = selectors.slot_list_open()
    form = RescheduleForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            services.appointment_reschedule(
                record_request=record_request, slot_id=form.cleaned_data["slot"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return redirect("records:track", token=token)
    context = _track_context(record_request, token, reschedule_form=form)
    return render(request, "records/track.html", context, status=400)


@never_cache
@require_POST
def track_cancel(request, token: str):
    record_request = _from_token(token)
    with contextlib.suppress(ValidationError):  # already closed: the page shows that
        services.appointment_cancel(record_request=record_request)
    return redirect("records:track", token=token)


@never_cache
def download(request, token: str):
    """A released document, through a signed link that expires."""
    document, data = services.document_for_download(token=token)
    response = HttpResponse(data, content_type=document.content_type)
    safe_name = "".join(c for c in document.original_name if c.isalnum() or c in "._- ")
    response["Content-Disposition"] = f'attachment; filename="{safe_name or "document"}"'
    return response


def verify(request):
    """Anyone holding a record-check letter can confirm it here with its code."""
    form = VerifyForm(request.GET or None)
    letter = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        letter = selectors.letter_verify(code=form.cleaned_data["code"])
    return render(
        request, "records/verify.html", {"form": form, "letter": letter, "checked": checked}
    )


def figures(request):
    """Aggregate figures only: no names, no request details."""
    months = figures_by_month()
    labels = [month_label(m.start) for m in months]
    context = {
        "months": [(label, m) for label, m in zip(labels, months, strict=True)],
        "received_chart": bar_chart(
            values=[m.received for m in months], labels=labels, title_id="received"
        ),
        "median_chart": bar_chart(
            values=[m.median_days for m in months], labels=labels, title_id="median"
        ),
        "on_time_chart": bar_chart(
            values=[m.on_time_share for m in months], labels=labels, title_id="ontime", unit="%"
        ),
    }
    return render(request, "records/figures.html", context)
