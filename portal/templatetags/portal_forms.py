"""What the portal's form templates (templates portal/forms/*.html) need from a bound field.

One pattern for every public form: the hint has the id `<id>-hint`, the error message
`<id>-error`, the input lists both in aria-describedby and says aria-invalid when it has an
error, and carries the USWDS class of its kind unless the form gave it one.
"""

from django import forms, template

register = template.Library()

# The USWDS class of each kind of widget, when the form did not set one. File inputs stay
# native: USWDS's enhanced file input writes English text with its script.
_CLASSES = {
    "input": "usa-input",
    "textarea": "usa-textarea",
    "select": "usa-select",
    "file": "portal-file-input",
    "checkbox": "usa-checkbox__input",
}
_ERROR_CLASS = "usa-input--error"


@register.filter
def field_kind(field) -> str:
    """How the field is drawn: hidden, radios, checkboxes, checkbox, textarea, select, file or
    input. Radios and checkboxes are groups: a fieldset whose legend is the label."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    # CheckboxSelectMultiple is a RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def hint_id(field) -> str:
    return f"{field.auto_id}-hint"


@register.filter
def error_id(field) -> str:
    return f"{field.auto_id}-error"


@register.filter
def describedby(field) -> str:
    """The ids of the field's hint and error message, in reading order."""
    ids = []
    if field.help_text:
        ids.append(hint_id(field))
    if field.errors:
        ids.append(error_id(field))
    return " ".join(ids)


@register.filter
def error_anchor(field) -> str:
    """Where the error summary's link for this field goes: the input, or a group's first
    option (a group has no element of its own id to focus)."""
    if field_kind(field) in ("radios", "checkboxes"):
        options = field.subwidgets
        return options[0].id_for_label if options else field.auto_id
    return field.id_for_label


@register.filter
def usa_widget(field):
    """The field's input with its USWDS class, aria-describedby and aria-invalid. These win
    over what a form may have put in the widget's attrs, so every form reads the same."""
    kind = field_kind(field)
    if kind == "hidden":
        return field.as_widget()
    attrs = {}
    classes = (field.field.widget.attrs.get("class") or _CLASSES.get(kind, "")).split()
    if field.errors and kind in ("input", "textarea", "select") and _ERROR_CLASS not in classes:
        classes.append(_ERROR_CLASS)
    if classes:
        attrs["class"] = " ".join(classes)
    if described := describedby(field):
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
