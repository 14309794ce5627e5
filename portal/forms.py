"""What every form in the portal shares."""

from django.core.exceptions import ValidationError


def add_domain_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form that caused it: errors naming one of the form's
    fields go beside that field, the rest at the top. What the person typed stays."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
