"""The residents' forms: one per type of request, each asking only what that type needs."""

import filetype
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.models import RequestKind
from records.services.documents import Upload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ID_TYPES = {"image/jpeg", "image/png", "application/pdf", "image/heic"}
ATTACHMENT_TYPES = ID_TYPES | {"image/gif", "image/webp"}

RELATION_CHOICES = [
    ("", _("Choose one")),
    ("involved", _("I was involved (driver, victim, owner)")),
    ("witness", _("I was a witness")),
    ("representative", _("I represent someone involved (attorney, insurer, family)")),
    ("public", _("Member of the public")),
]
PURPOSE_CHOICES = [
    ("", _("Choose one")),
    ("employment", _("Job or volunteer work")),
    ("housing", _("Housing")),
    ("immigration", _("Immigration or visa")),
    ("adoption", _("Adoption or foster care")),
    ("licence", _("Licence or permit")),
    ("other", _("Something else")),
]
FORMAT_CHOICES = [
    ("electronic", _("Electronic copies (e-mail or download)")),
    ("paper", _("Paper copies to pick up")),
]


def read_upload(uploaded, allowed: set[str], field: str) -> Upload:
    """Check an uploaded file by its content (not its name) and read it."""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is too large. Send a file under 10 MB."), code="too_large"
        )
    data = uploaded.read()
    kind = filetype.guess(data)
    if kind is None or kind.mime not in allowed:
        raise forms.ValidationError(_("Send a photo (JPEG or PNG) or a PDF."), code="file_type")
    return Upload(name=uploaded.name, content_type=kind.mime, data=data)


class RequesterForm(forms.Form):
    """What every request asks: who to answer."""

    kind: str = ""
    detail_fields: list[str] = []

    requester_name = forms.CharField(label=_("Your full name"), max_length=150)
    requester_email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We send your tracking number and every answer here."),
    )
    requester_phone = forms.CharField(
        label=_("Your phone (optional)"), max_length=25, required=False
    )

    def details(self) -> dict:
        out = {}
        for name in self.detail_fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    def description(self) -> str:
        return self.cleaned_data.get("description", "")


def _date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or _("For example: 2026-04-28"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."), code="future")
    return value


class PoliceReportForm(RequesterForm):
    kind = RequestKind.POLICE_REPORT
    detail_fields = ["case_number", "incident_date", "location", "people_involved", "relation"]

    case_number = forms.CharField(
        label=_("Case number (if you know it)"), max_length=40, required=False
    )
    incident_date = _date_field(_("Date of the incident"))
    location = forms.CharField(label=_("Where it happened"), max_length=200, required=False)
    people_involved = forms.CharField(
        label=_("People involved (if you know them)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    relation = forms.ChoiceField(label=_("How you are related to it"), choices=RELATION_CHOICES)
    description = forms.CharField(
        label=_("Anything else that helps us find it (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_incident_date(self):
        return _not_future(self.cleaned_data.get("incident_date"))

    def clean(self):
        data = super().clean()
        if not data.get("case_number") and not (data.get("incident_date") and data.get("location")):
            raise forms.ValidationError(
                _("Give the case number, or the date and the place of the incident."),
                code="case_or_date_place",
            )
        return data


class AccidentReportForm(RequesterForm):
    kind = RequestKind.ACCIDENT_REPORT
    detail_fields = ["case_number", "accident_date", "location", "driver_or_plate"]

    case_number = forms.CharField(
        label=_("Case number (if you know it)"), max_length=40, required=False
    )
    accident_date = _date_field(_("Date of the crash"))
    location = forms.CharField(label=_("Where it happened"), max_length=200, required=False)
    driver_or_plate = forms.CharField(
        label=_("A driver's name or a license plate"), max_length=120, required=False
    )

    def clean_accident_date(self):
        return _not_future(self.cleaned_data.get("accident_date"))

    def clean(self):
        data = super().clean()
        complete = (
            data.get("accident_date") and data.get("location") and data.get("driver_or_plate")
        )
        if not data.get("case_number") and not complete:
            raise forms.ValidationError(
                _(
                    "Give the case number, or the date, the place and a driver's name or a "
                    "license plate."
                ),
                code="case_or_date_place_driver",
            )
        return data


class RecordCheckForm(RequesterForm):
    kind = RequestKind.RECORD_CHECK
    detail_fields = ["date_of_birth", "home_address", "other_names", "purpose"]

    date_of_birth = _date_field(_("Date of birth"), required=True)
    home_address = forms.CharField(label=_("Home address"), max_length=200)
    other_names = forms.CharField(
        label=_("Other names you have used (optional)"), max_length=200, required=False
    )
    purpose = forms.ChoiceField(label=_("What the letter is for"), choices=PURPOSE_CHOICES)
    id_document = forms.FileField(
        label=_("Photo or scan of your ID"),
        help_text=_(
            "A driver's license, state ID or passport. JPEG, PNG or PDF, up to 10 MB. We keep "
            "it encrypted and delete it after we close your request."
        ),
    )

    def clean_date_of_birth(self):
        return _not_future(self.cleaned_data.get("date_of_birth"))

    def clean_id_document(self):
        return read_upload(self.cleaned_data["id_document"], ID_TYPES, "id_document")


class FingerprintingForm(RequesterForm):
    kind = RequestKind.FINGERPRINTING
    detail_fields = ["purpose"]

    purpose = forms.ChoiceField(label=_("What the fingerprints are for"), choices=PURPOSE_CHOICES)
    slot = forms.TypedChoiceField(label=_("Choose a time"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, s.label) for s in slots]


class OtherRequestForm(RequesterForm):
    kind = RequestKind.OTHER_FOI
    detail_fields = ["delivery", "includes_video"]

    description = forms.CharField(
        label=_("Describe the records you want"),
        help_text=_("Dates, places, people or case numbers help us find them faster."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    includes_video = forms.BooleanField(
        label=_("This includes video (for example body-worn or dashboard camera)"),
        required=False,
    )
    delivery = forms.ChoiceField(
        label=_("How you want the records"),
        choices=FORMAT_CHOICES,
        initial="electronic",
        widget=forms.RadioSelect,
    )


FORMS = {
    "police-report": PoliceReportForm,
    "accident-report": AccidentReportForm,
    "record-check": RecordCheckForm,
    "fingerprinting": FingerprintingForm,
    "other": OtherRequestForm,
}
SLUG_FOR_KIND = {form.kind: slug for slug, form in FORMS.items()}


class LookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=20, help_text=_("For example: R26-7KQ2XM")
    )
    email = forms.EmailField(label=_("The e-mail you gave us"))


class CodeForm(forms.Form):
    tracking_number = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 MB."),
    )

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        return read_upload(uploaded, ATTACHMENT_TYPES, "attachment") if uploaded else None

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("body") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError(_("Write a message or attach a file."), code="empty")
        return data


class RescheduleForm(forms.Form):
    slot = forms.TypedChoiceField(
        label=_("Choose a new time"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, s.label) for s in slots]


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("Printed on the letter, for example: K7QM-2XPA-9HTD"),
    )
