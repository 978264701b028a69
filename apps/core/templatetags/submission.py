"""`{% submission_key %}`: the hidden one-time key of a create form (`apps.core.submission`)."""

from django import template
from django.utils.html import format_html

from ..submission import FIELD_NAME, form_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context) -> str:
    request = context.get("request")
    key = form_key(request) if request is not None else ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, key)
