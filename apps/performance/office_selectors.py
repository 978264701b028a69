"""Page assembly of the office evaluation: the year's ranking (liaison offices and member
homes apart, each with its chart), a venue's score on its own page and on the office
head's home page. Who reads what: the totals and ranks for staff, leaders and office heads
(`OfficeScoreQuerySet.for_user`); the lines behind a total only for staff, leaders and the
venue's own office heads (`office_scope_q`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.roles import sees_everything
from apps.core.registry import Chart
from apps.venues.managers import managed_venue_ids
from apps.venues.models import Venue

from .office_models import OfficeRule, OfficeScore


def breakdown_ids(user) -> frozenset[int] | None:
    """The venues whose breakdown `user` may open: None for every venue (staff, leaders),
    else the venues they manage. One query at most (cached per request)."""
    return None if sees_everything(user) else managed_venue_ids(user)


@dataclass
class Ranking:
    """One kind's ranking of a year: its scores in rank order and its chart."""

    kind: str
    label: Any
    scores: list[OfficeScore] = field(default_factory=list)
    chart: Chart | None = None


def office_rankings(user, *, year: int) -> list[Ranking]:
    """The year's rankings, liaison offices first, then member homes: each score with
    `link` (its breakdown, if `user` may open it) and `is_mine`. One query, two at most."""
    scores = list(
        OfficeScore.objects.for_user(user)
        .of_year(year)
        .with_related()
        .order_by("rank", "venue__sort_order", "venue__name")
    )
    allowed = breakdown_ids(user) if scores else frozenset()
    mine = managed_venue_ids(user)
    rankings = [
        Ranking(Venue.Kind.LIAISON_OFFICE, _("Liaison offices")),
        Ranking(Venue.Kind.MEMBER_HOME, _("Member homes")),
    ]
    by_kind = {ranking.kind: ranking for ranking in rankings}
    for score in scores:
        score.is_mine = score.venue_id in mine
        score.link = (
            score.get_absolute_url() if allowed is None or score.venue_id in allowed else ""
        )
        if score.venue.kind in by_kind:
            by_kind[score.venue.kind].scores.append(score)
    for ranking in rankings:
        ranking.chart = score_chart(ranking, year=year)
    return rankings


def score_chart(ranking: Ranking, *, year: int) -> Chart:
    """The kind's totals in rank order (the table under the chart is the ranking's)."""
    titles: dict[str, str] = {
        Venue.Kind.LIAISON_OFFICE: _("Liaison office scores, %(year)s"),
        Venue.Kind.MEMBER_HOME: _("Member home scores, %(year)s"),
    }
    title = titles[ranking.kind] % {"year": year}
    return Chart(
        f"scores-{ranking.kind}",
        title,
        (_("Venue"), _("Score")),
        tuple((s.venue.name, float(s.total)) for s in ranking.scores),
        urls=tuple(s.link for s in ranking.scores),
    )


def rule_years() -> list[int]:
    """The years with office rules, newest first. One query."""
    return list(OfficeRule.objects.order_by("-year").values_list("year", flat=True).distinct())


def venue_score(venues: Sequence[Venue], *, request, year: int, **_page: Any) -> dict[str, Any]:
    """A venue's page (`venues:detail`, shown to those who see the ranking): its score
    and rank of `year` among its kind and the link to its breakdown for those who may
    read it. One query (the kind's scores: 16 at most)."""
    (venue, *_rest) = venues
    user = request.user
    scores = list(
        OfficeScore.objects.for_user(user)
        .filter(year=year, venue__kind=venue.kind)
        .order_by()
        .only("pk", "year", "venue_id", "total", "rank")
    )
    score = next((s for s in scores if s.venue_id == venue.pk), None)
    if score is None:
        return {"office_score": None}
    allowed = breakdown_ids(user)
    return {
        "office_score": score,
        "office_score_population": len(scores),
        "office_score_link": (
            score.get_absolute_url() if allowed is None or venue.pk in allowed else ""
        ),
    }


def my_office_scores(user) -> dict[str, Any]:
    """The office head's home section: the latest scored year and the score and rank of
    each venue they manage, with the size of its ranking. Three queries."""
    venue_ids = managed_venue_ids(user)
    if not venue_ids:
        return {"scores": []}
    year = OfficeScore.objects.aggregate(year=Max("year"))["year"]
    if year is None:
        return {"scores": []}
    scores = list(
        OfficeScore.objects.filter(year=year, venue_id__in=venue_ids)
        .select_related("venue")
        .order_by("venue__sort_order", "venue__name")
    )
    sizes = dict(
        OfficeScore.objects.filter(year=year)
        .values_list("venue__kind")
        .annotate(n=Count("pk"))
        .values_list("venue__kind", "n")
    )
    for score in scores:
        score.population = sizes.get(score.venue.kind, 0)
    return {
        "year": year,
        "scores": scores,
        "ranking_url": reverse("performance:office_list", args=[year]),
    }


def liaison_office_scores(year: int) -> list[OfficeScore]:
    """The liaison offices' scores of `year` in rank order, venues joined. One query."""
    return list(
        OfficeScore.objects.of_year(year)
        .filter(venue__kind=Venue.Kind.LIAISON_OFFICE)
        .select_related("venue")
        .order_by("rank", "venue__sort_order", "venue__name")
    )


def office_charts(user, *, year: int, today) -> list[Chart]:
    """The overview's and the annual report's chart of the year: the liaison offices'
    scores in rank order, for staff and leaders (`registry.add_charts`). One query."""
    if not user.has_perm("performance.view_officescoreline"):
        return []
    scores = liaison_office_scores(year)
    if not scores:
        return []
    for score in scores:
        score.link = score.get_absolute_url()
    ranking = Ranking(Venue.Kind.LIAISON_OFFICE, _("Liaison offices"), scores)
    return [score_chart(ranking, year=year)]
