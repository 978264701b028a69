import datetime

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


def _var(value) -> str:
    """`{{ value }}`: localized, then escaped unless safe."""
    return str(conditional_escape(localize(value)))


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


@register.simple_tag
def chart_table(chart) -> SafeString:
    """The table of a chart (`apps.core.registry.Chart`, `core/_chart.html`): headers,
    then one row per category, its label linked to its list. Built in Python, every
    value escaped as `{{ value }}` would be: a chart of twelve months and four series is
    some sixty cells, which the template engine rendered one node at a time."""
    out = [f'<table class="table table-sm mb-0" data-chart-table="{_var(chart.key)}">']
    out.append("<thead><tr>")
    for i, column in enumerate(chart.columns):
        align = "" if i == 0 else ' class="text-end"'
        out.append(f'<th scope="col"{align}>{_var(column)}</th>')
    out.append("</tr></thead><tbody>")
    rows = chart.table_rows()
    for url, row in rows:
        out.append("<tr>")
        for i, value in enumerate(row):
            if i:
                out.append(f'<td class="text-end">{_var(value)}</td>')
            elif url:
                out.append(f'<th scope="row"><a href="{_var(url)}">{_var(value)}</a></th>')
            else:
                out.append(f'<th scope="row">{_var(value)}</th>')
        out.append("</tr>")
    if not rows:
        out.append(
            f'<tr class="chart-empty"><td colspan="{len(chart.columns)}" class="text-muted">'
            f"{_var(gettext('Nothing recorded this year.'))}</td></tr>"
        )
    out.append("</tbody></table>")
    return mark_safe("".join(out))  # every value escaped above
