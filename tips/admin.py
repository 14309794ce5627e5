"""The investigators' back office: the tip queue, triage, messages with the tipster, internal
notes, duplicates, closing, and case packets. Every opening of a tip (its text is decrypted to
show it) and every change is audit-logged; each submission of the change form is one call of
`services.tip_triage`, the service the API calls too."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from portal.admin import AuditedModelAdmin
from portal.forms import add_domain_errors
from tips import packets, selectors, services
from tips.admin_originals import original_view
from tips.models import Tip, TipAttachment, TipCategory, TipMessage, TipNote, normalize_tip_number


@admin.register(TipCategory)
class TipCategoryAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "urgent", "order", "is_active"]
    list_editable = ["urgent", "order", "is_active"]
    filter_horizontal = ["on_duty"]
    fields = ["name", "slug", "description", "urgent", "order", "is_active", "on_duty"]


class TipMessageInline(admin.TabularInline):
    model = TipMessage
    fk_name = "tip"
    extra = 0
    fields = ["created_at", "direction", "body", "merged_from"]
    readonly_fields = ["created_at", "direction", "body", "merged_from"]
    can_delete = False
    verbose_name_plural = _("messages with the tipster")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_from")

    def has_add_permission(self, request, obj=None):
        return False


class TipNoteInline(admin.TabularInline):
    model = TipNote
    fk_name = "tip"
    extra = 0
    fields = ["created_at", "author", "body", "merged_from"]
    readonly_fields = ["created_at", "author", "body", "merged_from"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_from")

    def has_add_permission(self, request, obj=None):
        return False


class TipAttachmentInline(admin.TabularInline):
    model = TipAttachment
    fk_name = "tip"
    extra = 0
    fields = [
        "kind",
        "size",
        "status",
        "status_reason",
        "created_at",
        "merged_from",
        "original_purged_on",
        "files",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_from")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("open"))
    def files(self, obj):
        links = []
        if obj.clean:
            links.append(
                (
                    reverse("admin:tips_tip_attachment", args=[obj.tip_id, obj.pk, "clean"]),
                    _("clean copy"),
                )
            )
        if obj.original:
            links.append(
                (
                    reverse("admin:tips_tip_attachment", args=[obj.tip_id, obj.pk, "original"]),
                    _("original (special permission)"),
                )
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


class TipTriageForm(forms.ModelForm):
    """The triage form. Validating it applies it: once the fields are clean, `clean()` hands
    the whole submission to `services.tip_triage`, so a refusal (a transition not allowed, an
    assignee who is not an investigator, a merge into a merged tip) is shown on the form, beside
    its field, with everything as typed. The admin's change view is one transaction, so the
    change commits with the page that reports it. `actor` is set by `TipAdmin.get_form`."""

    actor = None

    message_to_tipster = forms.CharField(
        label=_("New message to the tipster"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The tipster reads it when they check on the tip with their passphrase."),
    )
    internal_note = forms.CharField(
        label=_("New internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see notes."),
    )
    merge_into = forms.CharField(
        label=_("Merge into tip number"),
        required=False,
        help_text=_("Closes this tip as a duplicate of the other one."),
    )
    link_with = forms.CharField(label=_("Link with tip number"), required=False)

    class Meta:
        model = Tip
        fields = ["category", "status", "priority", "neighborhood", "assigned_to", "outcome"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            # Only the people the triage service accepts are offered.
            self.fields["assigned_to"].queryset = selectors.tip_assignee_list()

    def _other(self, field):
        number = self.cleaned_data.get(field, "").strip()
        if not number:
            return None
        other = Tip.objects.filter(number=normalize_tip_number(number)).first()
        if other is None:
            raise ValidationError(_("There is no tip with that number."))
        return other

    def clean_merge_into(self):
        return self._other("merge_into")

    def clean_link_with(self):
        return self._other("link_with")

    def clean(self):
        data = super().clean()
        if self.errors or self.actor is None or self.instance.pk is None:
            return data
        assigned = data.get("assigned_to")
        try:
            services.tip_triage(
                tip=self.instance,
                actor=self.actor,
                status=data.get("status"),
                priority=data.get("priority"),
                outcome=data.get("outcome"),
                category=data.get("category"),
                neighborhood=data.get("neighborhood"),
                assigned_to=assigned,
                unassign=assigned is None and self.instance.assigned_to_id is not None,
                message=data.get("message_to_tipster", ""),
                note=data.get("internal_note", ""),
                merge_into=data.get("merge_into"),
                link_with=data.get("link_with"),
            )
        except ValidationError as error:
            add_domain_errors(self, error)
        return data


@admin.register(Tip)
class TipAdmin(AuditedModelAdmin):
    audit_views = True
    form = TipTriageForm
    list_display = [
        "number",
        "urgent_flag",
        "category",
        "priority",
        "status",
        "neighborhood",
        "assigned_to",
        "received_at",
        "triage_hours",
        "attachment_total",
    ]
    list_filter = [
        "category",
        "status",
        "priority",
        "neighborhood",
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
        ("received_at", admin.DateFieldListFilter),
    ]
    search_fields = ["number"]
    date_hierarchy = "received_at"
    list_per_page = 50
    actions = ["assign_to_me", "build_packet"]
    inlines = [TipMessageInline, TipNoteInline, TipAttachmentInline]
    readonly_fields = [
        "number",
        "received_at",
        "first_triaged_at",
        "closed_at",
        "what",
        "where",
        "when",
        "people",
        "vehicles",
        "contact_warning",
        "language",
        "duplicate_of",
        "linked",
        "packet_link",
    ]
    fieldsets = [
        (_("Tip"), {"fields": ["number", "received_at", "language", "contact_warning"]}),
        (
            _("What the tipster wrote"),
            {"fields": ["what", "where", "when", "people", "vehicles"]},
        ),
        (
            _("Triage"),
            {
                "fields": [
                    "category",
                    "status",
                    "priority",
                    "neighborhood",
                    "assigned_to",
                    "first_triaged_at",
                    "outcome",
                    "closed_at",
                ]
            },
        ),
        (_("Write"), {"fields": ["message_to_tipster", "internal_note"]}),
        (
            _("Duplicates and related tips"),
            {"fields": ["duplicate_of", "linked", "merge_into", "link_with"]},
        ),
        (_("Case packet"), {"fields": ["packet_link"]}),
    ]

    def get_queryset(self, request):
        return selectors.tip_queue()

    def get_ordering(self, request):
        # Urgent categories first, then priority, then the oldest (annotated in tip_queue).
        return ["urgent_rank", "priority", "received_at"]

    def has_add_permission(self, request):
        return False  # tips come from residents

    def has_delete_permission(self, request, obj=None):
        return False  # evidence is kept; close a tip instead

    @admin.display(description=_("urgent"), boolean=True, ordering="urgent_rank")
    def urgent_flag(self, obj):
        return obj.category.urgent

    @admin.display(description=_("files"), ordering="attachment_total")
    def attachment_total(self, obj):
        return obj.attachment_total

    @admin.display(description=_("hours to first triage"))
    def triage_hours(self, obj):
        delay = obj.triage_delay
        return "-" if delay is None else f"{max(delay.total_seconds(), 0) / 3600:.1f}"

    @admin.display(description=_("contact details"))
    def contact_warning(self, obj):
        if not obj.contact:
            return _("None given: the tipster is anonymous.")
        return format_html(
            "<strong>{}</strong> {}",
            _("The tipster chose to give contact details:"),
            obj.contact,
        )

    @admin.display(description=_("linked tips"))
    def linked(self, obj):
        others = list(obj.related.all()) + list(obj.duplicates.all())
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:tips_tip_change", args=[o.pk]), o.number) for o in others),
            )
            or "-"
        )

    @admin.display(description=_("case packet"))
    def packet_link(self, obj):
        if not obj.packet:
            return _("Not built yet: use the action “Build a case packet” in the list.")
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:tips_tip_packet", args=[obj.pk]),
            _("Download the case packet (PDF)"),
            timezone.localtime(obj.packet_built_at).strftime("%Y-%m-%d %H:%M"),
        )

    def changelist_view(self, request, extra_context=None):
        figures = selectors.triage_figures(since=timezone.now() - timezone.timedelta(days=30))
        extra_context = {**(extra_context or {}), "triage": figures}
        if figures["count"]:
            self.message_user(
                request,
                _(
                    "Time from submission to first triage, last 30 days, counted to the hour: "
                    "median %(median)s h, 90th percentile %(p90)s h (%(count)d tips)."
                )
                % {
                    "median": figures["median_hours"],
                    "p90": figures["p90_hours"],
                    "count": figures["count"],
                },
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every page that shows the tip decrypted is audit-logged: the first opening, and the
        # form shown again with a refusal.
        if obj is not None:
            services.tip_decrypted_view(tip=obj, actor=request.user, channel="admin")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        # Validating the form applied it through services.tip_triage (TipTriageForm.clean),
        # with its audit entry: there is nothing left to save.
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The inlines are read-only (nothing in them changes), and the form has no many-to-many
        # field of its own: links between tips went through the service too. The formsets say
        # so for the admin's change message.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Assign the selected tips to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for tip in queryset:
            try:
                services.tip_triage(tip=tip, actor=request.user, assigned_to=request.user)
            except ValidationError as error:
                self.message_user(request, f"{tip}: {' '.join(error.messages)}", messages.WARNING)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d tip assigned to you.", "%(count)d tips assigned to you.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Build a case packet (PDF)"), permissions=["change"])
    def build_packet(self, request, queryset):
        for tip in queryset:
            packets.packet_request(tip=tip, actor=request.user)
        self.message_user(
            request,
            _("The case packets are being built. Open a tip to download its packet."),
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:tip_id>/attachment/<int:attachment_id>/<str:which>/",
                view(self.attachment_view),
                name="tips_tip_attachment",
            ),
            path("<int:tip_id>/packet/", view(self.packet_view), name="tips_tip_packet"),
            *super().get_urls(),
        ]

    def attachment_view(self, request, tip_id, attachment_id, which):
        attachment = get_object_or_404(TipAttachment, pk=attachment_id, tip_id=tip_id)
        if not self.has_view_permission(request, attachment.tip) or which not in (
            "clean",
            "original",
        ):
            raise Http404
        if which == "original":
            return original_view(self, request, attachment)
        try:
            data = services.attachment_read(attachment=attachment, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
            return redirect("admin:tips_tip_change", tip_id)
        response = HttpResponse(data, content_type=attachment.clean_content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="tip-{attachment.tip.number}-{attachment.pk}-{which}"'
        )
        response["Cache-Control"] = "no-store"
        return response

    def packet_view(self, request, tip_id):
        tip = get_object_or_404(Tip, pk=tip_id)
        if not self.has_view_permission(request, tip) or not tip.packet:
            raise Http404
        data = packets.packet_read(tip=tip, actor=request.user)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="tip-{tip.number}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
