"""The read-only parts of a request's page: timeline, messages, fees, files, redactions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from records.models import Document, Fee, Message, Redaction, TimelineEntry


class ReadOnlyInline(admin.TabularInline):
    """Part of a request's page: whoever may see the request sees it."""

    extra = 0
    can_delete = False
    template = "admin/records/readonly_inline.html"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("records.view_recordrequest")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "action", "status", "note", "public", "actor"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "author", "staff", "body", "attachments"]
    readonly_fields = fields

    @admin.display(description=_("files"))
    def attachments(self, obj):
        return ", ".join(d.original_name for d in obj.documents.all())


class FeeInline(ReadOnlyInline):
    model = Fee
    fields = ["description", "quantity", "unit_price", "amount", "waived", "waiver_reason"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = [
        "kind",
        "open_link",
        "content_type",
        "size",
        "pages",
        "uploaded_at",
        "approved_by",
        "purged_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_link(self, obj):
        if obj.purged_at:
            return obj.original_name
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:records_recordrequest_document", args=[obj.request_id, obj.pk]),
            obj.original_name,
        )
        if obj.kind != Document.Kind.RESPONSIVE:
            return link
        return format_html(
            '{} — <a href="{}">{}</a>',
            link,
            reverse("admin:records_recordrequest_redact", args=[obj.request_id, obj.pk]),
            _("Redact"),
        )


class RedactionInline(ReadOnlyInline):
    """The redactions marked so far; they are marked on each record's redaction page."""

    model = Redaction
    fields = ["document", "page", "area", "exemption", "note", "created_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("area"))
    def area(self, obj):
        if obj.whole_page:
            return _("whole page")
        return _("%(width)s%% × %(height)s%% at %(left)s%%, %(top)s%%") % {
            "left": obj.left,
            "top": obj.top,
            "width": obj.width,
            "height": obj.height,
        }
