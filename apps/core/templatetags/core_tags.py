import datetime

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_text(value: datetime.timedelta | None) -> str:
    """A duration in words, to the minute: "15 分钟", "1 小时 30 分钟", "2 天"
    (never the ISO form `PT15M`). Anything else is shown as it is."""
    if not isinstance(value, datetime.timedelta):
        return "" if value is None else str(value)
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return " ".join(parts)
