"""The resident's forms: shape and field-level checks only (rules live in tips/services/)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal import forms as kernel_forms
from portal.forms import MultipleFileInput
from portal.models import Neighborhood
from tips import scrub
from tips.models import TipCategory
from tips.services.common import MESSAGE_LIMIT
from tips.services.intake import TEXT_LIMITS


class DescribedForm(forms.Form):
    """A tip line form whose fields may need adjusting at run time (`prepare`: help texts
    worked out from the settings). The site's form renderer ties hints and errors to fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare()

    def prepare(self):
        """Adjust fields once they exist."""


class MultipleFileField(kernel_forms.MultipleFileField):
    max_files = scrub.MAX_FILES


ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/quicktime,video/webm"


def limits_hint() -> str:
    mb = scrub.MB
    return _(
        "Up to %(count)d files. Photos (JPEG, PNG, WebP) and PDF up to %(image)d MB each, "
        "videos (MP4, MOV, WebM) up to %(video)d MB each. Investigators see a copy without "
        "hidden details such as location; the file as you sent it is kept encrypted for "
        "%(days)d days for investigators with a special permission, then deleted."
    ) % {
        "count": scrub.MAX_FILES,
        "image": scrub.FILE_LIMITS["image"] // mb,
        "video": scrub.FILE_LIMITS["video"] // mb,
        "days": settings.TIPS_ORIGINAL_RETENTION_DAYS,
    }


def _text(label, limit, *, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "usa-textarea"}),
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": _("Please keep this under %(limit_value)d characters."),
        },
    )


class TipForm(DescribedForm):
    def prepare(self):
        self.fields["attachments"].help_text = limits_hint()

    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=TipCategory.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the tip is about."),
            "invalid_choice": _("Choose one of the categories."),
        },
    )
    what = _text(
        _("What happened, or what is happening?"),
        TEXT_LIMITS["what"],
        required=True,
        rows=6,
        help_text=_("Leave out anything only you could know if you want to stay anonymous."),
    )
    where = _text(_("Where? An address, a corner or a landmark"), TEXT_LIMITS["where"], rows=2)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood, if you know it"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("I do not know"),
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"invalid_choice": _("Choose one of the neighborhoods.")},
    )
    when = _text(_("When? As closely as you can say"), TEXT_LIMITS["when"], rows=2)
    people = _text(
        _("People involved: names, nicknames, what they look like"), TEXT_LIMITS["people"]
    )
    vehicles = _text(
        _("Vehicles: kind, colour, plate, where they are kept"), TEXT_LIMITS["vehicles"]
    )
    attachments = MultipleFileField(
        label=_("Photos, videos or documents (optional)"),
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": ACCEPT}),
    )
    contact = forms.CharField(
        label=_("Your name and phone or e-mail (optional)"),
        help_text=_(
            "Only if you want us to contact you. If you give your name or number, your tip is no "
            "longer anonymous: investigators will know who you are."
        ),
        required=False,
        max_length=TEXT_LIMITS["contact"],
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
        error_messages={"max_length": _("Please keep this under %(limit_value)d characters.")},
    )

    # Sent only by the "Send it as it is" button of the warning about identifying words
    # (tips/cues.py): the resident has read it and sends the tip unchanged.
    send_as_is = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return [f.read() for f in files]


class ConfirmForm(DescribedForm):
    sealed = forms.CharField(widget=forms.HiddenInput)
    typed = forms.CharField(
        label=_("Type your passphrase here"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "class": "usa-input",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Type the passphrase you wrote down.")},
    )


class CheckForm(DescribedForm):
    number = forms.CharField(
        label=_("Tip number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "usa-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter your tip number.")},
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=300,
        widget=forms.PasswordInput(
            attrs={
                "class": "usa-input",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter your passphrase.")},
    )


class ReplyForm(DescribedForm):
    def prepare(self):
        self.fields["attachments"].help_text = limits_hint()

    access = forms.CharField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your answer or more information"),
        required=False,
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "usa-textarea"}),
        error_messages={"max_length": _("Please keep this under %(limit_value)d characters.")},
    )
    attachments = MultipleFileField(
        label=_("Add photos, videos or documents (optional)"),
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": ACCEPT}),
    )
    # As on the tip form: sent only by the warning's "Send it as it is" button.
    send_as_is = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return [f.read() for f in files]
