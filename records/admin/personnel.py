"""Records from employees' personnel files on a request's page (C.G.S. §1-214,
records/services/personnel.py): the notices sent, their objection windows, and the pages that
send a notice, record an objection and resolve it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.forms import add_domain_errors
from records import selectors, services
from records.admin.forms import EmployeeNoticeForm, ObjectionForm, ResolveForm
from records.models import EmployeeNotice, RecordRequest

STEPS = {
    "notice": _("Notify an employee (personnel records, C.G.S. §1-214)"),
    "objection": _("Record an employee's objection"),
    "resolve": _("Resolve an objection"),
}


def _open_for_objection(record_request):
    return EmployeeNotice.objects.filter(request=record_request, objected_at__isnull=True)


def _objected(record_request):
    return EmployeeNotice.objects.filter(
        request=record_request, objected_at__isnull=False, resolved_at__isnull=True
    )


class PersonnelViewsMixin:
    """Column and view of RecordRequestAdmin (its URL is in get_urls there)."""

    @admin.display(description=_("personnel records (C.G.S. §1-214)"))
    def personnel_panel(self, obj):
        notices = list(obj.employee_notices.all())
        rows = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    _("%(name)s (%(email)s): may object until %(deadline)s%(state)s")
                    % {
                        "name": n.employee_name,
                        "email": n.email,
                        "deadline": n.objection_deadline.isoformat(),
                        "state": (
                            f" — {n.get_resolution_display()}"
                            if n.resolved_at
                            else (" — " + str(_("objected")))
                            if n.objected_at
                            else ""
                        ),
                    },
                )
                for n in notices
            ),
        )
        steps = ["notice"]
        if any(n.objected_at is None for n in notices):
            steps.append("objection")
        if any(n.objected_at and not n.resolved_at for n in notices):
            steps.append("resolve")
        links = format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (reverse("admin:records_recordrequest_personnel", args=[obj.pk, s]), STEPS[s])
                for s in steps
            ),
        )
        hold = selectors.personnel_hold(record_request=obj) if notices else None
        held = {
            "window": _("Release held: the objection window is open."),
            "objection": _("Release held: an objection is unresolved."),
        }.get(hold, "")
        return format_html(
            "{}<ul>{}</ul><p><strong>{}</strong></p>{}",
            "" if notices else _("No employee notified."),
            rows,
            held,
            links,
        )

    def personnel_view(self, request, object_id: int, step: str):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_change_permission(request, record_request) or step not in STEPS:
            raise PermissionDenied
        if step == "notice":
            form_class, kwargs = EmployeeNoticeForm, {}
        elif step == "objection":
            form_class, kwargs = ObjectionForm, {"notices": _open_for_objection(record_request)}
        else:
            form_class, kwargs = ResolveForm, {"notices": _objected(record_request)}
        form = form_class(request.POST or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if step == "notice":
                    services.employee_notice_send(
                        record_request=record_request,
                        employee_name=data["employee_name"],
                        email=data["email"],
                        actor=request.user,
                    )
                elif step == "objection":
                    services.employee_objection_record(
                        notice=data["notice"], actor=request.user, note=data["objection_note"]
                    )
                else:
                    services.employee_objection_resolve(
                        notice=data["notice"],
                        resolution=data["resolution"],
                        actor=request.user,
                        note=data["resolution_note"],
                    )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
                return redirect("admin:records_recordrequest_change", record_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": STEPS[step],
            "record_request": record_request,
            "form": form,
            "step": step,
        }
        return TemplateResponse(request, "admin/records/personnel.html", context)
