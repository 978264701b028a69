"""Querysets of the venues app: named scopes, `with_related()` per page and `for_user(user)`.

Who manages a venue is `Venue.managers`; `managed_venue_ids(user)` reads it once per
request. What later apps record at a venue (sessions) is theirs to show: they add it to
the venue pages as sections (`apps.core.sections`); venues imports none of them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
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

    def with_mine(self, user: User):
        """Annotate `is_mine`: whether `user` manages the venue (a subquery in the same
        query, so a list needs no query of its own for its "Mine" badges)."""
        through = cast(Any, self.model).managers.through
        managed = through.objects.filter(venue=OuterRef("pk"), user=user.pk)
        return self.annotate(is_mine=Exists(managed))

    def with_stationed(self, today: datetime.date | None = None):
        """Annotate `stationed_count`, the members stationed at each venue on `today`
        (default: today): a subquery in the same query, whatever the number of venues."""
        # Assignment through its relation: the models module imports this one, not back.
        assignment: Any = self.model._meta.get_field("assignments").related_model
        current = assignment.objects.current(today).filter(venue=OuterRef("pk"))
        return self.annotate(stationed_count=Coalesce(_count(current), 0))


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
