"""Program pages in the back office: the form, the publishing workflow's buttons, pending
changes and revisions. Every save goes through publishing.program_save."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from portal.admin import AuditedModelAdmin
from portal.errors import DomainError
from programs.models import NewsItem, Partner, Program, ProgramImage, ProgramRevision
from programs.services import publishing, revisions
from programs.views import program_pending_preview


class ProgramImageInline(TranslationStackedInline):
    model = ProgramImage
    extra = 0
    fields = ["image", "alt_text", "caption", "order"]


class PartnerInline(TranslationStackedInline):
    model = Partner
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["name", "description", "logo", "url", "order"]


class NewsItemInline(TranslationStackedInline):
    model = NewsItem
    extra = 0
    fields = ["title", "body", "published_at", "is_published"]


@admin.register(Program)
class ProgramAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = [
        "title",
        "status",
        "publish_at",
        "unpublish_at",
        "contact_officer",
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["contact_officer"]
    filter_horizontal = ["editors"]
    inlines = [ProgramImageInline, PartnerInline, NewsItemInline]
    readonly_fields = ["status", "published_at", "updated_at"]
    actions = ["approve_selected"]
    change_form_template = "admin/programs/program/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Who"), {"fields": ["contact_officer", "editors", "order"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "publish_at", "unpublish_at", "published_at", "updated_at"],
                "description": _(
                    "Send the page for review when it is ready. A publisher approves it; with a "
                    "“publish on” date it goes live then."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("contact_officer")
        if publishing.is_publisher(request.user):
            return queryset
        return queryset.filter(editors=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not publishing.is_publisher(request.user):
            fields.append("editors")
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or publishing.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return publishing.is_publisher(request.user) and super().has_delete_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and publishing.edits_are_pending(request.user, obj):
            # The officer goes on writing their pending change, not the published text.
            change = publishing.pending_change(obj)
            if change is not None:
                for name in revisions.FIELDS:
                    if name in change.snapshot:
                        setattr(
                            obj, name, revisions.field_value(Program, name, change.snapshot[name])
                        )
        return obj

    def save_model(self, request, obj, form, change):
        """Nothing yet: save_related, which has the inline formsets too, saves the page through
        publishing.program_save (or keeps it as a pending change)."""

    def save_related(self, request, form, formsets, change):
        changed = list(form.changed_data) + [
            formset.model._meta.verbose_name_plural for formset in formsets if formset.has_changed()
        ]
        try:
            publishing.program_save(
                actor=request.user,
                program=form.instance,
                changed_fields=[str(name) for name in changed],
                save_related=lambda: super(ProgramAdmin, self).save_related(
                    request, form, formsets, change
                ),
                pending_snapshot=lambda base: revisions.snapshot_from_forms(
                    form, formsets, base=base
                ),
            )
        except DomainError as error:
            if error.domain_code == "not_assigned":
                raise PermissionDenied from error
            raise

    def _kept_pending(self, request, obj) -> bool:
        # The same rule program_save applied: nothing of an officer's save of a published page
        # was written, so the admin's change message and the reply say so.
        return publishing.edits_are_pending(request.user, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        if not add and self._kept_pending(request, form.instance):
            formsets = []  # not saved: their rows are in the pending change
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if self._kept_pending(request, obj):
            self.message_user(
                request,
                _(
                    "Your change is saved as a pending change. The published page stays as it "
                    "is until a publisher approves it: preview it, then send it for review."
                ),
                messages.SUCCESS,
            )
            return redirect("admin:programs_program_change", obj.pk)
        return super().response_change(request, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/pending/preview/",
                self.admin_site.admin_view(self.pending_preview_view),
                name="{}_{}_pending_preview".format(*info),
            ),
            path(
                "<path:object_id>/pending/<str:action>/",
                self.admin_site.admin_view(self.pending_action_view),
                name="{}_{}_pending".format(*info),
            ),
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="{}_{}_revisions".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["transitions"] = publishing.transitions_for(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["transitions"] = publishing.transitions_for(request.user, obj)
            extra_context["preview_url"] = obj.get_absolute_url()
            pending = publishing.pending_change(obj)
            extra_context["pending_change"] = pending
            extra_context["pending_changes_inlines"] = pending is not None and any(
                str(field).startswith(("images:", "partners:")) for field in pending.changed_fields
            )
            extra_context["is_publisher"] = publishing.is_publisher(request.user)
            extra_context["edits_are_pending"] = publishing.edits_are_pending(request.user, obj)
            extra_context["may_edit"] = publishing.can_edit(request.user, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def _pending_or_404(self, request, object_id):
        program = self.get_object(request, object_id)
        if program is None or not self.has_view_or_change_permission(request, program):
            raise PermissionDenied
        change = publishing.pending_change(program)
        if change is None:
            raise Http404
        return Program.objects.get(pk=program.pk), change

    def pending_preview_view(self, request, object_id):
        program, change = self._pending_or_404(request, object_id)
        language = request.GET.get("lang", "en")
        with translation.override(language if language in ("en", "es") else "en"):
            return program_pending_preview(request, program, change)

    def pending_action_view(self, request, object_id, action):
        if request.method != "POST":
            return redirect("admin:programs_program_change", object_id)
        _program, change = self._pending_or_404(request, object_id)
        steps = {
            "submit": (publishing.program_change_submit, _("The change is sent for review.")),
            "approve": (
                publishing.program_change_approve,
                _("The change is approved: the page residents see is updated."),
            ),
            "return": (
                publishing.program_change_return,
                _("The change is sent back to its author."),
            ),
        }
        if action not in steps:
            raise Http404
        service, done = steps[action]
        kwargs = {"actor": request.user, "revision": change}
        if action == "return":
            kwargs["note"] = request.POST.get("note", "")[:150]
        try:
            service(**kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:programs_program_change", object_id)

    def transition_view(self, request, object_id, name):
        if request.method != "POST":
            return redirect("admin:programs_program_change", object_id)
        program = self.get_object(request, object_id)
        if program is None:
            raise PermissionDenied
        try:
            program = publishing.program_transition(
                actor=request.user,
                program=program,
                transition=name,
                note=request.POST.get("note", "")[:150],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("“%(title)s” is now: %(status)s.")
                % {"title": program.title, "status": program.get_status_display()},
                messages.SUCCESS,
            )
        return redirect("admin:programs_program_change", object_id)

    def revisions_view(self, request, object_id):
        program = self.get_object(request, object_id)
        if program is None or not self.has_view_or_change_permission(request, program):
            raise PermissionDenied
        if request.method == "POST":
            revision = get_object_or_404(
                ProgramRevision, pk=request.POST.get("revision"), program=program
            )
            try:
                publishing.program_revert(actor=request.user, revision=revision)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("The earlier version is back."), messages.SUCCESS)
            return redirect("admin:programs_program_revisions", object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": program,
            "title": _("Revisions of “%(title)s”") % {"title": program.title},
            "revisions": program.revisions.select_related("author")[:100],
            "can_revert": publishing.can_edit(request.user, program),
        }
        return TemplateResponse(request, "admin/programs/program/revisions.html", context)

    @admin.action(description=_("Approve and publish the selected programs"))
    def approve_selected(self, request, queryset):
        if not publishing.is_publisher(request.user):
            self.message_user(request, _("Only a publisher can approve."), messages.ERROR)
            return
        done = 0
        for program in queryset.filter(status=Program.Status.REVIEW):
            publishing.program_transition(actor=request.user, program=program, transition="approve")
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d program published.", "%(count)d programs published.", done)
            % {"count": done},
            messages.SUCCESS,
        )
