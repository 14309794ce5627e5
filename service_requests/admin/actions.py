"""The queue's list actions: acknowledge, start work, close with a reason, assign, merge
duplicates. They call the same services as a request's page."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from service_requests import services
from service_requests.admin.forms import AssignForm, CloseForm
from service_requests.choices import Status


class QueueActionsMixin:
    """The list actions of ServiceRequestAdmin (named in its `actions`)."""

    def _each(self, request, queryset, to_status):
        done, refused = 0, []
        for row in queryset:
            try:
                services.request_transition(
                    service_request=row, to_status=to_status, actor=request.user
                )
                done += 1
            except ValidationError as error:
                refused.append(f"{row}: {' '.join(error.messages)}")
        self.message_user(
            request,
            ngettext("%(count)d request updated.", "%(count)d requests updated.", done)
            % {"count": done},
            messages.SUCCESS,
        )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Acknowledge"), permissions=["change"])
    def acknowledge(self, request, queryset):
        self._each(request, queryset, Status.ACKNOWLEDGED)

    @admin.action(description=_("Start work"), permissions=["change"])
    def start(self, request, queryset):
        self._each(request, queryset, Status.IN_PROGRESS)

    @admin.action(description=_("Close with a reason"), permissions=["change"])
    def close(self, request, queryset):
        if "apply" in request.POST:
            form = CloseForm(request.POST)
            if form.is_valid():
                try:
                    count = services.request_bulk_close(
                        requests=list(queryset),
                        reason=form.cleaned_data["reason"],
                        message=form.cleaned_data["message"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    ngettext("%(count)d request closed.", "%(count)d requests closed.", count)
                    % {"count": count},
                    messages.SUCCESS,
                )
                return None
        return self.form_action(
            request,
            queryset,
            form_class=CloseForm,
            title=_("Close requests"),
            apply=lambda row, data: None,
        )

    @admin.action(description=_("Assign"), permissions=["change"])
    def assign(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=AssignForm,
            title=_("Assign requests"),
            apply=lambda row, data: services.request_assign(
                service_request=row, assignee=data["assignee"], actor=request.user
            ),
        )

    @admin.action(description=_("Merge duplicates into one"), permissions=["change"])
    def merge(self, request, queryset):
        rows = list(queryset.order_by("requested_at"))
        if len(rows) < 2:
            self.message_user(request, _("Select two requests or more."), messages.WARNING)
            return None
        keep_form = type(
            "KeepForm",
            (forms.Form,),
            {
                "keep": forms.ChoiceField(
                    label=_("Keep this request (the others are closed as its duplicates)"),
                    choices=[(r.pk, f"{r} — {r.requested_at:%Y-%m-%d %H:%M}") for r in rows],
                )
            },
        )
        kept = {r.pk: r for r in rows}

        def apply(row, data):
            keep = kept[int(data["keep"])]
            if row.pk != keep.pk:
                services.request_merge(duplicate=row, into=keep, actor=request.user)

        return self.form_action(
            request, queryset, form_class=keep_form, title=_("Merge duplicates"), apply=apply
        )
