"""What the consultation pages read, assembled: the session calendar's month, a topic's
projects and sessions, a project's timeline and summary, a report's suggestions, a
suggestion's referrals, a department's referrals by state, the figures of the year
statistics. The querysets and their scopes are in `managers.py` (every function here
starts from `for_user` where the page does); the views only add what the user may do.
Each docstring says its cost in queries."""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.members.models import Member
from apps.venues.models import Assignment, Venue

from .filters import parse_month
from .managers import ReferralQuerySet, month_bounds
from .models import (
    Department,
    Instruction,
    Referral,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

# --- sessions -------------------------------------------------------------------------------


def calendar_month(data: Mapping[str, Any], today: datetime.date) -> tuple[int, int]:
    """The (year, month) the calendar shows for the cleaned filter `data`: its month, else
    this month; with only a year other than this one, that year's January."""
    year, month = parse_month(data.get("month") or "") or (today.year, today.month)
    if not data.get("month") and data.get("year") and data["year"] != today.year:
        year, month = int(data["year"]), 1
    return year, month


@dataclass(frozen=True)
class SessionMonth:
    """A month of sessions: `weeks` are calendar rows (Monday first) of (day, sessions,
    in this month); `days` the days with sessions, in order."""

    first: datetime.date
    following: datetime.date
    weeks: list[list[tuple[datetime.date, list[Session], bool]]]
    days: list[tuple[datetime.date, list[Session]]]

    @property
    def previous(self) -> datetime.date:
        """The last day of the month before."""
        return self.first - datetime.timedelta(days=1)


def session_month(sessions: QuerySet[Session], year: int, month: int) -> SessionMonth:
    """The sessions among `sessions` that start in that month (local time), by day, with
    their venue and topic: one query."""
    first, following = month_bounds(year, month)
    tz = timezone.get_current_timezone()
    in_month = sessions.filter(
        started_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        started_at__lt=datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )
    by_day: defaultdict[datetime.date, list[Session]] = defaultdict(list)
    for session in in_month.select_related("venue", "topic").order_by("started_at"):
        by_day[timezone.localtime(session.started_at).date()].append(session)
    weeks = [
        [(day, by_day.get(day, []), day.month == month) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    return SessionMonth(
        first=first,
        following=following,
        weeks=weeks,
        days=[(day, by_day[day]) for day in sorted(by_day)],
    )


def session_history(session: Session, limit: int = 30) -> list:
    """The latest changes of a session, newest first, with who made them: one query."""
    return list(session.history.select_related("history_user").order_by("-history_date")[:limit])


def stationed_members(venues: QuerySet[Venue]) -> list[Member]:
    """The members stationed at those venues today, each once (the session form offers
    them without a search): one query."""
    today = timezone.localdate()
    assignments = (
        Assignment.objects.current(today).filter(venue__in=venues).select_related("member")
    )
    return list({a.member_id: a.member for a in assignments}.values())


# --- research -------------------------------------------------------------------------------

# The sessions listed on a topic's page (the total is shown beside them).
TOPIC_SESSIONS = 50


def topic_page(topic: Topic, user: User) -> dict[str, Any]:
    """A topic's research projects and its latest sessions, those the user may read, with
    the number of all its sessions: a fixed number of queries."""
    sessions = (
        Session.objects.for_user(user).filter(topic=topic).with_related().order_by("-started_at")
    )
    return {
        "projects": list(ResearchProject.objects.for_user(user).filter(topic=topic).with_related()),
        "sessions": list(sessions[:TOPIC_SESSIONS]),
        "session_total": sessions.count(),
        "session_limit": TOPIC_SESSIONS,
    }


def project_detail(user: User) -> QuerySet[ResearchProject]:
    """The projects the user may read, each with what its timeline shows prefetched:
    team, field visits (the sessions the user may read), reports, instructions and
    suggestions (those the user may read, with their referrals and departments: a row's
    progress and overdue referrals are derived from them, `project_summary`). Nine
    queries for one project whatever its numbers."""
    return (
        ResearchProject.objects.for_user(user)
        .select_related("topic", "lead_unit", "team_leader", "created_by")
        .prefetch_related(
            Prefetch("team", queryset=Member.objects.only("pk", "name").order_by("name_pinyin")),
            Prefetch(
                "visits",
                queryset=Session.objects.for_user(user)
                .select_related("venue", "topic")
                .order_by("started_at"),
            ),
            Prefetch(
                "reports",
                queryset=Report.objects.order_by("submitted_on", "pk").prefetch_related(
                    Prefetch(
                        "instructions",
                        queryset=Instruction.objects.order_by("instructed_on", "pk"),
                    ),
                    Prefetch(
                        "suggestions",
                        queryset=Suggestion.objects.for_user(user)
                        .order_by("pk")
                        .prefetch_related(
                            Prefetch(
                                "referrals",
                                queryset=Referral.objects.select_related("department")
                                .prefetch_related("co_departments")
                                .order_by("referred_on", "pk"),
                            )
                        ),
                    ),
                ),
            ),
        )
    )


def project_timeline(project: ResearchProject) -> list[dict]:
    """The chain of a project as dated events, oldest first: start, field visits, reports
    (with their suggestions), instructions, referrals, replies, closings, end. Reads only
    what `project_detail` prefetched: no query."""
    events: list[dict] = []

    def add(date, order, kind, **data):
        events.append({"date": date, "order": order, "kind": kind, **data})

    add(project.actual_start or project.planned_start, 0, "start", planned=not project.actual_start)
    for session in project.visits.all():
        add(timezone.localtime(session.started_at).date(), 1, "visit", session=session)
    for report in project.reports.all():
        add(report.submitted_on, 2, "report", report=report)
        for instruction in report.instructions.all():
            add(instruction.instructed_on, 3, "instruction", instruction=instruction, report=report)
        for number, suggestion in enumerate(report.suggestions.all(), start=1):
            for referral in suggestion.referrals.all():
                add(
                    referral.referred_on,
                    4,
                    "referral",
                    referral=referral,
                    suggestion=suggestion,
                    number=number,
                )
                if referral.replied_on:
                    add(
                        referral.replied_on,
                        5,
                        "reply",
                        referral=referral,
                        suggestion=suggestion,
                        number=number,
                    )
                if referral.closed_on:
                    add(
                        referral.closed_on,
                        6,
                        "closed",
                        referral=referral,
                        suggestion=suggestion,
                        number=number,
                    )
    if project.actual_end:
        add(project.actual_end, 7, "end")
    events.sort(key=lambda e: (e["date"], e["order"]))
    return events


def project_summary(project: ResearchProject, today: datetime.date | None = None) -> dict[str, Any]:
    """A project's reports, its number of suggestions, how many are at each progress
    and how many have an overdue referral (on `today`). Reads only what `project_detail`
    prefetched; each suggestion gets `overdue_count`, its referrals past due without a
    reply (`ReferralQuerySet.overdue`'s rule; its `progress` is derived from them too)."""
    today = today or timezone.localdate()
    reports = list(project.reports.all())
    suggestions: list[Any] = [s for r in reports for s in r.suggestions.all()]
    for s in suggestions:
        s.overdue_count = sum(r.is_overdue(today) for r in s.referrals.all())
    progress = Counter(s.progress for s in suggestions)
    return {
        "reports": reports,
        "suggestion_count": len(suggestions),
        "progress_counts": [(p, progress.get(p.value, 0)) for p in Suggestion.Progress],
        "overdue_count": sum(1 for s in suggestions if s.overdue_count),
    }


def report_detail(user: User) -> QuerySet[Report]:
    """The reports the user may read, with project, topic, lead unit, versions and
    instructions (and who saved or entered them): three queries for one report."""
    return (
        Report.objects.for_user(user)
        .select_related("project", "project__topic", "project__lead_unit", "created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ReportVersion.objects.select_related("created_by").order_by("-number"),
            ),
            Prefetch(
                "instructions",
                queryset=Instruction.objects.select_related("entered_by").order_by(
                    "instructed_on", "pk"
                ),
            ),
        )
    )


def report_suggestions(report: Report, user: User) -> list[Suggestion]:
    """The suggestions of a report the user may read, as ledger rows, in their order: a
    fixed number of queries."""
    return list(
        Suggestion.objects.for_user(user).filter(report=report).with_related().order_by("pk")
    )


# --- suggestions, referrals, departments ----------------------------------------------------


def subject_referrals(subject, user: User | None = None) -> list[Referral]:
    """Every referral of a subject (a suggestion, …), oldest first, with departments, who
    recorded the reply and the closing, the co-handling opinions and earlier rounds: four
    queries. With `user`, each gets `can_reply`, `can_close` and `can_reopen` (the rules
    of `handling.py`) for `consultation/_referral_card.html`."""
    from .handling import can_close, can_reopen, can_reply

    name = Referral.subject_field_for(subject)
    referrals = list(
        Referral.objects.filter(**{name: subject})
        .with_handling()
        .select_related("closed_by")
        .order_by("referred_on", "pk")
    )
    if user is not None:
        for referral in referrals:
            referral.can_reply = can_reply(user, referral)
            referral.can_close = can_close(user, referral)
            referral.can_reopen = can_reopen(user, referral)
    return referrals


def suggestion_referrals(suggestion: Suggestion, user: User | None = None) -> list[Referral]:
    return subject_referrals(suggestion, user)


REFERRAL_STATES: dict[str, Callable[[Any, datetime.date], Any]] = {
    "waiting": lambda qs, today: qs.waiting(),
    "overdue": lambda qs, today: qs.overdue(today),
    "due_soon": lambda qs, today: qs.due_soon(today=today),
    "replied": lambda qs, today: qs.replied().open(),
    "closed": lambda qs, today: qs.closed(),
}
# The state filter of a department's page, in its order ("": every referral).
REFERRAL_STATE_CHOICES = [
    ("", _("All")),
    ("waiting", _("Awaiting reply")),
    ("overdue", _("Overdue")),
    ("replied", _("Replied, not closed")),
    ("closed", _("Closed")),
]
# The state filter of a department user's own list (due soon added).
HANDLING_STATE_CHOICES = [
    *REFERRAL_STATE_CHOICES[:2],
    ("due_soon", _("Due soon")),
    *REFERRAL_STATE_CHOICES[2:],
]


def department_referral_rows(
    department: Department, state: str, today: datetime.date
) -> ReferralQuerySet:
    """The referrals a department handles, as lead or co-handling department, in `state`
    (a key of REFERRAL_STATES; anything else: all), newest first, as its pages list them
    (the department's page, a department user's handling list): the subject (its text or
    title), the lead department and the instruction joined, nothing else. A queryset: the
    page paginates it. Each joined table costs PostgreSQL planning time on every request:
    with ten years the ten-table join of `with_related()` took 12–18 ms, this 2 ms."""
    referrals = Referral.objects.for_department(department)
    if state in REFERRAL_STATES:
        referrals = REFERRAL_STATES[state](referrals, today)
    return referrals.select_related(*Referral.SUBJECT_FIELDS, "department", "instruction").order_by(
        "-referred_on", "-pk"
    )


def statistics_figures(year: int, stats: Mapping[str, Any]) -> list[tuple[Any, int, str]]:
    """The figures of the year statistics (from `dashboard.year_statistics`), each with
    the list that shows that many: (label, number, link or "" for none). No query."""
    totals = stats["totals"]
    ledger = f"{reverse('consultation:suggestion_list')}?year={year}"
    projects = f"{reverse('consultation:project_list')}?year={year}"
    return [
        (_("Research projects"), stats["projects"], projects),
        # No link: there is no list of reports (the projects' list counts projects).
        (_("Research reports"), stats["reports"], ""),
        (_("Suggestions"), totals["total"], ledger),
        (_("Referred"), totals["referred"], f"{ledger}&referred=true"),
        (_("Replied"), totals["replied"], f"{ledger}&replied=true"),
        (_("Closed"), totals["closed"], f"{ledger}&progress=closed"),
        (_("Adopted (fully or partly)"), totals["adopted"], f"{ledger}&outcome=adopted_any"),
        (_("With an overdue referral"), totals["overdue"], f"{ledger}&overdue=on"),
    ]
