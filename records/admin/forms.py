"""The back office's forms: what a clerk types on a request's page, in a bulk action, on the
redaction page, and when entering a request that came by mail, phone or at the window."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.forms import add_domain_errors
from records import services
from records.forms import ATTACHMENT_TYPES, read_upload
from records.models import ClosureReason, EmployeeNotice, FeeScheduleItem, RecordRequest
from records.services.updates import EDITABLE_FIELDS

# --- Bulk actions with a reason ------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RefundForm(forms.Form):
    """A refund of an online payment. The amount is checked by the service (payment_refund),
    which says what is left; `attempt` names this submission, so sending it twice (a double
    click, or again after Stripe did not answer) is the same refund."""

    amount = forms.DecimalField(
        label=_("Amount to refund ($)"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reason (kept in the audit log, not sent to the requester)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attempt = forms.UUIDField(widget=forms.HiddenInput, required=False)


class RefundDealtWithForm(forms.Form):
    """A refund that needed a clerk, marked as dealt with (refund_dealt_with checks the note)."""

    note = forms.CharField(
        label=_("How was it dealt with? (kept on the refund and in the audit log)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(ReasonForm):
    clerk = forms.ModelChoiceField(
        label=_("Clerk"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty to unassign."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = get_user_model().objects.filter(
            is_active=True, groups__name=roles.RECORDS_CLERKS
        )


class ExtendForm(ReasonForm):
    business_days = forms.IntegerField(label=_("Business days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason (sent to the requester)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(ReasonForm):
    closure_reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    exemption = forms.CharField(
        label=_("Statutory exemption (for a denial)"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Note to the requester"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RedactionForm(forms.Form):
    exemption = forms.CharField(
        label=_("Exemption cited"),
        max_length=200,
        help_text=_("For example: C.G.S. §1-210(b)(3)(A) (identity of an uninvolved witness)."),
    )
    note = forms.CharField(
        label=_("What is withheld (shown in the redaction log)"), max_length=200, required=False
    )


def _percent_field(label):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class AreaForm(RedactionForm):
    left = _percent_field(_("From the left edge (%)"))
    top = _percent_field(_("From the top edge (%)"))
    width = _percent_field(_("Width (% of the page width)"))
    height = _percent_field(_("Height (% of the page height)"))
    field_order = ["left", "top", "width", "height", "exemption", "note"]


class WholePageForm(RedactionForm):
    pass


class TermForm(RedactionForm):
    term = forms.CharField(
        label=_("Word, name or number"),
        max_length=200,
        help_text=_("Every occurrence in the whole document, on every page, is blacked out."),
    )
    field_order = ["term", "exemption", "note"]


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"), choices=[("", "---"), *ClosureReason.choices], required=False
    )
    exemption = forms.CharField(
        label=_("Statutory exemption (for a denial)"), max_length=200, required=False
    )


# One labelled control (the admin's split date and time inputs have no labels of their own).
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _sent_at_field(required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("sent"),
        required=required,
        widget=LOCAL_DATETIME,
        help_text=_("When the requester sent it (postmark, e-mail or web form)."),
    )


class RecordRequestForm(forms.ModelForm):
    """Besides the few editable fields: a message to the requester, an internal note, a fee, a
    payment, a released document. Each is applied through the services on save."""

    sent_at = _sent_at_field()
    message = forms.CharField(
        label=_("Message to the requester (e-mailed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label=_("Internal note (never shown to the requester)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fee_item = forms.ModelChoiceField(
        label=_("Add a fee"), queryset=FeeScheduleItem.objects.filter(active=True), required=False
    )
    fee_quantity = forms.IntegerField(
        label=_("Pages or quantity"), min_value=1, required=False, initial=1
    )
    fee_waived = forms.BooleanField(label=_("Waive this fee"), required=False)
    fee_waiver_reason = forms.CharField(
        label=_("Reason for the waiver"), max_length=300, required=False
    )
    payment_choice = forms.ChoiceField(
        label=_("Mark the fees paid"),
        required=False,
        choices=[
            ("", "---"),
            ("in_person", _("In person at the window")),
            ("mail", _("By mail (check or money order)")),
        ],
    )
    payment_receipt = forms.CharField(
        label=_("Receipt or check number"), max_length=120, required=False
    )
    responsive_file = forms.FileField(
        label=_("Upload a responsive record (to redact and release in a packet)"),
        required=False,
        help_text=_("A PDF or a scanned page (JPEG or PNG). Kept internal until released."),
    )
    release_file = forms.FileField(
        label=_("Upload a document to release as it is"),
        required=False,
        help_text=_("Shown to the requester once the request is ready and the fees settled."),
    )

    class Meta:
        model = RecordRequest
        fields = list(EDITABLE_FIELDS)
        widgets = {"sent_at": LOCAL_DATETIME}

    def clean_responsive_file(self):
        uploaded = self.cleaned_data.get("responsive_file")
        return read_upload(uploaded, ATTACHMENT_TYPES, "responsive_file") if uploaded else None

    def clean_release_file(self):
        uploaded = self.cleaned_data.get("release_file")
        return read_upload(uploaded, ATTACHMENT_TYPES, "release_file") if uploaded else None


class ClerkEntryMixin(forms.Form):
    """What a clerk adds to a resident's typed form when entering a request that came by mail,
    phone or at the window: the requester's language and when it was sent."""

    language = forms.ChoiceField(
        label=_("The requester's language (for every e-mail and letter)"),
        choices=[("en", "English"), ("es", "Español")],
    )
    sent_at = _sent_at_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester_name"].label = _("Requester's full name")
        self.fields["requester_email"].label = _("Requester's e-mail")
        self.fields["requester_email"].help_text = _(
            "The tracking number and every answer go here."
        )
        self.fields["requester_phone"].label = _("Requester's phone (optional)")
        self.fields["sent_at"].help_text = _(
            "When the requester sent it (postmark or e-mail); empty: now."
        )


def clerk_entry_form(form_class: type[forms.Form]) -> type[forms.Form]:
    """The public form of that type, with the clerk's fields: the same checks as online."""
    return type(f"Clerk{form_class.__name__}", (ClerkEntryMixin, form_class), {})


class RepeatForm(forms.Form):
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=12, initial=4)


class FeeScheduleItemForm(forms.ModelForm):
    """The fee schedule's cap (records/services/fees.py) shown on the field it concerns."""

    def _post_clean(self):
        super()._post_clean()
        try:
            services.fee_schedule_validate(item=self.instance)
        except forms.ValidationError as error:
            add_domain_errors(self, error)


# --- Personnel records (C.G.S. §1-214) -----------------------------------------------------------


class EmployeeNoticeForm(forms.Form):
    employee_name = forms.CharField(label=_("Employee (or union) notified"), max_length=150)
    email = forms.EmailField(
        label=_("Their e-mail address"),
        help_text=_("The notice is e-mailed here; the objection window is counted from today."),
    )


class ObjectionForm(forms.Form):
    notice = forms.ModelChoiceField(label=_("Notice objected to"), queryset=None)
    objection_note = forms.CharField(
        label=_("Who objected, when, and on what form"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = notices


class ResolveForm(forms.Form):
    notice = forms.ModelChoiceField(label=_("Objection resolved"), queryset=None)
    resolution = forms.ChoiceField(
        label=_("How it was resolved"), choices=EmployeeNotice.Resolution.choices
    )
    resolution_note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = notices
