"""The session list and the suggestion ledger as .xlsx files through the one export
helper (`apps.core.spreadsheets.xlsx_download`: title row, frozen header, 序号, widths,
date cells, streamed through a temp file); a fixed number of queries (prefetches run per
chunk of 500 rows)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.spreadsheets import Sheet, xlsx_download
from apps.members.models import Member

from .models import Suggestion


def sessions_workbook(request, sessions, *, filter_text: str = "") -> FileResponse:
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
    rows = sessions.with_related().prefetch_related(
        Prefetch("members", queryset=Member.objects.only("pk", "name")), "suggestions"
    )

    def session_rows():
        for session in rows.iterator(chunk_size=500):
            members = [m.name for m in session.members.all()]
            suggestions = [s.text for s in session.suggestions.all()]
            yield [
                session.started_at,
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

    stamp = f"{timezone.localdate():%Y%m%d}"
    title = _("Consultation sessions")
    return xlsx_download(
        request,
        Sheet(title, headers, session_rows()),
        title=title,
        filter_text=filter_text,
        filename=f"sessions-{stamp}.xlsx",
        display_name=f"{title}-{stamp}.xlsx",
    )


def suggestions_ledger_workbook(request, suggestions, *, filter_text: str = "") -> FileResponse:
    """The suggestion ledger (a queryset with `with_progress()`): one row per suggestion
    with its source, proposers, outcome, progress and referrals (lead and co-handling
    departments, dates, replies, satisfaction). Four queries per 500 rows."""

    today = timezone.localdate()
    headers = [
        _("Suggestion no."),
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
    rows = suggestions.with_sources().with_people_and_referrals()
    yes, no = _("Yes"), _("No")

    def joined(referrals, value) -> str:
        return "\n".join(value(r) for r in referrals)

    def day(value) -> str:
        return value.isoformat() if value else ""

    def single(referrals, value):
        """One referral's date as a date cell; several as lines of text."""
        if len(referrals) == 1:
            return value(referrals[0])
        return joined(referrals, lambda r: day(value(r)))

    def ledger_rows():
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
            yield [
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
                single(referrals, lambda r: r.referred_on),
                single(referrals, lambda r: r.due_on),
                single(referrals, lambda r: r.replied_on),
                joined(referrals, lambda r: r.get_implementation_display()),
                joined(referrals, lambda r: r.reply_text.replace("\n", " ")),
                joined(referrals, lambda r: r.get_satisfaction_display() if r.satisfaction else ""),
                single(referrals, lambda r: r.closed_on),
                yes if any(r.is_overdue(today) for r in referrals) else no,
            ]

    title = _("Suggestion ledger")
    return xlsx_download(
        request,
        Sheet(title, headers, ledger_rows()),
        title=title,
        filter_text=filter_text,
        filename=f"suggestions-{today:%Y%m%d}.xlsx",
        display_name=f"{title}-{today:%Y%m%d}.xlsx",
    )
