"""The queue's own pages beside the change form: a request's photo (never cached) and the
on-time figures, by service and by neighborhood."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from service_requests import selectors
from service_requests.models import RequestPhoto


class RequestViewsMixin:
    """Views of ServiceRequestAdmin (its URLs are in get_urls there)."""

    def photo_view(self, request, object_id, photo_id):
        if not self.has_view_or_change_permission(request):
            raise Http404
        photo = get_object_or_404(RequestPhoto, pk=photo_id, request_id=object_id)
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, no-store"
        return response

    def on_time_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("On-time rate"),
            **selectors.on_time_figures(),
            "overdue": selectors.overdue_list().count(),
        }
        return TemplateResponse(request, "admin/service_requests/on_time.html", context)
