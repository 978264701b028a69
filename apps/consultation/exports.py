"""The session list and the suggestion ledger as .xlsx files: openpyxl's write-only mode,
so memory stays flat with the number of rows; a fixed number of queries (prefetches run
per chunk of 500 rows)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from apps.core.spreadsheets import text_safe_row, workbook_bytes, xlsx_response
from apps.members.models import Member

from .models import Suggestion


def _sheet(title: str, headers: list[str]):
    """A write-only workbook with one sheet whose first row is `headers` in bold."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    return workbook, sheet


def sessions_workbook(sessions) -> HttpResponse:
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
    workbook, sheet = _sheet(_("Consultation sessions"), headers)
    rows = sessions.with_related().prefetch_related(
        Prefetch("members", queryset=Member.objects.only("pk", "name")), "suggestions"
    )
    for session in rows.iterator(chunk_size=500):
        members = [m.name for m in session.members.all()]
        suggestions = [s.text for s in session.suggestions.all()]
        row = [
            timezone.localtime(session.started_at).replace(tzinfo=None),
            session.venue.name,
            session.venue.township.name if session.venue.township else "",
            session.topic.title,
            session.get_form_display(),
            session.place,
            "、".join(members),
            len(members),
            session.departments,
            session.other_attendee_count,
            session.other_attendees,
            "\n".join(f"{i}. {t}" for i, t in enumerate(suggestions, 1)),
            session.photo_count,
            session.get_state_display(),
        ]
        sheet.append(text_safe_row(sheet, row))
    filename = f"sessions-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(workbook_bytes(workbook), filename=filename)


def suggestions_ledger_workbook(suggestions) -> HttpResponse:
    """The suggestion ledger (a queryset with `with_progress()`): one row per suggestion
    with its source, proposers, outcome, progress and referrals (lead and co-handling
    departments, dates, replies, satisfaction). Four queries per 500 rows."""

    today = timezone.localdate()
    headers = [
        _("No."),
        _("Raised on"),
        _("Comes from"),
        _("Research project"),
        _("Suggestion"),
        _("Category"),
        _("Proposed by"),
        _("Outcome"),
        _("Progress"),
        _("Lead department"),
        _("Co-handling departments"),
        _("Referred on"),
        _("Reply due by"),
        _("Replied on"),
        _("Implementation"),
        _("Reply"),
        _("Proposers' satisfaction"),
        _("Closed on"),
        _("Overdue"),
    ]
    workbook, sheet = _sheet(_("Suggestion ledger"), headers)
    rows = suggestions.with_sources().with_people_and_referrals()
    yes, no = _("Yes"), _("No")

    def joined(referrals, value) -> str:
        return "\n".join(value(r) for r in referrals)

    def day(value) -> str:
        return value.isoformat() if value else ""

    for suggestion in rows.iterator(chunk_size=500):
        referrals = list(suggestion.referrals.all())
        if suggestion.report_id:
            source = suggestion.report.title
            project = suggestion.report.project.title
        elif suggestion.proposal_id:
            source, project = _("Proposal not registered"), ""
        else:
            session = suggestion.session
            source = f"{session.venue.name} · {session.topic.title}"
            project = ""
        row = [
            suggestion.pk,
            suggestion.raised_on,
            source,
            project,
            suggestion.text,
            suggestion.get_category_display(),
            "、".join(m.name for m in suggestion.members.all()),
            suggestion.get_outcome_display() if suggestion.outcome else "",
            str(Suggestion.Progress(suggestion.progress).label),
            joined(referrals, lambda r: r.department.name),
            joined(referrals, lambda r: "、".join(d.name for d in r.co_departments.all())),
            joined(referrals, lambda r: day(r.referred_on)),
            joined(referrals, lambda r: day(r.due_on)),
            joined(referrals, lambda r: day(r.replied_on)),
            joined(referrals, lambda r: r.implementation),
            joined(referrals, lambda r: r.reply_text.replace("\n", " ")),
            joined(referrals, lambda r: r.get_satisfaction_display() if r.satisfaction else ""),
            joined(referrals, lambda r: day(r.closed_on)),
            yes if any(r.is_overdue(today) for r in referrals) else no,
        ]
        sheet.append(text_safe_row(sheet, row))
    return xlsx_response(workbook_bytes(workbook), filename=f"suggestions-{today:%Y%m%d}.xlsx")
