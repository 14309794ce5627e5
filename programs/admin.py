"""The community officers' back office: program pages with the publishing workflow, events with
their sign-ups, and each neighborhood's problem board. Every change goes to the audit log."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from portal.admin import AuditedModelAdmin
from programs.models import (
    Event,
    NewsItem,
    Partner,
    Problem,
    ProblemNote,
    Program,
    ProgramImage,
    ProgramRevision,
    Registration,
    Subscription,
)
from programs.services import publishing, registrations, revisions
from programs.services.neighborhoods import problem_record_save, subscribers_notify_event


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
        current = Program.objects.get(pk=obj.pk) if change else None
        if change and not publishing.can_edit(request.user, current):
            raise PermissionDenied
        if publishing.edits_are_pending(request.user, current):
            request._program_pending = True  # kept as a pending change by save_related
            return
        obj.save()
        request._program_save = (obj, not change, list(form.changed_data))  # per request

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_program_pending", False):
            program = form.instance
            base = publishing.pending_change(program)
            snapshot = revisions.snapshot_from_forms(
                form, formsets, base=base.snapshot if base is not None else None
            )
            publishing.program_change_propose(
                actor=request.user, program=program, snapshot=snapshot
            )
            for formset in formsets:  # nothing saved: admin's change message lists nothing
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        obj, created, changed = request._program_save
        if created and not publishing.is_publisher(request.user):
            obj.editors.add(request.user)  # whoever writes a page may go on editing it
        for formset in formsets:
            if formset.has_changed():
                changed.append(formset.model._meta.verbose_name_plural)
        publishing.program_record_save(
            actor=request.user,
            program=obj,
            created=created,
            changed_fields=[str(c) for c in changed],
        )

    def response_change(self, request, obj):
        if getattr(request, "_program_pending", False):
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
        from programs.views import program_pending_preview

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


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["status", "name", "email", "phone", "youth_name", "youth_age", "created_at"]
    readonly_fields = fields
    ordering = ["created_at"]

    def has_add_permission(self, request, obj=None):
        return False


def _editable_events_q(user) -> Q:
    # Neighborhood meetings are every community officer's work, as the neighborhoods are (the
    # kernel lets the role change any neighborhood); a program's events follow the program.
    return Q(program__editors=user) | Q(program__isnull=True)


@admin.register(Event)
class EventAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["title", "starts_at", "program", "neighborhood", "status", "capacity", "taken"]
    list_filter = ["status", "program", "neighborhood", "registration"]
    search_fields = ["title", "place_name", "address"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["neighborhood"]
    readonly_fields = ["status", "previous_starts_at"]
    inlines = [RegistrationInline]
    actions = ["cancel_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "program", "neighborhood", "description"]}),
        (
            _("When"),
            {
                "fields": ["starts_at", "ends_at", "status", "previous_starts_at", "status_note"],
                "description": _(
                    "Times are the department's local time. Changing the time of an event "
                    "people signed up for tells each of them by e-mail."
                ),
            },
        ),
        (_("Where"), {"fields": ["place_name", "address", "accessibility"]}),
        (_("Sign-up"), {"fields": ["registration", "capacity", "min_age", "max_age"]}),
        (None, {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("program", "neighborhood")
            .annotate(
                taken_count=Count(
                    "registrations",
                    filter=Q(registrations__status__in=Registration.HOLDS_A_PLACE),
                )
            )
        )
        if publishing.is_publisher(request.user):
            return queryset
        return queryset.filter(_editable_events_q(request.user)).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program" and not publishing.is_publisher(request.user):
            kwargs["queryset"] = Program.objects.filter(editors=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("places taken"), ordering="taken_count")
    def taken(self, obj):
        return obj.taken_count

    def save_model(self, request, obj, form, change):
        moved = change and {"starts_at", "ends_at"} & set(form.changed_data)
        if moved:
            new_start, new_end = obj.starts_at, obj.ends_at
            old = Event.objects.get(pk=obj.pk)
            obj.starts_at, obj.ends_at = old.starts_at, old.ends_at
            obj.sequence = old.sequence
        super().save_model(request, obj, form, change)
        if moved:
            registrations.event_reschedule(
                actor=request.user,
                event=obj,
                starts_at=new_start,
                ends_at=new_end,
                note=obj.status_note,
            )
        if not change and obj.neighborhood_id:
            subscribers_notify_event(event=obj)  # deduplicated: one message per subscriber
        transaction.on_commit(publishing.content_changed)

    @admin.action(description=_("Cancel the selected events and tell everyone signed up"))
    def cancel_selected(self, request, queryset):
        count = 0
        for event in queryset.exclude(status=Event.Status.CANCELLED):
            registrations.event_cancel(actor=request.user, event=event)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(AuditedModelAdmin):
    """Names and contacts of residents and youths: every view is logged."""

    audit_views = True
    list_display = ["__str__", "event", "status", "email", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email", "youth_name"]
    list_select_related = ["event"]
    readonly_fields = [f.name for f in Registration._meta.fields]
    actions = ["cancel_selected"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if publishing.is_publisher(request.user):
            return queryset
        return queryset.filter(
            Q(event__program__editors=request.user) | Q(event__program__isnull=True)
        ).distinct()

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cancel the selected sign-ups (the place goes to the next)"))
    def cancel_selected(self, request, queryset):
        count = 0
        for registration in queryset:
            try:
                registrations.registration_cancel(
                    registration_id=registration.pk, actor=request.user
                )
                count += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d sign-up cancelled.", "%(count)d sign-ups cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class ProblemNoteInline(TranslationStackedInline):
    model = ProblemNote
    extra = 1
    fields = ["on", "stage", "text"]


@admin.register(Problem)
class ProblemAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["title", "neighborhood", "stage", "status", "is_published", "raised_on"]
    list_filter = ["neighborhood", "stage", "status", "is_published"]
    search_fields = ["title"]
    autocomplete_fields = ["neighborhood"]
    inlines = [ProblemNoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("neighborhood")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        new_notes = [
            note
            for formset in formsets
            for note in getattr(formset, "new_objects", [])
            if isinstance(note, ProblemNote)
        ]
        problem_record_save(actor=request.user, problem=form.instance, new_notes=new_notes)


@admin.register(Subscription)
class SubscriptionAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = ["email", "neighborhood", "confirmed_at", "created_at"]
    list_filter = ["neighborhood"]
    search_fields = ["email"]
    readonly_fields = ["email", "neighborhood", "language", "confirmed_at", "created_at"]

    def has_add_permission(self, request):
        return False
