"""The annual work report's content, in the order a 常委会工作报告 is written: the places,
the people, the work, the rules, the office itself.

Each chapter is a tuple of parts; a part is a function `part(user, *, year, today)` that
returns a `Part` (figures, each linked to the list it counts; charts with their tables;
named items such as the livelihood consultations) or None when the user may not see it
or there is nothing to say. Reports sits on top of the stack and imports what it reads:
a later app (proposals, 社情民意) adds its part by writing one function and adding it to
its chapter below — the page, the .docx and the tests pick it up.

Most figures are the overview's own (each app's `dashboard.figures`), so the report and
the overview cannot disagree; every figure's link shows the same number (tested).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import dashboard as accounts_dashboard
from apps.consultation import charts as consultation_charts
from apps.consultation import dashboard as consultation_dashboard
from apps.consultation.models import OpinionIssue, OpinionItem, Proposal, Topic
from apps.consultation.sections import idle_office_figures
from apps.core import versions
from apps.core.registry import Chart, Figure
from apps.members import dashboard as members_dashboard
from apps.members.models import Member, Sector
from apps.performance import charts as performance_charts
from apps.performance import dashboard as performance_dashboard
from apps.performance.models import DutyReport, StudySession
from apps.performance.office_selectors import liaison_office_scores, office_charts
from apps.performance.selectors import rotation_overview
from apps.venues import dashboard as venues_dashboard


@dataclass
class Part:
    title: Any
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # (label, url) of things named one by one (the livelihood consultations).
    items: list[tuple[str, str]] = field(default_factory=list)


PartFn = Callable[..., Part | None]


@dataclass(frozen=True)
class Chapter:
    key: str
    title: Any
    parts: tuple[PartFn, ...]


# --- the places -----------------------------------------------------------------------


def places(user, *, year: int, today: datetime.date) -> Part | None:
    if not user.has_perm("venues.view_venue"):
        return None
    figures = [
        *venues_dashboard.figures(user),
        *idle_office_figures(user, year=year, today=today),
    ]
    return Part(_("Member homes and liaison offices"), figures=figures)


def sessions(user, *, year: int, today: datetime.date) -> Part | None:
    if not user.has_perm("consultation.view_session"):
        return None
    figures = [
        f
        for f in consultation_dashboard.figures(user, year=year)
        if not f.url.endswith("state=submitted")  # the review queue is today's, not the year's
    ]
    livelihood = next((f for f in figures if f.items), None)
    return Part(
        _("Consultation sessions"),
        figures=figures,
        charts=[
            c
            for c in consultation_charts.session_charts(year)
            if c.key in ("sessions-township", "sessions-month", "venue-activity")
        ],
        items=list(livelihood.items) if livelihood else [],
    )


# How many offices the report names at the top and at the bottom of the ranking.
OFFICES_NAMED = 3


def office_scores(user, *, year: int, today: datetime.date) -> Part | None:
    """The liaison offices' ranking of the year (the office evaluation): how many were
    scored, the top and the bottom OFFICES_NAMED, each linked to its breakdown, and the
    ranking's chart. Two queries."""
    if not user.has_perm("performance.view_officerule"):
        return None
    scores = liaison_office_scores(year)
    if not scores:
        return None
    ranking = reverse("performance:office_list", args=[year])
    named = (
        scores
        if len(scores) <= 2 * OFFICES_NAMED
        else [
            *scores[:OFFICES_NAMED],
            *scores[-OFFICES_NAMED:],
        ]
    )
    best, worst = scores[0], scores[-1]
    return Part(
        _("Scores of the liaison offices"),
        figures=[
            Figure(_("Liaison offices scored in %(year)s") % {"year": year}, len(scores), ranking),
            Figure(
                _("Highest score"),
                f"{best.venue.name} {best.total}",
                best.get_absolute_url(),
            ),
            Figure(
                _("Lowest score"),
                f"{worst.venue.name} {worst.total}",
                worst.get_absolute_url(),
            ),
        ],
        items=[
            (
                _("No. %(rank)s %(venue)s: %(total)s points")
                % {"rank": s.rank, "venue": s.venue.name, "total": s.total},
                s.get_absolute_url(),
            )
            for s in named
        ],
        charts=office_charts(user, year=year, today=today),
    )


# --- the people -----------------------------------------------------------------------


def people(user, *, year: int, today: datetime.date) -> Part | None:
    if not user.has_perm("members.view_member"):
        return None
    figures = list(members_dashboard.figures(user, year=year, today=today))
    roster = reverse("members:list")
    sectors = list(
        Sector.objects.annotate(
            n=Count(
                "members",
                filter=Q(members__term=settings.CURRENT_TERM, members__status=Member.Status.ACTIVE),
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    chart = Chart(
        "sectors",
        _("Members per sector"),
        (_("Sector"), _("Members")),
        tuple((s.name, s.n) for s in sectors),
        urls=tuple(f"{roster}?sector={s.pk}" for s in sectors),
    )
    return Part(_("Members, sectors and pairings"), figures=figures, charts=[chart])


# --- the work -------------------------------------------------------------------------


def research(user, *, year: int, today: datetime.date) -> Part | None:
    if not user.has_perm("consultation.view_suggestion"):
        return None
    topics = Topic.objects.filter(year=year).count()
    figures = [
        Figure(
            _("Topics of %(year)s") % {"year": year},
            topics,
            f"{reverse('consultation:topic_list')}?year={year}",
        ),
        *consultation_dashboard.research_figures(user, year=year),
    ]
    return Part(
        _("Topics, research, suggestions and their handling"),
        figures=figures,
        charts=consultation_charts.suggestion_charts(year, today),
    )


def proposals(user, *, year: int, today: datetime.date) -> Part | None:
    """The year's proposals: submitted, registered (立案, whatever came after), key,
    overdue today; the progress and category charts. One query and the charts'."""
    if not user.has_perm("consultation.export_proposal"):
        return None
    State = Proposal.State
    counts = (
        Proposal.objects.for_user(user)
        .submitted()
        .filter(year=year)
        .with_status(today)
        .aggregate(
            submitted=Count("pk"),
            key=Count("pk", filter=Q(is_key=True)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
            not_registered=Count("pk", filter=Q(state=State.NOT_REGISTERED)),
        )
    )
    if not counts["submitted"]:
        return None
    register = reverse("consultation:proposal_list")
    figures = [
        Figure(
            _("Proposals submitted in %(year)s") % {"year": year},
            counts["submitted"],
            f"{register}?year={year}",
        ),
        Figure(
            _("Not registered"),
            counts["not_registered"],
            f"{register}?year={year}&state={State.NOT_REGISTERED}",
        ),
        Figure(_("Key proposals (重点提案)"), counts["key"], f"{register}?year={year}&key=true"),
        Figure(
            _("Overdue at a department today"),
            counts["overdue"],
            f"{register}?year={year}&overdue=true",
        ),
    ]
    return Part(
        _("Proposals and their handling"),
        figures=figures,
        charts=consultation_charts.proposal_charts(user, year, today),
    )


def opinions(user, *, year: int, today: datetime.date) -> Part | None:
    """社情民意 of the year: items reported (by members, by liaison offices), adopted by
    the county, adopted higher up, with an instruction; the issues compiled. Each figure
    links to the list it counts. Two queries."""
    if not user.has_perm("consultation.export_opinionitem"):
        return None
    counts = OpinionItem.objects.for_user(user).submitted().in_year(year).counts()
    if not counts["total"]:
        return None
    issues = OpinionIssue.objects.for_user(user).filter(year=year).count()
    listed = f"{reverse('consultation:opinion_list')}?year={year}"
    return Part(
        _("Public opinion (社情民意)"),
        figures=[
            Figure(_("Items reported in %(year)s") % {"year": year}, counts["total"], listed),
            Figure(
                _("Reported by liaison offices for residents"),
                counts["by_offices"],
                f"{listed}&source=office",
            ),
            Figure(_("Adopted by the committee"), counts["adopted"], f"{listed}&state=adopted"),
            Figure(_("Adopted by a higher level"), counts["higher"], f"{listed}&level=higher"),
            Figure(
                _("Adopted items with a leader's instruction"),
                counts["instructed"],
                f"{listed}&state=adopted&instructed=true",
            ),
            Figure(
                _("Bulletin issues compiled"),
                issues,
                f"{reverse('consultation:opinion_issue_list')}?year={year}",
                hint=_("《襄城政协·社情民意》"),
            ),
        ],
    )


# --- the rules ------------------------------------------------------------------------


def duties(user, *, year: int, today: datetime.date) -> Part | None:
    if not user.has_perm("performance.view_meeting"):
        return None
    figures = list(performance_dashboard.figures(user, year=year))
    reports = DutyReport.objects.submitted().filter(year=year)
    figures.append(
        Figure(
            _("Duty reports submitted for %(year)s") % {"year": year},
            reports.count(),
            reverse("performance:dutyreport_list") + f"?year={year}",
            hint=", ".join(
                f"{DutyReport.Rating(r).label} {n}"
                for r, n in reports.exclude(rating="")
                .values_list("rating")
                .annotate(n=Count("pk"))
                .values_list("rating", "n")
            ),
        )
    )
    rotation = rotation_overview(settings.CURRENT_TERM)
    figures.append(
        Figure(
            _("Members who have attended as 列席 this term"),
            f"{rotation.attended_any}/{rotation.candidates}",
            reverse("performance:batch_list"),
            hint=_("%(n)s not yet invited") % {"n": rotation.not_invited},
        )
    )
    return Part(
        _("Duty reports, evaluation and 列席 rotation"),
        figures=figures,
        charts=performance_charts.charts(user, year=year, today=today),
    )


# --- the office -----------------------------------------------------------------------


def office(user, *, year: int, today: datetime.date) -> Part | None:
    figures = list(accounts_dashboard.figures(user))
    if user.has_perm("performance.view_studysession"):
        figures.append(
            Figure(
                _("Study sessions in %(year)s") % {"year": year},
                StudySession.objects.of_year(year).count(),
                reverse("performance:study_list") + f"?year={year}",
            )
        )
    return Part(_("Units, posts and study"), figures=figures) if figures else None


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("places", gettext_lazy("The places"), (places, sessions, office_scores)),
    Chapter("people", gettext_lazy("The people"), (people,)),
    Chapter("work", gettext_lazy("The work"), (research, proposals, opinions)),
    Chapter("rules", gettext_lazy("The rules"), (duties,)),
    Chapter("office", gettext_lazy("The office"), (office,)),
)


@dataclass
class FilledChapter:
    key: str
    title: Any
    parts: list[Part]


def report(user, *, year: int, today: datetime.date | None = None) -> list[FilledChapter]:
    """The year's report as `user` may read it: the chapters with their parts. Computed
    once per data version (`apps.core.versions`: every committed write of a record moves
    it) and cached under the user, their permissions, the year, the day and the language,
    like the overview's figures: some forty counting queries otherwise on every visit."""
    today = today or timezone.localdate()
    parts = [
        str(user.pk),
        versions.permissions_key(user),
        str(year),
        today.isoformat(),
        translation.get_language() or "",
    ]
    return versions.cached("report", parts, lambda: _report(user, year=year, today=today))


def _report(user, *, year: int, today: datetime.date) -> list[FilledChapter]:
    chapters = []
    for chapter in CHAPTERS:
        parts = [p for p in (fn(user, year=year, today=today) for fn in chapter.parts) if p]
        if parts:
            chapters.append(FilledChapter(chapter.key, chapter.title, parts))
    return chapters
