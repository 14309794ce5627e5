"""Shapes of input: a booking (from the API or a CSV row), the search, a visit request."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from custody.models import CustodyRecord, VisitSlot

BOND_WORDS = {
    "no_bond": CustodyRecord.Bond.NO_BOND,
    "no bond": CustodyRecord.Bond.NO_BOND,
    "held_without_bond": CustodyRecord.Bond.HELD_WITHOUT_BOND,
    "held without bond": CustodyRecord.Bond.HELD_WITHOUT_BOND,
}


class BookingForm(forms.Form):
    """One booking as a booking system sends it (JSON values or CSV text alike)."""

    booking_number = forms.RegexField(regex=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$", max_length=40)
    last_name = forms.CharField(max_length=80)
    first_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(input_formats=["%Y-%m-%d"])
    juvenile = forms.BooleanField(required=False)
    confidential = forms.BooleanField(required=False)
    charge_category = forms.ChoiceField(choices=CustodyRecord.Charge.choices)
    bond = forms.CharField(
        max_length=20,
        help_text=_('An amount ("2500.00"), "no_bond" or "held_without_bond".'),
    )
    court_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    court_time = forms.TimeField(required=False, input_formats=["%H:%M", "%H:%M:%S"])
    court_name = forms.CharField(required=False, max_length=120)
    court_address = forms.CharField(required=False, max_length=200)
    booked_at = forms.DateTimeField()
    released_at = forms.DateTimeField(required=False)

    def clean_bond(self):
        value = str(self.cleaned_data["bond"]).strip()
        word = BOND_WORDS.get(value.lower())
        if word:
            return (word, None)
        try:
            amount = Decimal(value.replace(",", "").lstrip("$"))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount >= 10**10:
            raise forms.ValidationError(
                _('Give an amount such as "2500.00", or "no_bond" or "held_without_bond".'),
                code="bad_bond",
            )
        return (CustodyRecord.Bond.AMOUNT, amount.quantize(Decimal("0.01")))


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One booking a row, with a header row naming the same fields as the API."),
    )


class SearchForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    first_initial = forms.CharField(
        label=_("First initial (optional)"), max_length=1, required=False
    )


class VisitRequestForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=_("Visiting time"),
        queryset=VisitSlot.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Give an e-mail address or a phone number, so we can confirm the visit."),
    )
    visiting = forms.CharField(
        label=_("Person to visit"),
        max_length=120,
        help_text=_("Their booking number, or their full name."),
    )

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if slots is not None:
            self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = _slot_label

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Give an e-mail address or a phone number."), code="no_contact"
            )
        return data


def _slot_label(slot) -> str:
    return f"{date_format(slot.date, 'l j F')}, {date_format(slot.starts_at, 'TIME_FORMAT')}"
