"""Shapes of the public forms. The rules (capacity, ages, consent) are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.contact import ContactChannel
from programs.models import Event


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=120)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send the confirmation and a link to cancel here."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=25,
        required=False,
        help_text=_("Only to reach you if the event changes at the last minute."),
    )
    contact_channel = forms.TypedChoiceField(
        label=_("Send the reminder and any change to the event by"),
        choices=ContactChannel.choices,
        initial=ContactChannel.EMAIL,
        required=False,
        empty_value=ContactChannel.EMAIL,
        widget=forms.RadioSelect,
        help_text=_("Text messages go to the phone number above. Reply STOP to stop them."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        if event.registration == Event.Registration.YOUTH:
            self.fields["name"].label = _("Parent or guardian's full name")
            self.fields["youth_name"] = forms.CharField(
                label=_("Young person's full name"), max_length=120
            )
            self.fields["youth_age"] = forms.IntegerField(
                label=_("Young person's age"),
                min_value=3,
                max_value=21,
                help_text=(
                    _("Ages %(low)s to %(high)s.")
                    % {"low": event.min_age or 3, "high": event.max_age or 21}
                ),
            )
            self.fields["consent"] = forms.BooleanField(
                label=_(
                    "I am this young person's parent or guardian and I agree to them taking part."
                ),
            )
            self.order_fields(
                ["youth_name", "youth_age", "name", "email", "phone", "contact_channel", "consent"]
            )
            for name in ("youth_name", "youth_age", "consent"):
                widget = self.fields[name].widget
                if isinstance(widget, forms.CheckboxInput):
                    widget.attrs["class"] = "usa-checkbox__input"
                else:
                    widget.attrs["class"] = (
                        "usa-input usa-input--small" if name == "youth_age" else "usa-input"
                    )
                if self.fields[name].help_text:
                    widget.attrs["aria-describedby"] = f"id_{name}_hint"


class SubscriptionForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We will send a link to confirm. Every e-mail has a link to stop them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
