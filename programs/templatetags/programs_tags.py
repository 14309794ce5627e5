from django import template

from programs.text import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Staff-written Markdown as sanitised HTML (see programs/text.py)."""
    return render_markdown(str(text or ""))
