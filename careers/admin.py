"""The back office: positions and hiring steps (site administrators), and the internship's
applications (internship reviewers). Every status or notes change goes through
services.application_update, from the change form (ServiceChangeMixin: a refused move is
shown and nothing is kept) and from the shortlist action alike."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from careers import crypto, services
from careers.models import HiringStep, InternshipApplication, Position
from portal.admin import AuditedModelAdmin, ServiceChangeMixin
from portal.services.audit import audit_record


@admin.register(Position)
class PositionAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["title", "kind", "closes_on", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "summary"]
    date_hierarchy = "closes_on"
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(HiringStep)
class HiringStepAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["order", "title"]
    list_display_links = ["title"]
    ordering = ["order", "id"]


@admin.register(InternshipApplication)
class InternshipApplicationAdmin(ServiceChangeMixin, AuditedModelAdmin):
    audit_views = True
    list_display = ["tracking_code", "name", "school", "semester", "status", "created_at"]
    list_filter = ["status", "semester"]
    search_fields = ["tracking_code", "name", "email", "school"]
    date_hierarchy = "created_at"
    actions = ["shortlist", "mark_not_selected"]
    readonly_fields = [
        "tracking_code",
        "name",
        "email",
        "phone",
        "school",
        "program_of_study",
        "expected_graduation",
        "semester",
        "hours_per_week",
        "statement",
        "cv_link",
        "language",
        "created_at",
        "decided_at",
        "reviewed_by",
    ]
    fieldsets = [
        (
            _("Applicant"),
            {
                "fields": [
                    "tracking_code",
                    "name",
                    "email",
                    "phone",
                    "school",
                    "program_of_study",
                    "expected_graduation",
                    "semester",
                    "hours_per_week",
                    "statement",
                    "cv_link",
                    "language",
                    "created_at",
                ]
            },
        ),
        (_("Review"), {"fields": ["status", "notes", "decided_at", "reviewed_by"]}),
    ]

    def has_add_permission(self, request):
        return False  # applications come from the public form only

    @admin.display(description=_("CV"))
    def cv_link(self, obj):
        if not obj.pk or not obj.cv:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:careers_internshipapplication_cv", args=[obj.pk]),
            _("Download the CV (PDF)"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/cv/",
                self.admin_site.admin_view(self.cv_view),
                name="careers_internshipapplication_cv",
            ),
            *super().get_urls(),
        ]

    def cv_view(self, request, pk: int):
        application = get_object_or_404(InternshipApplication, pk=pk)
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        data = crypto.decrypt_file(application.cv)
        audit_record(
            actor=request.user, action="careers.application.cv_downloaded", target=application
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{application.tracking_code}.pdf"'
        response["Cache-Control"] = "no-store"
        return response

    def apply_change(self, request, obj, form):
        # One door for status and notes: the service checks the move, audits, e-mails.
        services.application_update(
            actor=request.user,
            application=obj,
            status=form.cleaned_data.get("status"),
            notes=form.cleaned_data.get("notes"),
        )

    def _move(self, request, queryset, status: str):
        done = 0
        for application in queryset:
            try:
                services.application_update(
                    actor=request.user, application=application, status=status
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{application.tracking_code}: {' '.join(error.messages)}",
                    messages.WARNING,
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Shortlist the selected applications"), permissions=["change"])
    def shortlist(self, request, queryset):
        done = self._move(request, queryset, InternshipApplication.Status.SHORTLISTED)
        self.message_user(
            request,
            ngettext("%(n)d application shortlisted.", "%(n)d applications shortlisted.", done)
            % {"n": done},
        )

    @admin.action(
        description=_("Mark the selected applications not selected"), permissions=["change"]
    )
    def mark_not_selected(self, request, queryset):
        done = self._move(request, queryset, InternshipApplication.Status.NOT_SELECTED)
        self.message_user(
            request,
            ngettext(
                "%(n)d application marked not selected.",
                "%(n)d applications marked not selected.",
                done,
            )
            % {"n": done},
        )
