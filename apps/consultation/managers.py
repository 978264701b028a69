"""Querysets of the consultation app. Row-level access is `session_scope_q(user)`:

- staff, leaders and superusers read every session;
- an office head reads every session of the venues they manage, and the published
  sessions of all the others;
- everyone else reads none.

Photos and suggestions follow their session. What a user may *change* is
`SessionQuerySet.editable_by(user)`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.roles import is_office_head, is_staff_user, sees_everything
from apps.venues.managers import managed_venue_ids

if TYPE_CHECKING:
    from apps.accounts.models import User


def session_scope_q(user: User, prefix: str = "") -> Q:
    if sees_everything(user):
        return Q()
    if is_office_head(user):
        return Q(**{f"{prefix}venue_id__in": managed_venue_ids(user)}) | Q(
            **{f"{prefix}state": "published"}
        )
    return Q(pk__in=[])


def _count(queryset: models.QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("session").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


class TopicQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=self.model.Status.OPEN)


class SessionQuerySet(models.QuerySet):
    def held(self):
        """Sessions that took place and were reported: submitted or published."""
        return self.filter(state__in=self.model.HELD_STATES)

    def published(self):
        return self.filter(state=self.model.State.PUBLISHED)

    def for_user(self, user: User):
        return self.filter(session_scope_q(user))

    def editable_by(self, user: User):
        """Sessions `user` may edit: staff any; an office head the drafts and returned
        sessions of the venues they manage."""
        if is_staff_user(user):
            return self
        if is_office_head(user):
            return self.filter(
                venue_id__in=managed_venue_ids(user), state__in=self.model.EDITABLE_STATES
            )
        return self.none()

    def in_month(self, year: int, month: int):
        return self.filter(started_at__year=year, started_at__month=month)

    def with_related(self):
        """A list row: venue, township and topic joined; `member_count`,
        `suggestion_count` and `photo_count` as subqueries. One query per page."""
        from .models import SessionPhoto, Suggestion

        member_through = self.model.members.through
        return self.select_related("venue", "venue__township", "topic").annotate(
            member_count=_count(member_through.objects.filter(session=OuterRef("pk"))),
            suggestion_count=_count(Suggestion.objects.filter(session=OuterRef("pk"))),
            photo_count=_count(SessionPhoto.objects.filter(session=OuterRef("pk"))),
        )

    def with_detail(self):
        """A session page: the list row plus members (with sectors), suggestions (with
        their members) and photos: four queries whatever their numbers."""
        from apps.members.models import Member

        from .models import Suggestion

        return self.select_related(
            "venue", "venue__township", "topic", "created_by", "published_by"
        ).prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("sector")),
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.prefetch_related(
                    Prefetch("members", queryset=Member.objects.only("pk", "name"))
                ),
            ),
            "photos",
        )


class SessionPhotoQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(session_scope_q(user, prefix="session__"))


class SuggestionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(session_scope_q(user, prefix="session__"))


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """First day of the month and first day of the next."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following
