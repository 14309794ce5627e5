"""The queue's filters: by deadline (in business days, on the department's clock), by clerk, and
requests with a refund that waits for Stripe or needs a clerk."""

from datetime import timedelta

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.localtime import local_today
from records import services
from records.models import PaymentRefund, Status
from records.services.refunds import NEEDS_CLERK


class DueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Due today")),
            ("overdue", _("Overdue")),
            ("week", _("Due in the next 7 days")),
            ("paused", _("Paused (waiting for the requester)")),
            ("open", _("All open")),
        ]

    def queryset(self, request, queryset):
        today = local_today()
        working = list(services.WORKING)
        if self.value() == "today":
            return queryset.filter(due_date=today, status__in=working)
        if self.value() == "overdue":
            return queryset.filter(due_date__lt=today, status__in=working)
        if self.value() == "week":
            return queryset.filter(
                due_date__gte=today, due_date__lte=today + timedelta(days=7), status__in=working
            )
        if self.value() == "paused":
            return queryset.filter(status=Status.AWAITING_REQUESTER)
        if self.value() == "open":
            return queryset.exclude(status=Status.CLOSED)
        return queryset


class RefundFilter(admin.SimpleListFilter):
    """Requests with a refund still waiting for Stripe, or one a clerk must see to: a refund
    that failed after Stripe made it (the money is back with the department), or one Stripe
    answered none of the automatic tries of (records/services/refund_retries.py), until a clerk
    marks it as dealt with."""

    title = _("refunds")
    parameter_name = "refund"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for Stripe's answer")),
            ("attention", _("Need a clerk: failed after Stripe made it, or never answered")),
        ]

    def queryset(self, request, queryset):
        refunds = PaymentRefund.objects.filter(payment__request=OuterRef("pk"))
        if self.value() == "waiting":
            return queryset.filter(Exists(refunds.filter(state=PaymentRefund.State.PENDING)))
        if self.value() == "attention":
            return queryset.filter(Exists(refunds.filter(NEEDS_CLERK, dealt_with_at__isnull=True)))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned clerk")
    parameter_name = "clerk"

    def lookups(self, request, model_admin):
        clerks = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.RECORDS_CLERKS)
            .order_by("username")
        )
        return [
            ("none", _("Unassigned")),
            ("me", _("Assigned to me")),
            *[(str(user.pk), user.get_full_name() or user.get_username()) for user in clerks],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset
