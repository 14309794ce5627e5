"""The shape of residents' input. Every rule (types of answers, place, photos, contact) is the
service's: the fields here take text as typed, so the service judges it and says why."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from service_requests.choices import Datatype
from service_requests.models import Service
from service_requests.services import attribute_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [f for f in files if f]


class PlaceForm(forms.Form):
    """The first step: where the problem is (an address, or a point from the map)."""

    address = forms.CharField(
        label=_("Address or nearest address"),
        help_text=_("A house number and street, for example 42 Chapel Street."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "street-suggestions"}),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    long = forms.CharField(required=False, widget=forms.HiddenInput)


class RequestForm(forms.Form):
    """The second step: the service's questions, a description, photos and contact details."""

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.question_names = []
        for question in service.attributes.all():
            if not question.variable:
                continue
            name = attribute_field(question.code)
            self.fields[name] = self._field(question)
            self.question_names.append(name)
        self.fields["description"] = forms.CharField(
            label=_("Anything else we should know (optional)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Shown to staff only. Do not write names of neighbors here."),
        )
        self.fields["photos"] = PhotosField(
            label=_("Photos (optional)"),
            required=False,
            help_text=_(
                "Up to %(count)d photos (JPEG, PNG or WebP), %(mb)d MB each. We remove the "
                "hidden details a phone adds, such as where the photo was taken."
            )
            % {
                "count": settings.SERVICE_REQUESTS_MAX_PHOTOS,
                "mb": settings.SERVICE_REQUESTS_PHOTO_MAX_MB,
            },
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        needed = service.callback_required
        self.fields["name"] = forms.CharField(
            label=_("Your name (optional)"),
            required=False,
            max_length=120,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.fields["email"] = forms.CharField(
            label=_("E-mail address") if needed else _("E-mail address (optional)"),
            required=False,
            max_length=120,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
        self.fields["phone"] = forms.CharField(
            label=_("Phone number") if needed else _("Phone number (optional)"),
            required=False,
            max_length=30,
            help_text=(
                _("For this service an officer calls you back: give a phone number or an e-mail.")
                if needed
                else ""
            ),
            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        )
        self.fields["notify_email"] = forms.BooleanField(
            label=_("E-mail me at each change"), required=False
        )
        self.fields["notify_sms"] = forms.BooleanField(
            label=_("Text me at each change"), required=False
        )

    @staticmethod
    def _field(question) -> forms.Field:
        label = str(question.description)
        if not question.required:
            label = _("%(question)s (optional)") % {"question": label}
        common = {"label": label, "required": False, "help_text": question.datatype_description}
        datatype = question.datatype
        choices = [(v.key, v.name) for v in question.values.all()]
        if datatype == Datatype.SINGLEVALUELIST:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if datatype == Datatype.MULTIVALUELIST:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if datatype == Datatype.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        if datatype == Datatype.NUMBER:
            return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
        if datatype == Datatype.DATETIME:
            return forms.CharField(
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
            )
        return forms.CharField(**common)

    def answers(self) -> dict:
        return {
            name.removeprefix("attribute_"): self.cleaned_data.get(name)
            for name in self.question_names
        }

    def contact(self) -> dict:
        return {
            "first_name": self.cleaned_data.get("name", ""),
            "email": self.cleaned_data.get("email", ""),
            "phone": self.cleaned_data.get("phone", ""),
        }


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("Eight letters and digits, from your confirmation."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class FollowForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=120,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("or a phone number for text messages"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
