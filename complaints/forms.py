"""The forms of complaints: shape and field-level checks only (rules live in services/)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints import policy
from complaints.models import Allegation, BoardReview, Complaint, InvestigationStep
from portal import roles
from portal.forms import MultipleFileField, MultipleFileInput
from portal.models import Neighborhood, Officer

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/quicktime,video/webm"
TOO_LONG = _("Please keep this under %(limit_value)d characters.")


def limits_hint():
    mb = policy.MB
    return _(
        "Up to %(count)d files. Photos (JPEG, PNG, WebP) and PDF up to %(image)d MB each, "
        "videos (MP4, MOV, WebM) up to %(video)d MB each. Staff see a copy without hidden "
        "details such as the place a photo was taken."
    ) % {
        "count": policy.MAX_FILES,
        "image": policy.FILE_LIMITS["image"] // mb,
        "video": policy.FILE_LIMITS["video"] // mb,
    }


def _text(label, limit, *, required=False, rows=3, help_text="", required_message=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "usa-textarea"}),
        error_messages={
            "required": required_message or _("Tell us what happened."),
            "max_length": TOO_LONG,
        },
    )


def _line(label, limit, *, help_text="", autocomplete="off", input_type="text"):
    widget = forms.TextInput if input_type == "text" else forms.EmailInput
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=widget(attrs={"class": "usa-input", "autocomplete": autocomplete}),
        error_messages={"max_length": TOO_LONG},
    )


class ComplaintForm(forms.Form):
    """The resident's form, also used by staff at the front desk (with `channel`)."""

    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=[
            (Complaint.Kind.COMPLAINT, _("Make a complaint about an officer")),
            (Complaint.Kind.COMMENDATION, _("Thank an officer (a commendation)")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a complaint or a commendation."),
            "invalid_choice": _("Choose a complaint or a commendation."),
        },
    )
    filing = forms.ChoiceField(
        label=_("Who is it from?"),
        choices=[
            (Complaint.Filing.NAMED, _("Me, in my name")),
            (Complaint.Filing.ANONYMOUS, _("Me, anonymously: I will not give my name")),
            (Complaint.Filing.ON_BEHALF, _("I am writing for someone else")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who it is from."),
            "invalid_choice": _("Choose who it is from."),
        },
    )
    complainant_name = _line(
        _("Your name"),
        policy.TEXT_LIMITS["complainant_name"],
        help_text=_("Leave empty if you chose to stay anonymous."),
        autocomplete="name",
    )
    complainant_email = forms.CharField(
        label=_("Your e-mail (optional)"),
        required=False,
        max_length=policy.TEXT_LIMITS["complainant_email"],
        help_text=_("We write to tell you the finding when the case closes."),
        widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}),
        error_messages={"max_length": TOO_LONG},
    )
    complainant_phone = _line(
        _("Your phone (optional)"), policy.TEXT_LIMITS["complainant_phone"], autocomplete="tel"
    )
    complainant_address = _text(
        _("Your postal address (optional)"), policy.TEXT_LIMITS["complainant_address"], rows=2
    )
    on_behalf_of = _text(
        _("If you are writing for someone else: who they are and how you know them"),
        policy.TEXT_LIMITS["on_behalf_of"],
        rows=2,
    )
    officer_name = _line(
        _("The officer's name or badge number, if you know it"),
        policy.TEXT_LIMITS["officer_name"],
    )
    officer_description = _text(
        _("Or describe the officer: what they looked like, their car or unit number"),
        policy.TEXT_LIMITS["officer_description"],
        rows=2,
    )
    officer_unknown = forms.BooleanField(
        label=_("I don't know who the officer was"),
        required=False,
        help_text=_("Then tell us when and where you met them, so we can find out."),
    )
    officer_seen_when = _line(
        _("When you met the officer (date and time)"), policy.TEXT_LIMITS["officer_seen_when"]
    )
    officer_seen_where = _line(
        _("Where you met the officer"), policy.TEXT_LIMITS["officer_seen_where"]
    )
    what = _text(
        _("What happened?"),
        policy.TEXT_LIMITS["what"],
        required=True,
        rows=7,
        help_text=_("In your own words. If you want to stay anonymous, leave out your name."),
    )
    where = _text(_("Where did it happen?"), policy.TEXT_LIMITS["where"], rows=2)
    when = _text(_("When did it happen?"), policy.TEXT_LIMITS["when"], rows=2)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood, if you know it"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("I do not know"),
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"invalid_choice": _("Choose one of the neighborhoods.")},
    )
    attachments = MultipleFileField(
        label=_("Photos, videos or documents (optional)"),
        max_files=policy.MAX_FILES,
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": ACCEPT}),
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = limits_hint()
        for index in range(policy.MAX_WITNESSES):
            number = index + 1
            self.fields[f"witness_{index}_name"] = _line(
                _("Witness %(number)d: name") % {"number": number},
                policy.TEXT_LIMITS["witness_name"],
            )
            self.fields[f"witness_{index}_contact"] = _line(
                _("Witness %(number)d: phone, e-mail or address") % {"number": number},
                policy.TEXT_LIMITS["witness_contact"],
            )
            self.fields[f"witness_{index}_account"] = _text(
                _("Witness %(number)d: what they saw") % {"number": number},
                policy.TEXT_LIMITS["witness_account"],
                rows=2,
            )
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("How it was received"),
                choices=[
                    (Complaint.Channel.FRONT_DESK, Complaint.Channel.FRONT_DESK.label),
                    (Complaint.Channel.MAIL, Complaint.Channel.MAIL.label),
                    (Complaint.Channel.PHONE, Complaint.Channel.PHONE.label),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how it was received.")},
            )

    def witness_groups(self):
        return [
            [
                self[f"witness_{index}_name"],
                self[f"witness_{index}_contact"],
                self[f"witness_{index}_account"],
            ]
            for index in range(policy.MAX_WITNESSES)
        ]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return [f.read() for f in files]


class CheckForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "usa-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": _("Enter your tracking code."),
            "max_length": _("A tracking code has 10 letters and digits."),
        },
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
        error_messages={
            "required": _("Enter your passphrase."),
            "max_length": TOO_LONG,
        },
    )


class AddInformationForm(forms.Form):
    access = forms.CharField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("What you want to add"),
        required=False,
        max_length=policy.MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "usa-textarea"}),
        error_messages={"max_length": TOO_LONG},
    )
    attachments = MultipleFileField(
        label=_("Add photos, videos or documents (optional)"),
        max_files=policy.MAX_FILES,
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = limits_hint()

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return [f.read() for f in files]


# --- staff forms ------------------------------------------------------------------------------


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        help_text=_("For example 2026-12-31"),
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}),
        error_messages={
            "invalid": _("Enter a date such as 2026-12-31."),
            "required": _("Enter a date."),
        },
    )


class AllegationForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Allegation.Category.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    summary = forms.CharField(
        label=_("Allegation, in a sentence"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        error_messages={
            "required": _("Say in a sentence what the officer is said to have done."),
            "max_length": TOO_LONG,
        },
    )
    officer = forms.TypedChoiceField(
        label=_("Officer concerned"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not one officer"))]
        if complaint is not None:
            choices += [(link.pk, str(link)) for link in complaint.officers.all()]
        self.fields["officer"].choices = choices
        self.fields["officer"].widget.attrs["class"] = "usa-select"


class IdentifyForm(forms.Form):
    link = forms.IntegerField(widget=forms.HiddenInput)
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=Officer.objects.all(),
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"required": _("Choose an officer.")},
    )


class ClassifyForm(forms.Form):
    seriousness = forms.ChoiceField(
        label=_("Seriousness"),
        choices=[
            (Complaint.Seriousness.MINOR, Complaint.Seriousness.MINOR.label),
            (Complaint.Seriousness.SERIOUS, Complaint.Seriousness.SERIOUS.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose minor or serious.")},
    )


class AssignForm(forms.Form):
    assignee_kind = forms.ChoiceField(
        label=_("Investigated by"),
        choices=[
            (Complaint.Assignee.INTERNAL_AFFAIRS, Complaint.Assignee.INTERNAL_AFFAIRS.label),
            (Complaint.Assignee.SUPERVISOR, Complaint.Assignee.SUPERVISOR.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose internal affairs or the officer's supervisor.")},
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Investigator"),
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"required": _("Choose who investigates.")},
    )
    due_on = _date(_("Investigation due (empty: the policy's deadline)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[roles.INTERNAL_AFFAIRS, roles.SUPERVISORS]
            )
            .distinct()
            .order_by("username")
        )


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of step"),
        choices=InvestigationStep.Kind.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    title = forms.CharField(
        label=_("Step"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        error_messages={"required": _("Say what the step is."), "max_length": TOO_LONG},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=policy.MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        error_messages={"max_length": TOO_LONG},
    )
    due_on = _date(_("Deadline"))
    done_on = _date(_("Done on (if already done)"))


class StepDoneForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)


class FindingForm(forms.Form):
    allegation = forms.IntegerField(widget=forms.HiddenInput)
    finding = forms.ChoiceField(
        label=_("Finding"),
        choices=[c for c in Allegation.Finding.choices if c[0]],
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"required": _("Choose a finding.")},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            c for c in Complaint.Outcome.choices if c[0] and c[0] != Complaint.Outcome.DELIVERED
        ],
        widget=forms.Select(attrs={"class": "usa-select"}),
        error_messages={"required": _("Choose an outcome.")},
    )
    outcome_summary = forms.CharField(
        label=_("Training or discipline, in brief"),
        required=False,
        max_length=1000,
        help_text=_("No names. The review board reads this; the public does not."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        error_messages={"max_length": TOO_LONG},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the resident"),
        max_length=policy.MESSAGE_LIMIT,
        help_text=_("They read it on their follow page with their code and passphrase."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        error_messages={"required": _("Write a message."), "max_length": TOO_LONG},
    )


class ReviewForm(forms.Form):
    position = forms.ChoiceField(
        label=_("The board"),
        choices=BoardReview.Position.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the board agrees.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=5000,
        help_text=_("Required when the board disagrees."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
        error_messages={"max_length": TOO_LONG},
    )
    recommendation = forms.CharField(
        label=_("Recommendation (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        error_messages={"max_length": TOO_LONG},
    )
    reviewed_on = _date(_("Date of the board's review (empty: today)"))
