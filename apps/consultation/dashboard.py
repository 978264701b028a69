"""Figures of the overview (staff and leaders) and the year statistics of the research
work. Each reads a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Figure

from .charts import livelihood_sessions
from .models import (
    Department,
    Instruction,
    Report,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)


def figures(user, *, year: int | None = None) -> list[Figure]:
    """The year's sessions (and the livelihood consultations among them) and suggestions
    for staff and leaders (default: the work year, as the research figures): three or
    four queries."""
    if not user.has_perm("consultation.view_session"):
        return []
    year = year or work_year()
    url = reverse("consultation:list")
    stats = Session.objects.aggregate(
        held=Count("pk", filter=Q(started_at__year=year, state__in=Session.HELD_STATES)),
        published=Count("pk", filter=Q(started_at__year=year, state=Session.State.PUBLISHED)),
        waiting=Count("pk", filter=Q(state=Session.State.SUBMITTED)),
    )
    livelihood = list(livelihood_sessions(year))
    suggestions = Suggestion.objects.filter(
        session__started_at__year=year, session__state__in=Session.HELD_STATES
    ).count()
    return [
        Figure(
            gettext("Consultation sessions held in %(year)s") % {"year": year},
            stats["held"],
            f"{url}?held=true&year={year}",
            hint=gettext("%(n)s published") % {"n": stats["published"]},
        ),
        Figure(
            gettext("Livelihood consultations in %(year)s") % {"year": year},
            len(livelihood),
            f"{url}?held=true&year={year}&category={Topic.Category.LIVELIHOOD}",
            hint=_("急难愁盼"),
            items=tuple(
                (f"{timezone.localtime(s.started_at):%m-%d} {s.topic.title}", s.get_absolute_url())
                for s in livelihood
            ),
        ),
        Figure(
            _("Sessions awaiting review"),
            stats["waiting"],
            f"{url}?state={Session.State.SUBMITTED}",
            warn=stats["waiting"] > 0,
        ),
        Figure(
            gettext("Suggestions from sessions in %(year)s") % {"year": year},
            suggestions,
            # The ledger lists exactly these (raised in the year of their held session).
            f"{reverse('consultation:suggestion_list')}?year={year}&source=session"
            if user.has_perm("consultation.view_suggestion")
            else f"{url}?year={year}",
        ),
    ]


def work_year(today: datetime.date | None = None) -> int:
    """The year the overview shows: this year once it has a research project, else the
    latest earlier year that has one (a finished year stays in view until the next one's
    work starts). One query."""
    return _work_year_counts(today)["year"]


def _work_year_counts(today: datetime.date | None = None) -> dict[str, int]:
    """The work year with its numbers of projects and reports: one query."""
    today = today or timezone.localdate()
    row = (
        ResearchProject.objects.filter(topic__year__lte=today.year)
        .values("topic__year")
        .annotate(projects=Count("pk", distinct=True), report_count=Count("reports"))
        .order_by("-topic__year")
        .first()
    )
    if row is None:
        return {"year": today.year, "projects": 0, "reports": 0}
    return {"year": row["topic__year"], "projects": row["projects"], "reports": row["report_count"]}


def research_figures(user, *, year: int | None = None) -> list[Figure]:
    """The research work of the work year (projects, reports, leaders' instructions,
    suggestions referred, replied, closed) and the suggestions of every year with an
    overdue referral; each figure links to a list of exactly that many rows. Five
    queries."""
    if not user.has_perm("consultation.view_suggestion"):
        return []
    work = _work_year_counts(datetime.date(year, 12, 31) if year else None)
    if year and work["year"] != year:  # a year without research projects
        work = {"year": year, "projects": 0, "reports": 0}
    year = work["year"]
    ledger = reverse("consultation:suggestion_list")
    projects = reverse("consultation:project_list")
    counts = suggestion_counts(year)
    overdue = Suggestion.objects.raised().overdue().count()
    year_ledger = f"{ledger}?year={year}"
    return [
        Figure(
            gettext("Research projects in %(year)s") % {"year": year},
            work["projects"],
            f"{projects}?year={year}",
            hint=_("Special research consultations"),
        ),
        Figure(
            gettext("Research reports in %(year)s") % {"year": year},
            work["reports"],
            f"{reverse('consultation:report_list')}?year={year}",
        ),
        Figure(
            gettext("Leaders' instructions (批示) in %(year)s") % {"year": year},
            Instruction.objects.for_user(user).in_year(year).count(),
            f"{reverse('consultation:instruction_list')}?year={year}",
        ),
        Figure(
            gettext("Suggestions in %(year)s") % {"year": year},
            counts["suggestions"],
            year_ledger,
            hint=gettext("%(n)s adopted") % {"n": counts["adopted"]},
        ),
        Figure(
            _("Suggestions referred"),
            counts["referred"],
            f"{year_ledger}&referred=true",
            hint=gettext("of %(year)s") % {"year": year},
        ),
        Figure(
            _("Suggestions replied"),
            counts["replied"],
            f"{year_ledger}&replied=true",
            hint=gettext("of %(year)s") % {"year": year},
        ),
        Figure(
            _("Suggestions handled and closed"),
            counts["closed"],
            f"{year_ledger}&progress={Suggestion.Progress.CLOSED}",
            hint=gettext("of %(year)s") % {"year": year},
        ),
        Figure(
            _("Suggestions with an overdue referral"),
            overdue,
            f"{ledger}?overdue=on",
            hint=_("Past due without a reply"),
            warn=overdue > 0,
        ),
    ]


def suggestion_counts(year: int) -> dict[str, int]:
    """Suggestions raised in `year` (of reports and held sessions: `raised()`, as the
    ledger): total, referred, replied (at least one reply), closed, adopted (fully or
    partly). One query."""
    return (
        Suggestion.objects.raised()
        .in_year(year)
        .with_progress()
        .aggregate(
            suggestions=Count("pk"),
            referred=Count("pk", filter=Q(referral_count__gt=0)),
            replied=Count("pk", filter=Q(replied_count__gt=0)),
            closed=Count("pk", filter=Q(progress=Suggestion.Progress.CLOSED)),
            adopted=Count("pk", filter=Q(outcome__in=Suggestion.ADOPTED_OUTCOMES)),
        )
    )


def year_statistics(year: int) -> dict:
    """The statistics page of a year: totals, by progress, by outcome, by category (the
    suggestions the ledger lists: `raised()`) and by department. Four queries whatever
    the numbers."""
    rows = list(
        Suggestion.objects.raised()
        .in_year(year)
        .with_progress()
        .values_list("category", "outcome", "progress", "replied_count", "overdue_count")
    )
    adopted = set(Suggestion.ADOPTED_OUTCOMES)
    by_category: dict[str, Counter] = {c: Counter() for c in Suggestion.Category.values}
    for category, outcome, progress, replied, overdue in rows:
        counter = by_category.setdefault(category, Counter())
        counter["total"] += 1
        counter["referred"] += progress != Suggestion.Progress.RAISED
        counter["replied"] += replied > 0
        counter["closed"] += progress == Suggestion.Progress.CLOSED
        counter["adopted"] += outcome in adopted
        counter["overdue"] += overdue > 0
    totals = sum(by_category.values(), Counter())
    progress = Counter(row[2] for row in rows)
    outcomes = Counter(row[1] for row in rows)
    labels = dict(Suggestion.Category.choices)
    departments = [
        d
        for d in Department.objects.with_stats(year=year).order_by("sort_order", "name")
        if d.referral_count or d.co_count
    ]
    return {
        "projects": ResearchProject.objects.in_year(year).count(),
        "reports": Report.objects.filter(project__topic__year=year).count(),
        "totals": {
            key: totals.get(key, 0)
            for key in ("total", "referred", "replied", "closed", "adopted", "overdue")
        },
        "by_progress": [(p, progress.get(p.value, 0)) for p in Suggestion.Progress],
        "by_outcome": [(o, outcomes.get(o.value, 0)) for o in Suggestion.Outcome]
        + [(None, outcomes.get("", 0))],
        "by_category": [
            (value, labels.get(value, value), counter)
            for value, counter in by_category.items()
            if counter["total"]
        ],
        "by_department": departments,
    }


def proposal_figures(user, *, year: int | None = None) -> list[Figure]:
    """Proposals of the year (default: the latest year with proposals; submitted,
    registered) and those overdue at a department, for readers of the register. Two
    queries."""
    if not user.has_perm("consultation.view_proposal"):
        return []
    from django.db.models import Max

    from .models import Proposal

    latest = Proposal.objects.submitted().aggregate(latest=Max("year"))["latest"]
    year = year or latest or timezone.localdate().year
    counts = (
        Proposal.objects.submitted()
        .with_status()
        .aggregate(
            submitted=Count("pk", filter=Q(year=year)),
            registered=Count("pk", filter=Q(year=year, state__in=Proposal.NUMBERED_STATES)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
        )
    )
    register = reverse("consultation:proposal_list")
    return [
        Figure(
            gettext("Proposals in %(year)s") % {"year": year},
            counts["submitted"],
            f"{register}?year={year}",
            hint=gettext("%(n)s registered") % {"n": counts["registered"]},
        ),
        Figure(
            _("Proposals overdue at a department"),
            counts["overdue"],
            f"{register}?overdue=on",
            warn=counts["overdue"] > 0,
        ),
    ]
