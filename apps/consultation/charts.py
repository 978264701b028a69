"""The consultation work of a year in pictures, for the overview and the annual report
(`registry.add_charts`): sessions per month and per township, venue activity through the
year, suggestion progress, and department replies. Each chart carries its table (see
`apps.core.registry.Chart`), and each row links to the list it counts."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Max
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.registry import Chart
from apps.venues.models import Township, Venue

from .models import Department, Proposal, Session, Suggestion, Topic

MONTHS = range(1, 13)


def record_year(today: datetime.date) -> int | None:
    """The latest year up to `today` with a held session: one query."""
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    last = Session.objects.held().filter(started_at__lte=end).aggregate(last=Max("started_at"))
    return timezone.localtime(last["last"]).year if last["last"] else None


def month_label(month: int) -> str:
    return _("%(month)s月") % {"month": month}


def session_charts(year: int) -> list[Chart]:
    """Sessions per month, venues active per month, sessions per township: two queries."""
    rows = list(
        Session.objects.held()
        .filter(started_at__year=year)
        .annotate(month=ExtractMonth("started_at"))
        .values("month", "venue__kind", "venue_id", "venue__township_id")
    )
    by_month = Counter(row["month"] for row in rows)
    offices: dict[int, set[int]] = {m: set() for m in MONTHS}
    homes: dict[int, set[int]] = {m: set() for m in MONTHS}
    for row in rows:
        target = offices if row["venue__kind"] == Venue.Kind.LIAISON_OFFICE else homes
        target[row["month"]].add(row["venue_id"])
    by_township = Counter(row["venue__township_id"] for row in rows)
    sessions = reverse("consultation:list")
    townships = [t for t in Township.objects.order_by("sort_order", "name") if by_township[t.pk]]
    return [
        Chart(
            "sessions-month",
            _("Consultation sessions per month, %(year)s") % {"year": year},
            (_("Month"), _("Sessions held")),
            tuple((month_label(m), by_month[m]) for m in MONTHS),
            urls=tuple(f"{sessions}?held=true&month={year}-{m:02d}" for m in MONTHS),
        ),
        Chart(
            "sessions-township",
            _("Consultation sessions per township, %(year)s") % {"year": year},
            (_("Township"), _("Sessions held")),
            tuple((t.name, by_township[t.pk]) for t in townships),
            urls=tuple(f"{sessions}?held=true&year={year}&township={t.pk}" for t in townships),
        ),
        Chart(
            "venue-activity",
            _("Venues holding sessions through %(year)s") % {"year": year},
            (_("Month"), _("Liaison offices"), _("Member homes")),
            tuple((month_label(m), len(offices[m]), len(homes[m])) for m in MONTHS),
            kind="line",
            urls=tuple(f"{sessions}?held=true&month={year}-{m:02d}" for m in MONTHS),
        ),
    ]


def suggestion_charts(year: int, today: datetime.date) -> list[Chart]:
    """Suggestion progress (raised → closed) and the departments' reply rates and overdue
    referrals: two queries."""
    progress = Counter(
        Suggestion.objects.raised().in_year(year).with_progress().values_list("progress", flat=True)
    )
    ledger = reverse("consultation:suggestion_list")
    departments = [
        d
        for d in Department.objects.with_stats(year=year, today=today).order_by(
            "sort_order", "name"
        )
        if d.referral_count
    ]
    return [
        Chart(
            "suggestion-progress",
            _("Suggestions of %(year)s by progress") % {"year": year},
            (_("Progress"), _("Suggestions")),
            tuple((str(p.label), progress.get(p.value, 0)) for p in Suggestion.Progress),
            urls=tuple(f"{ledger}?year={year}&progress={p.value}" for p in Suggestion.Progress),
        ),
        Chart(
            "department-replies",
            _("Department replies to the suggestions of %(year)s") % {"year": year},
            (_("Department"), _("Reply rate (%)"), _("Overdue referrals")),
            tuple(
                (d.name, round(100 * d.replied_count / d.referral_count), d.overdue_count)
                for d in departments
            ),
            percent=True,
            urls=tuple(d.get_absolute_url() + f"?year={year}" for d in departments),
        ),
    ]


def proposal_charts(user, year: int, today: datetime.date) -> list[Chart]:
    """The year's proposals `user` may read by progress (submitted → closed, as readers
    see each one's status) and by category, as the register lists them. One query."""
    proposals = list(
        Proposal.objects.for_user(user)
        .submitted()
        .filter(year=year)
        .with_status(today)
        .select_related("category")
        .only("state", "rating", "category__name", "category__sort_order")
    )
    if not proposals:
        return []
    register = reverse("consultation:proposal_list")
    status = Counter(p.status for p in proposals)
    states = [s for s in Proposal.State if s != Proposal.State.DRAFT]
    categories = Counter((p.category.sort_order, p.category.name, p.category_id) for p in proposals)
    ordered = sorted(categories)
    return [
        Chart(
            "proposal-progress",
            _("Proposals of %(year)s by progress") % {"year": year},
            (_("Progress"), _("Proposals")),
            tuple((str(s.label), status.get(s.value, 0)) for s in states),
            urls=tuple(f"{register}?year={year}&state={s.value}" for s in states),
        ),
        Chart(
            "proposal-categories",
            _("Proposals of %(year)s by category") % {"year": year},
            (_("Category"), _("Proposals")),
            tuple((name, categories[(order, name, pk)]) for order, name, pk in ordered),
            urls=tuple(f"{register}?year={year}&category={pk}" for _o, _n, pk in ordered),
        ),
    ]


def charts(user, *, year: int, today: datetime.date) -> list[Chart]:
    result: list[Chart] = []
    if user.has_perm("consultation.view_session"):
        result += session_charts(year)
    if user.has_perm("consultation.view_suggestion"):
        result += suggestion_charts(year, today)
    if user.has_perm("consultation.export_proposal"):
        result += proposal_charts(user, year, today)
    return result


def livelihood_sessions(year: int):
    """The year's held livelihood consultations (急难愁盼: sessions on a topic of that
    category), oldest first: one query."""
    return (
        Session.objects.held()
        .filter(started_at__year=year, topic__category=Topic.Category.LIVELIHOOD)
        .select_related("venue", "topic")
        .order_by("started_at", "pk")
    )
