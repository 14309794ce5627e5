"""Events and sign-ups in the back office. Saving an event goes through events.event_update
(which reschedules and tells those signed up); the list actions cancel through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from portal.admin import AuditedModelAdmin
from portal.errors import DomainError
from programs.models import Event, Program, Registration
from programs.services import events, publishing, registrations


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["status", "name", "email", "phone", "youth_name", "youth_age", "created_at"]
    readonly_fields = fields
    ordering = ["created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class PendingFilter(admin.SimpleListFilter):
    title = _("waiting for approval")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(pending_change=None)
        if self.value() == "no":
            return queryset.filter(pending_change=None)
        return queryset


@admin.register(Event)
class EventAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = [
        "title",
        "starts_at",
        "program",
        "neighborhood",
        "status",
        "capacity",
        "taken",
        "awaiting_approval",
    ]
    list_filter = [
        PendingFilter,
        "status",
        "program",
        "neighborhood",
        "registration",
        "information_session",
    ]
    search_fields = ["title", "place_name", "address"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["neighborhood"]
    readonly_fields = ["status", "previous_starts_at", "pending_summary"]
    inlines = [RegistrationInline]
    actions = ["cancel_selected", "approve_pending", "reject_pending"]
    fieldsets = [
        (
            _("Waiting for approval"),
            {
                "fields": ["pending_summary"],
                "description": _(
                    "An officer's new event, or change to a published event, of a program "
                    "waits for a publisher's approval. The public sees the event as it was."
                ),
            },
        ),
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
        (None, {"fields": ["is_published", "information_session"]}),
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
        return queryset.filter(events.events_editable_q(request.user)).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program" and not publishing.is_publisher(request.user):
            kwargs["queryset"] = Program.objects.filter(editors=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("places taken"), ordering="taken_count")
    def taken(self, obj):
        return obj.taken_count

    @admin.display(description=_("waiting for approval"), boolean=True)
    def awaiting_approval(self, obj):
        return bool(obj.pending_change)

    @admin.display(description=_("change waiting for approval"))
    def pending_summary(self, obj):
        if obj is None or not obj.pending_change:
            return _("Nothing is waiting.")
        rows = format_html_join(
            "", "<li><code>{}</code>: {}</li>", sorted(obj.pending_change.items())
        )
        who = getattr(obj.pending_author, "username", "")
        return format_html_join("", "<p>{}</p><ul>{}</ul>", [(who, rows)])

    def has_publish_permission(self, request):
        return publishing.is_publisher(request.user)

    def save_model(self, request, obj, form, change):
        try:
            saved = events.event_update(
                actor=request.user, event=obj, changed_fields=form.changed_data
            )
        except DomainError as error:
            if error.domain_code in ("not_assigned", "forbidden"):
                raise PermissionDenied from error
            raise
        if saved.pending_change and saved.pending_author_id == request.user.pk:
            self.message_user(
                request,
                _(
                    "Your change waits for a publisher's approval; the public sees the event "
                    "as it was."
                ),
                messages.WARNING,
            )

    @admin.action(
        description=_("Approve the selected events' pending changes"), permissions=["publish"]
    )
    def approve_pending(self, request, queryset):
        count = 0
        for event in queryset.exclude(pending_change=None):
            events.event_change_approve(actor=request.user, event=event)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d change approved.", "%(count)d changes approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Send the selected events' pending changes back"), permissions=["publish"]
    )
    def reject_pending(self, request, queryset):
        count = 0
        for event in queryset.exclude(pending_change=None):
            events.event_change_reject(actor=request.user, event=event)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d change sent back.", "%(count)d changes sent back.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected events and tell everyone signed up"))
    def cancel_selected(self, request, queryset):
        count = 0
        for event in queryset.exclude(status=Event.Status.CANCELLED):
            events.event_cancel(actor=request.user, event=event)
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
        return queryset.filter(events.events_editable_q(request.user, prefix="event__")).distinct()

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
