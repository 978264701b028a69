"""Statistics of a sitting's proposals (submitted, registered rate, replied,
satisfaction, by category and department, overdue) and the sittings a picker offers.
A fixed number of queries whatever the numbers."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from apps.core.numbers import is_number

from .models import Proposal, Referral, sitting_label


@dataclass(frozen=True)
class Sitting:
    term: int
    year: int
    sitting: int

    @property
    def label(self) -> str:
        return f"{self.year} · {sitting_label(self.term, self.sitting)}"

    @property
    def key(self) -> str:
        """The `?s=` value naming the sitting: term-year-sitting."""
        return f"{self.term}-{self.year}-{self.sitting}"


def sittings() -> list[Sitting]:
    """Every sitting with a submitted proposal, newest first. One query."""
    rows = (
        Proposal.objects.submitted()
        .values_list("term", "year", "sitting")
        .distinct()
        .order_by("-year", "-sitting", "-term")
    )
    return [Sitting(*row) for row in rows]


def selected_sitting(params, available: list[Sitting]) -> Sitting | None:
    """`?s=term-year-sitting` when it names one of `available`, else the newest."""
    parts = str(params.get("s", "")).split("-")
    wanted = (
        Sitting(*(int(p) for p in parts))
        if len(parts) == 3 and all(is_number(p) for p in parts)
        else None
    )
    if wanted in available:
        return wanted
    return available[0] if available else None


def sitting_statistics(sitting: Sitting, today: datetime.date | None = None) -> dict:
    """Totals, by state, by rating, by category, by department of one sitting. Three
    queries."""
    today = today or timezone.localdate()
    proposals = list(
        Proposal.objects.submitted()
        .of_sitting(term=sitting.term, year=sitting.year, sitting=sitting.sitting)
        .with_status(today)
        .order_by("category__sort_order", "category__name")
        .values_list("state", "rating", "category__name", "has_reply", "is_overdue", "is_key")
    )
    State = Proposal.State
    totals: Counter = Counter()
    by_category: dict[str, Counter] = {}
    for state, rating, category, has_reply, overdue, key in proposals:
        counter = by_category.setdefault(category, Counter())
        for c in (totals, counter):
            c["submitted"] += 1
            c["registered"] += state in Proposal.NUMBERED_STATES
            c["not_registered"] += state == State.NOT_REGISTERED
            c["merged"] += state == State.MERGED
            c["assigned"] += state in (State.ASSIGNED, State.CLOSED)
            c["replied"] += state == State.CLOSED or bool(has_reply)
            c["closed"] += state == State.CLOSED
            c["overdue"] += bool(overdue)
            c["key"] += bool(key)
            if rating and state == State.ASSIGNED:  # rated, not closed yet
                c[f"rating_{rating}"] += 1
    # Ratings of the closed referrals (each round; a reply closed unrated after the grace
    # period counts as basically satisfied) and of the rated open ones.
    referrals = Referral.objects.filter(
        proposal__term=sitting.term, proposal__year=sitting.year, proposal__sitting=sitting.sitting
    )
    ratings = Counter(
        dict(
            referrals.exclude(satisfaction="")
            .values_list("satisfaction")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    departments = (
        referrals.values("department__name", "department__sort_order")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=Q(replied_on__isnull=False)),
            overdue=Count("pk", filter=Q(replied_on__isnull=True, due_on__lt=today)),
            a=Count("pk", filter=Q(implementation="A")),
            b=Count("pk", filter=Q(implementation="B")),
            c=Count("pk", filter=Q(implementation="C")),
            satisfied=Count("pk", filter=Q(satisfaction=Proposal.Rating.SATISFIED)),
            unsatisfied=Count("pk", filter=Q(satisfaction=Proposal.Rating.UNSATISFIED)),
        )
        .order_by("department__sort_order", "department__name")
    )
    submitted = totals["submitted"]
    return {
        "totals": totals,
        "registered_rate": round(100 * totals["registered"] / submitted, 1) if submitted else 0,
        "replied_rate": round(100 * totals["replied"] / totals["assigned"], 1)
        if totals["assigned"]
        else 0,
        "ratings": [
            (r, ratings.get(r.value, 0) + totals[f"rating_{r.value}"]) for r in Proposal.Rating
        ],
        "by_category": list(by_category.items()),  # in the categories' order
        "by_department": list(departments),
    }
