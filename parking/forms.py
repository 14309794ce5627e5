"""The shape of what residents and officers type; the rules are in services.py."""

import datetime
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parking import nights as n
from parking.models import US_STATES, Reason, VehicleType, plate_validator
from parking.selectors import street_choices
from portal.models import Street, phone_validator


class FastSelect(forms.Select):
    """A <select> built in Python. Django renders each <option> through templates, which made
    the form (some 130 options: states, nights, streets) the slowest part of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in chosen else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        # Every key and label is escaped above.
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))


class FastInputMixin:
    """An <input> built in Python, for the same reason as FastSelect: the form has eight of
    them, and Django renders each through two templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["type"] = self.input_type
        final["name"] = name
        formatted = self.format_value(value)
        if formatted is not None:
            final["value"] = formatted
        return format_html("<input{}>", flatatt(final))


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastEmailInput(FastInputMixin, forms.EmailInput):
    pass


class _SharedChoicesMixin:
    """Each form copies its fields, and a ChoiceField deep-copies its list of choices (fifty
    states, the reasons, ...) every time. Ours are never changed in place, only replaced, so
    the copies share them."""

    def __deepcopy__(self, memo):
        choices = self._choices
        self._choices = ()
        try:
            result = super().__deepcopy__(memo)
        finally:
            self._choices = choices
        result._choices = choices
        return result


class SharedChoiceField(_SharedChoicesMixin, forms.ChoiceField):
    pass


class SharedTypedChoiceField(_SharedChoicesMixin, forms.TypedChoiceField):
    pass


class PlateField(forms.CharField):
    def to_python(self, value):
        return n.normalise_plate(super().to_python(value))


class _StreetChoices(BaseChoiceIterator):
    """The street <select>'s options, read from the database on first use (a
    BaseChoiceIterator, so that Django leaves it lazy)."""

    def __init__(self, field: forms.ModelChoiceField, streets: tuple | None = None):
        self.field = field
        self._choices = None if streets is None else (("", field.empty_label), *streets)

    def __iter__(self):
        if self._choices is None:
            self._choices = (("", self.field.empty_label), *street_choices())
        return iter(self._choices)


class PermitRequestForm(forms.Form):
    plate = PlateField(
        label=_("Plate number"),
        max_length=12,
        widget=FastTextInput,
        validators=[plate_validator],
        help_text=_("Letters and digits as on the plate; spaces and dashes do not matter."),
    )
    plate_state = SharedChoiceField(
        label=_("State of the plate"), choices=US_STATES, initial="CT", widget=FastSelect
    )
    vehicle_type = SharedChoiceField(
        label=_("Type of vehicle"),
        choices=VehicleType.choices,
        initial=VehicleType.CAR,
        widget=FastSelect,
    )
    make = forms.CharField(
        label=_("Make"), max_length=40, help_text=_("For example: Toyota"), widget=FastTextInput
    )
    model = forms.CharField(
        label=_("Model"), max_length=40, help_text=_("For example: Corolla"), widget=FastTextInput
    )
    colour = forms.CharField(label=_("Colour"), max_length=30, widget=FastTextInput)
    house_number = forms.IntegerField(
        label=_("House number"), min_value=1, max_value=99999, widget=FastTextInput
    )
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.order_by("name"),
        empty_label=_("- Choose the street -"),
        widget=FastSelect,
        help_text=_("The street where the car will park. Only streets of the town are listed."),
    )
    reason = SharedChoiceField(
        label=_("Reason"), choices=[("", _("- Choose -")), *Reason.choices], widget=FastSelect
    )
    reason_note = forms.CharField(
        label=_("If other, tell us why"), max_length=300, required=False, widget=FastTextInput
    )
    first_night = SharedTypedChoiceField(
        label=_("First night"),
        coerce=datetime.date.fromisoformat,
        widget=FastSelect,
        help_text=_("The night of a date runs from the evening of that date to the next morning."),
    )
    nights = SharedTypedChoiceField(
        label=_("Number of nights"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        widget=FastSelect,
    )
    email = forms.EmailField(label=_("E-mail"), required=False, widget=FastEmailInput)
    mobile = forms.CharField(
        label=_("Mobile number for a text message"),
        max_length=25,
        required=False,
        widget=FastTextInput,
        validators=[phone_validator],
    )

    def __init__(self, *args, max_nights: int = 3, night_choices=(), streets=None, **kwargs):
        super().__init__(*args, **kwargs)
        street = self.fields["street"]
        # The list of streets in one plain query, made only if the form is shown (a
        # ModelChoiceField iterates its queryset through a server-side cursor each time it
        # renders: three round trips).
        street.widget.choices = _StreetChoices(street, streets)
        self.fields["first_night"].choices = night_choices
        self.fields["nights"].choices = [(i, str(i)) for i in range(1, max_nights + 1)]

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("mobile"):
            self.add_error(
                "email", _("Give an e-mail address or a mobile number for the confirmation.")
            )
        if data.get("reason") == Reason.OTHER and not data.get("reason_note"):
            self.add_error("reason_note", _("Tell us the reason."))
        return data


class FindPermitForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=14,
        help_text=_("The code you received, for example 7K2M-9QXWD."),
    )
    plate = PlateField(label=_("Plate number"), max_length=12)

    def clean_code(self):
        code = n.normalise_code(self.cleaned_data["code"])
        if not n.code_is_valid(code):
            raise forms.ValidationError(
                _("This is not a valid confirmation code. Check each character."), code="code"
            )
        return code


class CancelNightsForm(forms.Form):
    nights = forms.MultipleChoiceField(
        label=_("Nights to cancel"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nights"].choices = choices


class LookupForm(forms.Form):
    plate = PlateField(label=_("Plate"), max_length=12)
    plate_state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *US_STATES], required=False
    )


def decorate(form: forms.Form) -> forms.Form:
    """USWDS classes, and each field tied to its hint and error (aria-describedby)."""
    for name, field in form.fields.items():
        bound = form[name]
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "usa-select" if isinstance(widget, forms.Select) else "usa-input"
        if bound.errors:
            css += " usa-input--error"
            widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] = css
        described = []
        if field.help_text:
            described.append(f"{bound.id_for_label}-hint")
        if bound.errors:
            described.append(f"{bound.id_for_label}-error")
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)
    return form
