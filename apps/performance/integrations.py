"""Ledger sources and hooks from the apps that sit before performance in the dependency
chain (venues, consultation). Installed from `PerformanceConfig.ready()` when the app is
installed; each collector is one query (see `sources.py` for the contract)."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .collectors import Code
from .hooks import hooks
from .sources import Fact, register_collector


def collect_sessions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member taking part in a published consultation session. One query.

    The year is the session's local (Asia/Shanghai) year — Django's `__year` lookup
    reads datetimes in the current time zone: a session on 1 January at 00:30 local time
    belongs to the new year even though it is still 31 December in UTC.
    """
    Session = apps.get_model("consultation", "Session")
    through = Session.members.through
    rows = through.objects.filter(
        session__state=Session.State.PUBLISHED,
        session__started_at__year=year,
    ).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Session)
    for session_id, member_id, started_at, venue, topic in rows.values_list(
        "session_id",
        "member_id",
        "session__started_at",
        "session__venue__name",
        "session__topic__title",
    ):
        local = timezone.localtime(started_at).date()
        description = _("Consultation session at %(venue)s: %(topic)s") % {
            "venue": venue,
            "topic": topic or "—",
        }
        yield Fact(member_id, Code.SESSION, type_id, session_id, local, description)


def _project_date(actual_end, actual_start, planned_start):
    return actual_end or actual_start or planned_start


def collect_research_teams(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Serving on the team of a research project that got under way, dated by its end
    (else its start). One query."""
    ResearchProject = apps.get_model("consultation", "ResearchProject")
    through = ResearchProject.team.through
    in_year = (
        Q(researchproject__actual_end__year=year)
        | Q(researchproject__actual_end__isnull=True, researchproject__actual_start__year=year)
        | Q(
            researchproject__actual_end__isnull=True,
            researchproject__actual_start__isnull=True,
            researchproject__planned_start__year=year,
        )
    )
    rows = (
        through.objects.filter(in_year)
        .exclude(researchproject__status=ResearchProject.Status.PLANNED)
        .order_by()
    )
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(ResearchProject)
    for project_id, member_id, end, start, planned, title in rows.values_list(
        "researchproject_id",
        "member_id",
        "researchproject__actual_end",
        "researchproject__actual_start",
        "researchproject__planned_start",
        "researchproject__title",
    ):
        description = _("Research team: %(title)s") % {"title": title}
        date = _project_date(end, start, planned)
        yield Fact(member_id, Code.RESEARCH_TEAM, type_id, project_id, date, description)


def _project_years(project) -> list[int]:
    date = _project_date(project.actual_end, project.actual_start, project.planned_start)
    return [date.year] if date else []


def collect_suggestions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Proposing a suggestion (dated when raised) and, separately, a suggestion adopted
    in whole or in part (dated when decided); only suggestions raised to the committee
    (of a report, or of a session held: not a draft's or a returned one's). One query."""
    Suggestion = apps.get_model("consultation", "Suggestion")
    through = Suggestion.members.through
    adopted = [Suggestion.Outcome.ADOPTED, Suggestion.Outcome.PARTLY]
    rows = (
        through.objects.filter(
            Q(suggestion__raised_on__year=year)
            | Q(suggestion__outcome_on__year=year, suggestion__outcome__in=adopted)
        )
        .filter(suggestion__in=Suggestion.objects.raised().values("pk"))
        .order_by()
    )
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Suggestion)
    for suggestion_id, member_id, raised_on, outcome, outcome_on, text in rows.values_list(
        "suggestion_id",
        "member_id",
        "suggestion__raised_on",
        "suggestion__outcome",
        "suggestion__outcome_on",
        "suggestion__text",
    ):
        summary = text if len(text) <= 30 else f"{text[:30]}…"
        if raised_on and raised_on.year == year:
            description = _("Suggestion proposed: %(text)s") % {"text": summary}
            yield Fact(
                member_id, Code.SUGGESTION_PROPOSED, type_id, suggestion_id, raised_on, description
            )
        if outcome in adopted and outcome_on and outcome_on.year == year:
            description = _("Suggestion adopted: %(text)s") % {"text": summary}
            yield Fact(
                member_id, Code.SUGGESTION_ADOPTED, type_id, suggestion_id, outcome_on, description
            )


def _suggestion_years(suggestion) -> list[int]:
    return sorted({d.year for d in (suggestion.raised_on, suggestion.outcome_on) if d is not None})


def _session_years(session) -> list[int]:
    return [timezone.localtime(session.started_at).year] if session.started_at else []


def _member_townships() -> dict[int, str]:
    """{member id: township} of members stationed at a liaison office today. One query."""
    Assignment = apps.get_model("venues", "Assignment")
    return dict(
        Assignment.objects.current()
        .filter(venue__township__isnull=False)
        .values_list("member_id", "venue__township__name")
    )


def install() -> None:
    if apps.is_installed("apps.consultation"):
        Session = apps.get_model("consultation", "Session")
        register_collector(Code.SESSION, collect_sessions, watch={Session: _session_years})
        ResearchProject = apps.get_model("consultation", "ResearchProject")
        Suggestion = apps.get_model("consultation", "Suggestion")
        register_collector(
            Code.RESEARCH_TEAM, collect_research_teams, watch={ResearchProject: _project_years}
        )
        register_collector(
            "suggestions", collect_suggestions, watch={Suggestion: _suggestion_years}
        )
    if apps.is_installed("apps.venues"):
        from apps.venues.extensions import office_head_member_scope

        def office_head_members(user):
            return office_head_member_scope(user) or Q(pk__in=[])

        hooks.member_townships = _member_townships
        hooks.office_head_members = office_head_members
