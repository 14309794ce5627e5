"""Render Django form fields with USWDS classes, their hint and errors tied to the input."""

from django import template

register = template.Library()

_CLASSES = {
    "select": "usa-select",
    "textarea": "usa-textarea",
    # File inputs stay native: USWDS's enhanced file input writes English text with its script.
    "clearablefile": "records-file",
    "file": "records-file",
    "checkbox": "usa-checkbox__input",
    "radioselect": "usa-radio__input",
}


@register.filter
def usa_widget(field):
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": _CLASSES.get(field.widget_type, "usa-input")}
    if field.errors:
        attrs["class"] += " usa-input--error"
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def describedby(field) -> str:
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    return " ".join(described)
