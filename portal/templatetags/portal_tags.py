from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """This page's address in another language (for the switcher and hreflang links)."""
    request = context.get("request")
    if request is None:
        return "/" if language == "en" else f"/{language}/"
    return translate_url(request.get_full_path(), language)


@register.filter
def tel(number: str) -> str:
    """A phone number as a tel: link target (digits and + only)."""
    return "".join(ch for ch in str(number) if ch.isdigit() or ch == "+")
