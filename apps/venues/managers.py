"""Querysets of the venues app: named scopes, `with_related()` per page and `for_user(user)`.

Who manages a venue is `Venue.managers`; `managed_venue_ids(user)` reads it once per
request. The session figures of the venue list come from the consultation app's
`Session` through the `sessions` relation (looked up by name: venues imports nothing
of consultation, the arrow points one way)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.roles import is_office_head, is_staff_user, sees_everything

if TYPE_CHECKING:
    from apps.accounts.models import User


def managed_venue_ids(user: User) -> frozenset[int]:
    """Ids of the venues `user` manages; one query per request (cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_managed_venue_ids", None)
    if cached is None:
        cached = frozenset(user.managed_venues.values_list("pk", flat=True))
        user._managed_venue_ids = cached
    return cached


def manages_venue(user: User, venue_id: int | None) -> bool:
    return venue_id is not None and venue_id in managed_venue_ids(user)


def _count(queryset: models.QuerySet, field: str = "venue") -> Subquery:
    """COUNT(*) of `queryset` (already filtered on OuterRef) as a subquery: no join
    multiplies the rows of the outer query."""
    return Subquery(
        queryset.order_by().values(field).annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


class VenueQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def offices(self):
        return self.filter(kind=self.model.Kind.LIAISON_OFFICE)

    def homes(self):
        return self.filter(kind=self.model.Kind.MEMBER_HOME)

    def managed_by(self, user: User):
        """The venues whose sessions `user` logs (none for anonymous users)."""
        return self.filter(pk__in=managed_venue_ids(user))

    def for_user(self, user: User):
        """Venues a user may open: staff every venue; leaders and office heads the active
        ones (an office head reads other venues' published sessions); others none."""
        if is_staff_user(user):
            return self
        if sees_everything(user) or is_office_head(user):
            return self.filter(Q(is_active=True) | Q(pk__in=managed_venue_ids(user)))
        return self.none()

    def with_related(self):
        return self.select_related("township", "director")

    def with_activity(self, *, year: int, today: datetime.date | None = None):
        """Annotate `stationed_count` (members stationed today), `sessions_in_year` (sessions
        held in `year`: submitted or published) and `last_session_at` (the latest held
        session): three subqueries in the same query, whatever the number of venues."""
        from .models import Assignment

        today = today or timezone.localdate()
        session_model = apps.get_model("consultation", "Session")
        held = session_model.objects.held().filter(venue=OuterRef("pk"))
        return self.annotate(
            stationed_count=Coalesce(
                _count(Assignment.objects.current(today).filter(venue=OuterRef("pk"))), 0
            ),
            sessions_in_year=Coalesce(_count(held.filter(started_at__year=year)), 0),
            last_session_at=Subquery(
                held.order_by().values("venue").annotate(last=Max("started_at")).values("last")
            ),
        )


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def current(self, today: datetime.date | None = None):
        """Assignments running on `today` (default: today in Asia/Shanghai)."""
        today = today or timezone.localdate()
        return self.filter(
            Q(started_on__lte=today), Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )

    def member_townships(self) -> dict[int, str]:
        """{member id: township name} of these assignments at a township's venue (call it
        on `current()`: where members are stationed today). One query."""
        return dict(
            self.filter(venue__township__isnull=False).values_list(
                "member_id", "venue__township__name"
            )
        )

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        """Assignments whose period meets [start, end] (end None: open-ended)."""
        queryset = self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        if end is not None:
            queryset = queryset.filter(started_on__lte=end)
        return queryset

    def with_related(self):
        return self.select_related("member", "member__sector", "venue")
