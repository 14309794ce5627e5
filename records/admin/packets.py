"""The releases on a request's page: what may be done next (the packet's steps declared in
records/services/release.py PACKET_STEPS, and the other releases, each by two people: a document
to release as it is, a record-check letter), the build's progress, and the step pages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from records import selectors, services
from records.models import RecordRequest


class PacketViewsMixin:
    """Column and views of RecordRequestAdmin (its URLs are in get_urls there)."""

    @admin.display(description=_("release packet"))
    def packet_panel(self, obj):
        packet = obj.packets.first()
        links = format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (reverse("admin:records_recordrequest_packet", args=[obj.pk, step]), label)
                for step, label in services.packet_steps(record_request=obj)
            ),
        )
        if packet is None:
            return format_html("{} {}", _("No packet yet."), links)
        return format_html(
            '<span data-packet-progress="{}" data-packet-state="{}">{}: '
            '<progress max="100" value="{}">{}%</progress> {}%</span>{} {}',
            reverse("admin:records_recordrequest_packet_progress", args=[obj.pk]),
            packet.state,
            packet.get_state_display(),
            packet.progress,
            packet.progress,
            packet.progress,
            format_html(" — {} ", packet.error) if packet.error else "",
            links,
        )

    def packet_progress_view(self, request, object_id: int):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        packet = record_request.packets.first()
        if packet is None:
            return JsonResponse({"state": None})
        return JsonResponse(
            {
                "state": packet.state,
                "label": str(packet.get_state_display()),
                "progress": packet.progress,
            }
        )

    def packet_view(self, request, object_id: int, step: str):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_change_permission(request, record_request) or step not in {
            *services.PACKET_STEPS,
            *services.OTHER_STEPS,
        }:
            raise PermissionDenied
        pending_documents = selectors.documents_awaiting_approval(record_request=record_request)
        pending_letter = selectors.letter_awaiting_issue(record_request=record_request)
        if request.method == "POST":
            packet = record_request.packets.first()
            try:
                if step == "prepare":
                    services.packet_prepare(record_request=record_request, actor=request.user)
                elif step == "approve" and packet:
                    services.packet_approve(packet=packet, actor=request.user)
                elif step == "generate" and packet:
                    services.packet_generate(packet=packet, actor=request.user)
                elif step == "letter":
                    services.letter_prepare(
                        record_request=record_request,
                        records_found=request.POST.get("records_found") == "1",
                        actor=request.user,
                    )
                elif step == "letter_issue" and pending_letter:
                    services.letter_issue(letter_row=pending_letter, actor=request.user)
                elif step == "document_approve":
                    chosen = [
                        d for d in pending_documents if str(d.pk) == request.POST.get("document")
                    ]
                    if not chosen:
                        raise ValidationError(_("Choose the document to approve."))
                    services.document_approve(document=chosen[0], actor=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
            return redirect("admin:records_recordrequest_change", record_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": record_request.tracking_number,
            "record_request": record_request,
            "step": step,
            "pending_documents": pending_documents,
            "pending_letter": pending_letter,
        }
        return TemplateResponse(request, "admin/records/packet.html", context)
