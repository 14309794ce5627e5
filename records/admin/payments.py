"""The clerks' view of online payments: the queue's payment column (computed in the list's
own query) and the request page's table of Checkout Sessions (records/services/payments.py)."""

from decimal import Decimal

from django.contrib import admin
from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.localtime import to_local
from records import selectors
from records.models import Fee, Payment


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
            _("received"),
            _("refunded"),
            _("reference"),
        )
        return format_html("<table>{}{}</table>", head, rows)
