"""`{% sections "place" %}`: the sections that later apps add to a page, rendered at one of
its places (see `apps.core.sections`)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context, place: str = "body") -> SafeString:
    """Render each template of `sections` (from the page's context) with `place` set, its
    output trimmed so that a place may stand inside an attribute (a row's class)."""
    engine = context.template.engine
    parts = []
    for name in context.get("sections", ()):
        with context.push(place=place):
            parts.append(engine.get_template(name).render(context).strip())
    return mark_safe(" ".join(part for part in parts if part))  # rendered, so escaped
