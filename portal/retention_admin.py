"""The back office for retention: each kind's period with what is due in the next week, and legal
holds (placed and lifted with a reason). Every change goes through portal/services/retention/,
which writes the audit entry."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import FormActionMixin
from portal.forms import add_domain_errors
from portal.localtime import local_today
from portal.retention_models import LegalHold, RetentionPolicy
from portal.services import retention


class RetentionPolicyForm(forms.Form):
    days = forms.IntegerField(label=_("Keep for (days)"), min_value=1, max_value=36500)
    enabled = forms.BooleanField(
        label=_("Purge when due"),
        required=False,
        help_text=_("Untick to keep every record of this kind until the records officer decides."),
    )


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """One page lists every kind with its period and what is due; a kind's page changes it."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        today = local_today()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Retention periods and what is due"),
            "rows": retention.retention_due_list(today=today),
            "today": today,
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/portal/retention_list.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        policy = get_object_or_404(RetentionPolicy, pk=object_id)
        if not self.has_view_or_change_permission(request, policy):
            raise PermissionDenied
        kind = retention.kind_get(policy.key)
        can_change = self.has_change_permission(request, policy)
        initial = {"days": policy.days, "enabled": policy.enabled}
        form = RetentionPolicyForm(request.POST or None, initial=initial)
        form.fields["days"].help_text = _(
            "%(schedule)s Default: %(default)d days; at least %(minimum)d."
        ) % {"schedule": kind.schedule, "default": kind.default_days, "minimum": kind.minimum_days}
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if form.is_valid():
                try:
                    retention.retention_policy_update(
                        actor=request.user,
                        policy=policy,
                        days=form.cleaned_data["days"],
                        enabled=form.cleaned_data["enabled"],
                    )
                except ValidationError as error:
                    add_domain_errors(form, error)
                else:
                    self.message_user(request, _("Retention period saved."), messages.SUCCESS)
                    return redirect("admin:portal_retentionpolicy_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": kind.label,
            "kind": kind,
            "form": form,
            "can_change": can_change,
        }
        return TemplateResponse(request, "admin/portal/retention_policy.html", context)


class LegalHoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of case"))
    case = forms.CharField(
        label=_("Case"),
        max_length=64,
        help_text=_(
            "As staff know it: a tip's number, a request's tracking number, a permit's code."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The litigation, claim, audit or request that requires the records kept."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.key, kind.label) for kind in retention.holdable_kinds()
        ]


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ActiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("In force")), ("lifted", _("Lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(lifted_at__isnull=True)
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


@admin.register(LegalHold)
class LegalHoldAdmin(FormActionMixin, admin.ModelAdmin):
    list_display = ["target_label", "placed_at", "placed_by", "in_force", "lifted_at"]
    list_filter = [ActiveFilter]
    search_fields = ["target_label", "object_id"]
    list_select_related = ["placed_by"]
    readonly_fields = [
        "content_type",
        "object_id",
        "target_label",
        "reason",
        "placed_by",
        "placed_at",
        "lifted_by",
        "lifted_at",
        "lift_reason",
    ]
    actions = ["lift"]

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, hold):
        return hold.active

    def has_delete_permission(self, request, obj=None):
        return False  # a lifted hold stays as history

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LegalHoldForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                hold = retention.legal_hold_place(
                    actor=request.user,
                    kind_key=form.cleaned_data["kind"],
                    case=form.cleaned_data["case"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("%(case)s is under legal hold: it will not be purged.")
                    % {"case": hold.target_label},
                    messages.SUCCESS,
                )
                return redirect("admin:portal_legalhold_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Place a legal hold"),
            "form": form,
            "can_change": True,
        }
        return TemplateResponse(request, "admin/portal/retention_policy.html", context)

    @admin.action(description=_("Lift the legal hold"), permissions=["change"])
    def lift(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=LiftForm,
            title=_("Lift the legal hold"),
            intro=_("Once lifted, a case whose retention period has passed is purged."),
            apply=lambda hold, data: retention.legal_hold_lift(
                actor=request.user, hold=hold, reason=data["reason"]
            ),
            done=lambda n: (
                ngettext("%(count)d hold lifted.", "%(count)d holds lifted.", n) % {"count": n}
            ),
        )
