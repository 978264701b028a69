"""The session list as an .xlsx file: openpyxl's write-only mode, so memory stays flat
with the number of rows; three queries in all (rows, members, suggestions)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from apps.members.models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """Text a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def sessions_workbook(sessions) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Consultation sessions"))
    headers = [
        _("Start time"),
        _("Venue"),
        _("Township"),
        _("Topic"),
        _("Form"),
        _("Place"),
        _("Participating members"),
        _("Number of members"),
        _("Invited departments"),
        _("Number of other attendees"),
        _("Other attendees"),
        _("Suggestions"),
        _("Number of photos"),
        _("State"),
    ]
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    rows = sessions.with_related().prefetch_related(
        Prefetch("members", queryset=Member.objects.only("pk", "name")), "suggestions"
    )
    for session in rows.iterator(chunk_size=500):
        members = [m.name for m in session.members.all()]
        suggestions = [s.text for s in session.suggestions.all()]
        sheet.append(
            [
                timezone.localtime(session.started_at).replace(tzinfo=None),
                session.venue.name,
                session.venue.township.name if session.venue.township else "",
                _safe(session.topic.title),
                session.get_form_display(),
                _safe(session.place),
                "、".join(members),
                len(members),
                _safe(session.departments),
                session.other_attendee_count,
                _safe(session.other_attendees),
                _safe("\n".join(f"{i}. {t}" for i, t in enumerate(suggestions, 1))),
                session.photo_count,
                session.get_state_display(),
            ]
        )
    response = HttpResponse(content_type=XLSX)
    filename = f"sessions-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response
