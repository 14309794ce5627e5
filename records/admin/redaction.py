"""A request's files in the back office: opening one (decrypted, audited) and the redaction page,
where a clerk marks what to black out or withhold in a responsive record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.forms import add_domain_errors
from records import redact, services
from records.admin.forms import AreaForm, TermForm, WholePageForm
from records.models import Document, RecordRequest, Redaction


class DocumentViewsMixin:
    """Views of RecordRequestAdmin (its URLs are in get_urls there)."""

    def document_view(self, request, object_id: int, document_id: int):
        """Open a request's file (decrypted); each opening is in the audit log."""
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        document = get_object_or_404(
            Document, pk=document_id, request=record_request, purged_at__isnull=True
        )
        data = services.document_for_staff(
            record_request=record_request, document=document, actor=request.user
        )
        response = HttpResponse(data, content_type=document.content_type)
        safe = "".join(c for c in document.original_name if c.isalnum() or c in "._- ")
        response["Content-Disposition"] = f'attachment; filename="{safe or "document"}"'
        response["Cache-Control"] = "private, no-store"
        return response

    def _responsive(self, request, object_id: int, document_id: int):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        document = get_object_or_404(
            Document,
            pk=document_id,
            request=record_request,
            kind=Document.Kind.RESPONSIVE,
            purged_at__isnull=True,
        )
        return record_request, document

    def page_image_view(self, request, object_id: int, document_id: int, page: int):
        """A page of a responsive record as an image, its redactions shaded and numbered as in
        the list beside it. Each look is in the audit log."""
        record_request, document = self._responsive(request, object_id, document_id)
        if not 1 <= page <= (document.pages or 1):
            raise Http404
        data = services.document_for_staff(
            record_request=record_request, document=document, actor=request.user, page=page
        )
        if document.content_type == "application/pdf":
            image = redact.render_pdf_page(data, page, dpi=redact.PREVIEW_DPI)
        else:
            image = redact.render_image(data)
        numbered = [
            (number, redact.Box(r.left, r.top, r.width, r.height))
            for number, r in enumerate(document.redactions.all(), 1)
            if r.page == page and not r.whole_page
        ]
        response = HttpResponse(redact.preview_png(image, numbered), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response

    def redact_view(self, request, object_id: int, document_id: int):
        """Mark redactions on one page of a responsive record: drag a box on the page (with a
        mouse), type its coordinates (keyboard), withhold the page, or black out every
        occurrence of a word or number; remove one marked in error."""
        record_request, document = self._responsive(request, object_id, document_id)
        pages = document.pages or 1
        try:
            page = min(max(int(request.GET.get("page", 1)), 1), pages)
        except ValueError:
            page = 1
        is_pdf = document.content_type == "application/pdf"
        forms_by_name = {
            "area": AreaForm(prefix="area"),
            "page": WholePageForm(prefix="page"),
            "term": TermForm(prefix="term") if is_pdf else None,
        }
        if request.method == "POST":
            if not self.has_change_permission(request, record_request):
                raise PermissionDenied
            do = request.POST.get("do", "")
            try:
                if do == "remove":
                    redaction = get_object_or_404(
                        Redaction, pk=request.POST.get("redaction"), document=document
                    )
                    services.redaction_remove(redaction=redaction, actor=request.user)
                    self.message_user(request, _("The redaction was removed."), messages.SUCCESS)
                    return redirect(f"{request.path}?page={page}")
                form = forms_by_name.get(do)
                if form is None:
                    raise PermissionDenied
                form = type(form)(request.POST, prefix=do)
                forms_by_name[do] = form
                if form.is_valid():
                    data = form.cleaned_data
                    if do == "area":
                        services.redaction_add(
                            document=document,
                            page=page,
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                            region=(data["left"], data["top"], data["width"], data["height"]),
                        )
                        done = _("The area is marked for blacking out.")
                    elif do == "page":
                        services.redaction_add(
                            document=document,
                            page=page,
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                            whole_page=True,
                        )
                        done = _("The page is marked to be withheld.")
                    else:
                        found = services.redaction_for_term(
                            document=document,
                            term=data["term"],
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                        )
                        done = ngettext(
                            "%(count)d occurrence is marked for blacking out.",
                            "%(count)d occurrences are marked for blacking out.",
                            len(found),
                        ) % {"count": len(found)}
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect(f"{request.path}?page={page}")
            except ValidationError as error:
                form = forms_by_name.get(request.POST.get("do", ""))
                if form is not None:
                    add_domain_errors(form, error)
                else:
                    for message in error.messages:
                        self.message_user(request, message, messages.ERROR)
        redactions = list(document.redactions.all())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Redact %(name)s, page %(page)d of %(pages)d")
            % {"name": document.original_name, "page": page, "pages": pages},
            "record_request": record_request,
            "document": document,
            "page": page,
            "pages": range(1, pages + 1),
            "page_count": pages,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
            "image_url": reverse(
                "admin:records_recordrequest_page_image",
                args=[record_request.pk, document.pk, page],
            ),
            "numbered": list(enumerate(redactions, 1)),
            "on_page": sum(1 for r in redactions if r.page == page),
            "area_form": forms_by_name["area"],
            "page_form": forms_by_name["page"],
            "term_form": forms_by_name["term"],
            "can_change": self.has_change_permission(request, record_request),
        }
        return TemplateResponse(request, "admin/records/redact.html", context)
