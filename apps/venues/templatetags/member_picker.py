"""Assets of the member picker (`static/js/member-picker.js`, from the members app), emitted
only once that file exists: until then the pickers are plain multi-selects."""

from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

PICKER_JS = "js/member-picker.js"


@cache
def picker_available() -> bool:
    return finders.find(PICKER_JS) is not None


@register.simple_tag
def member_picker_css() -> str:
    if not picker_available():
        return ""
    return format_html(
        '<link rel="stylesheet" href="{}">',
        static("vendor/tom-select/tom-select.bootstrap5.min.css"),
    )


@register.simple_tag
def member_picker_js() -> str:
    if not picker_available():
        return ""
    return format_html(
        '<script src="{}"></script><script src="{}"></script>',
        static("vendor/tom-select/tom-select.complete.min.js"),
        static(PICKER_JS),
    )
