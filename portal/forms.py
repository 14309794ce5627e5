"""What every form in the portal shares."""

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
