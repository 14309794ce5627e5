"""The internship application's shape; the CV's content is checked by the service."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from careers.models import InternshipApplication


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=160)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send your tracking code and every change of status here."),
    )
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=30, required=False)
    school = forms.CharField(label=_("College or university"), max_length=200)
    program_of_study = forms.CharField(
        label=_("Program of study"),
        max_length=200,
        help_text=_("For example: criminal justice, social work, computer science."),
    )
    expected_graduation = forms.CharField(
        label=_("Expected graduation"), max_length=40, help_text=_("Month and year, e.g. May 2028.")
    )
    semester = forms.ChoiceField(
        label=_("Semester you are available"),
        choices=InternshipApplication.Semester.choices,
        widget=forms.RadioSelect,
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours per week you can give"),
        min_value=1,
        max_value=40,
        help_text=_("Between 1 and 40."),
    )
    statement = forms.CharField(
        label=_("Why do you want this internship?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few paragraphs: what you hope to learn and what you bring. 4,000 characters at most."
        ),
    )
    cv = forms.FileField(
        label=_("Your CV (PDF)"),
        help_text=_(
            "A PDF of at most %(mb)d MB. We keep a clean copy, encrypted, which only the "
            "internship reviewers can read."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text = self.fields["cv"].help_text % {
            "mb": settings.CAREERS_CV_MAX_MB
        }

    def clean_cv(self):
        upload = self.cleaned_data["cv"]
        if upload.size > settings.CAREERS_CV_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Your CV is too large: %(mb)d MB at most.") % {"mb": settings.CAREERS_CV_MAX_MB},
                code="file_too_large",
            )
        return upload


class ApplicationAdminForm(forms.ModelForm):
    class Meta:
        model = InternshipApplication
        fields = ["status", "notes"]
