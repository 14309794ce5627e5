"""The admin page where an investigator with the special permission opens the original of a
tipster's file: a reason first, recorded with the opening (tips/originals.py holds the rules)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.forms import add_domain_errors
from tips import originals
from tips.models import TipAttachment


class OriginalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the original?"),
        min_length=originals.REASON_MIN,
        max_length=originals.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Your reason is recorded in the audit log with your name. The original may show "
            "where and when a photo was taken and who made a document, which can identify the "
            "tipster: the clean copy is enough for most work."
        ),
    )


def original_view(model_admin, request, attachment: TipAttachment):
    """GET: the reason form. POST with a reason: the original, as a download."""
    if not originals.original_may_open(actor=request.user):
        raise PermissionDenied
    form = OriginalReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            data = originals.attachment_original_open(
                attachment=attachment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            response = HttpResponse(data, content_type=attachment.content_type)
            response["Content-Disposition"] = (
                f'attachment; filename="tip-{attachment.tip.number}-{attachment.pk}-original"'
            )
            response["Cache-Control"] = "no-store"
            return response
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Open the original file"),
        "form": form,
        "attachment": attachment,
        "tip": attachment.tip,
    }
    return TemplateResponse(request, "admin/tips/original_reason.html", context)
