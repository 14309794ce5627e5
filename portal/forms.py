"""What every form in the portal shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy


class PortalFormRenderer(TemplatesSetting):
    """Every form drawn the same way (settings.FORM_RENDERER): `{{ form }}` is the error summary
    and the fields, `{{ form.field.as_field_group }}` one field with its label, hint and error,
    both with USWDS classes and the hint and error tied to the input for screen readers.
    Through the project's template engine, so an app can include the same templates:
    portal/forms/error_summary.html and portal/forms/field.html."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"


def add_domain_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form that caused it: errors naming one of the form's
    fields go beside that field, the rest at the top. What the person typed stays."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (a resident's photos, videos, documents). Refuses more than
    `max_files` (an app's policy) before any is read; cleans to a list of uploaded files."""

    widget = MultipleFileInput
    max_files = 5

    def __init__(self, *args, max_files: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        if max_files is not None:
            self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        if len(items) > self.max_files:
            raise forms.ValidationError(
                gettext_lazy("Send %(count)d files at most.") % {"count": self.max_files},
                code="too_many_files",
            )
        return [item for item in items if item]
