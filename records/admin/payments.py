"""The clerks' view of online payments: the queue's payment column (computed in the list's
own query), the request page's table of Checkout Sessions and their refunds
(records/services/payments.py), and the page that refunds one (records/services/refunds.py,
shown to staff with `records.refund_payment` only)."""

import uuid
from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms import add_domain_errors
from portal.localtime import to_local
from portal.services.audit import audit_record
from records import selectors, services
from records.admin.forms import RefundDealtWithForm, RefundForm
from records.models import Fee, Payment, PaymentRefund, RecordRequest
from records.services.payments import FAILED_REFUND_STATUSES


def _refund_outcome(refund: PaymentRefund) -> str:
    """What a clerk needs to know of a refund beyond its state."""
    outcome = _refund_answer(refund)
    if refund.dealt_with_at is not None:
        dealt_with = _("Dealt with by %(clerk)s on %(when)s: %(note)s") % {
            "clerk": refund.dealt_with_by or "—",
            "when": date_format(to_local(refund.dealt_with_at), "SHORT_DATETIME_FORMAT"),
            "note": refund.dealt_with_note,
        }
        return f"{outcome} {dealt_with}".strip()
    return outcome


def _refund_answer(refund: PaymentRefund) -> str:
    failed = refund.state == PaymentRefund.State.FAILED
    if failed and refund.provider_status in FAILED_REFUND_STATUSES:
        return str(
            _(
                "It failed after Stripe made it: the card's bank sent it back (%(error)s). "
                "The money is back with the department: return it another way."
            )
            % {"error": refund.error}
        )
    if failed and refund.error:
        return str(_("Stripe said: %(error)s") % {"error": refund.error})
    if refund.state == PaymentRefund.State.PENDING and refund.stalled_at is not None:
        return str(
            _(
                "Stripe answered none of %(tries)s automatic tries: check it in Stripe's "
                "dashboard (the refund's metadata has refund %(key)s), then send it again "
                "from its page."
            )
            % {"tries": refund.attempts, "key": refund.key}
        )
    if refund.state == PaymentRefund.State.PENDING:
        return str(
            _(
                "Stripe has not answered yet: the portal asks again by itself "
                "(%(tries)s automatic tries so far)."
            )
            % {"tries": refund.attempts}
        )
    return ""


class PaymentColumnsMixin:
    def get_queryset(self, request):
        # The queue's payment column: what is due and what was paid online, in the list's
        # own query (one query whatever the page holds).
        fees = Fee.objects.filter(request=OuterRef("pk"), waived=False).values("request")
        paid = Payment.objects.filter(request=OuterRef("pk"), paid_at__isnull=False)
        return (
            super()
            .get_queryset(request)
            .annotate(
                fees_due=Coalesce(
                    Subquery(fees.annotate(total=Sum("amount")).values("total")[:1]),
                    Decimal("0.00"),
                    output_field=DecimalField(),
                ),
                paid_online=Coalesce(
                    Subquery(
                        paid.values("request")
                        .annotate(net=Sum(F("amount_received") - F("amount_refunded")))
                        .values("net")[:1]
                    ),
                    Decimal("0.00"),
                    output_field=DecimalField(),
                ),
                payment_flagged=Exists(
                    Payment.objects.filter(request=OuterRef("pk"), mismatch=True)
                ),
            )
        )

    @admin.display(description=_("payment"))
    def payment_state(self, obj):
        due = getattr(obj, "fees_due", Decimal("0.00"))
        paid = getattr(obj, "paid_online", Decimal("0.00"))
        if obj.fees_paid_at is not None:
            text = _("paid online") if obj.payment_method == "online" else _("paid")
        elif due == 0:
            text = "—"
        elif paid > 0:
            text = _("partly paid: $%(paid)s of $%(due)s") % {"paid": paid, "due": due}
        else:
            text = _("$%(due)s due") % {"due": due}
        if getattr(obj, "payment_flagged", False):
            return format_html("{} <strong>({})</strong>", text, _("check the amount"))
        return text

    @admin.display(description=_("online payments"))
    def payments_panel(self, obj):
        payments = selectors.payment_list(record_request=obj)
        if not payments:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>${}</td><td>${}</td><td>${}</td><td>{}</td></tr>",
            (
                (
                    date_format(to_local(p.created_at), "SHORT_DATETIME_FORMAT"),
                    p.get_state_display(),
                    p.amount_expected,
                    p.amount_received,
                    p.amount_refunded,
                    _("amount differs from what was asked") if p.mismatch else p.payment_intent,
                )
                for p in payments
            ),
        )
        head = format_html(
            "<tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr>",
            _("opened"),
            _("state"),
            _("asked"),
            pgettext_lazy("payment", "received"),
            _("refunded"),
            _("reference"),
        )
        refunds = PaymentRefund.objects.filter(payment__request=obj).select_related(
            "requested_by", "dealt_with_by"
        )
        if not refunds:
            return format_html("<table>{}{}</table>", head, rows)
        refund_rows = format_html_join(
            "",
            "<li>{} {}</li>",
            (
                (
                    _("%(when)s: $%(amount)s, %(state)s, by %(clerk)s (%(reason)s)")
                    % {
                        "when": date_format(to_local(r.created_at), "SHORT_DATETIME_FORMAT"),
                        "amount": r.amount,
                        "state": r.get_state_display(),
                        "clerk": r.requested_by or "—",
                        "reason": r.reason,
                    },
                    _refund_outcome(r),
                )
                for r in refunds
            ),
        )
        return format_html(
            "<table>{}{}</table><p>{}</p><ul>{}</ul>", head, rows, _("Refunds:"), refund_rows
        )

    @admin.display(description=_("refund"))
    def refund_links(self, obj):
        """Shown only to staff who may refund (get_fieldsets)."""
        links = [
            (
                reverse("admin:records_recordrequest_refund", args=[obj.pk, p.pk]),
                _("Refund the payment of %(date)s ($%(left)s left)")
                % {
                    "date": date_format(to_local(p.paid_at), "SHORT_DATE_FORMAT"),
                    "left": services.refundable_amount(payment=p),
                },
            )
            for p in selectors.payment_list(record_request=obj)
            if services.refundable_amount(payment=p) > 0
            or p.refunds.filter(state=PaymentRefund.State.PENDING).exists()
        ]
        links += [
            (
                reverse("admin:records_recordrequest_refund_dealt_with", args=[obj.pk, r.pk]),
                _("Mark the refund of $%(amount)s of %(date)s as dealt with")
                % {
                    "amount": r.amount,
                    "date": date_format(to_local(r.created_at), "SHORT_DATE_FORMAT"),
                },
            )
            for r in PaymentRefund.objects.filter(
                services.NEEDS_CLERK, payment__request=obj, dealt_with_at__isnull=True
            )
        ]
        if not links:
            return _("Nothing paid online is left to refund.")
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not services.can_refund(request.user):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        *options["fields"],
                        *(["refund_links"] if "payments_panel" in options["fields"] else []),
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def refund_view(self, request, object_id: int, payment_id: int):
        """Refund an online payment: the amount (by default all that is left) and a reason.
        Opening it is in the audit log, as opening the request is."""
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        payment = get_object_or_404(Payment, pk=payment_id, request=record_request)
        if not self.has_change_permission(request, record_request) or not services.can_refund(
            request.user
        ):
            raise PermissionDenied
        pending = payment.refunds.filter(state=PaymentRefund.State.PENDING).first()
        left = services.refundable_amount(payment=payment)
        initial = {
            "amount": pending.amount if pending else left,
            "reason": pending.reason if pending else "",
            "attempt": pending.key if pending else uuid.uuid4(),
        }
        form = RefundForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                refund = services.payment_refund(
                    actor=request.user,
                    payment=payment,
                    amount=data["amount"],
                    reason=data["reason"],
                    key=data["attempt"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("Refunded $%(amount)s. The requester is told by e-mail.")
                    % {"amount": refund.amount},
                    messages.SUCCESS,
                )
                return redirect("admin:records_recordrequest_change", record_request.pk)
        elif request.method == "GET":
            audit_record(
                actor=request.user, action="records.recordrequest.viewed", target=record_request
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Refund an online payment"),
            "record_request": record_request,
            "payment": payment,
            "pending": pending,
            "left": left,
            "form": form,
        }
        return TemplateResponse(request, "admin/records/refund.html", context)

    def refund_dealt_with_view(self, request, object_id: int, refund_id: int):
        """Mark a refund that needs a clerk (failed after Stripe made it, or never answered) as
        dealt with, with a note (records/services/refunds.py `refund_dealt_with`)."""
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        refund = get_object_or_404(PaymentRefund, pk=refund_id, payment__request=record_request)
        if not self.has_change_permission(request, record_request) or not services.can_refund(
            request.user
        ):
            raise PermissionDenied
        form = RefundDealtWithForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.refund_dealt_with(
                    actor=request.user, refund=refund, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("The refund of $%(amount)s is marked as dealt with.")
                    % {"amount": refund.amount},
                    messages.SUCCESS,
                )
                return redirect("admin:records_recordrequest_change", record_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Mark a refund as dealt with"),
            "record_request": record_request,
            "refund": refund,
            "outcome": _refund_answer(refund),
            "form": form,
        }
        return TemplateResponse(request, "admin/records/refund_dealt_with.html", context)
