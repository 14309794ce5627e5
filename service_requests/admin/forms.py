"""The queue's forms: a request's page (StaffRequestForm, which saves nothing itself) and the
pages the list's actions ask on first (CloseForm, AssignForm)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from service_requests import selectors
from service_requests.choices import TRANSITIONS, CloseReason, Status
from service_requests.models import ServiceRequest


def _staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class StaffRequestForm(forms.ModelForm):
    """The staff page's inputs; nothing is saved by the form itself (see save_model)."""

    new_status = forms.ChoiceField(label=_("Move to"), required=False)
    reason = forms.ChoiceField(
        label=_("Close reason"),
        required=False,
        choices=[("", "—"), *CloseReason.choices],
    )
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=_staff(), required=False)
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff only: never shown to the resident."),
    )
    message = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on their tracking page and sent by e-mail or text. Sent with the status "
            "change when there is one."
        ),
    )
    merge_into = forms.CharField(
        label=_("Duplicate of"),
        required=False,
        max_length=40,
        help_text=_("The request id of the request to keep: this one is closed as its duplicate."),
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()
        if self.instance.pk:
            current = self.instance.status
            self.fields["new_status"].choices = [("", "—")] + [
                (s, Status(s).label) for s in TRANSITIONS[current]
            ]
            self.fields["assignee"].initial = self.instance.assigned_to_id

    def clean_merge_into(self):
        value = self.cleaned_data["merge_into"].strip()
        if not value:
            return None
        try:
            return selectors.request_get(public_id=value)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Close reason"), choices=CloseReason.choices)
    message = forms.CharField(
        label=_("Message to the residents (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=_staff(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()
