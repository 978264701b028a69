"""Querysets of the performance app. Row-level access is one `for_user(user)` per model,
built from `member_scope_q`: staff and leaders read everything, a member reads what is
theirs, an office head the members of their venues (`venues.extensions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Q

from apps.accounts.roles import is_member, is_office_head, sees_everything
from apps.venues.extensions import office_head_member_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User

NOTHING = Q(pk__in=[])


def member_scope_q(user: User | AnonymousUser, prefix: str = "") -> Q:
    """A Q on Member (through `prefix`, e.g. "member__") of the members whose points,
    evaluation and duty reports `user` may read. No query."""
    if not user.is_authenticated:
        return NOTHING
    if sees_everything(user):
        return Q()
    scope = NOTHING
    if is_member(user):
        scope |= Q(**{f"{prefix}user": user})
    if is_office_head(user):
        # The members of the venues they manage (venues app); none without a venue.
        office_q = office_head_member_scope(user) or NOTHING
        scope |= Q(**{f"{prefix}pk__in": _member_ids(office_q)}) if prefix else office_q
    return scope


def _member_ids(q: Q):
    from apps.members.models import Member

    return Member.objects.filter(q).values("pk")


class MeetingQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(date__year=year)

    def standing(self):
        return self.filter(kind="standing")

    def for_user(self, user: User):
        """Staff and leaders: every meeting; a member: the meetings they attended or
        were invited to; others: none."""
        if sees_everything(user):
            return self
        if is_member(user):
            mine = self.filter(
                Q(attendances__member__user=user) | Q(batch__members__user=user)
            ).values("pk")
            return self.filter(pk__in=mine)
        return self.none()

    def inviting(self, member):
        """The meetings `member` is expected at: plenaries of their term while active,
        standing meetings of their term if a standing member, the standing meetings of
        their 列席 batches, and any meeting they have an attendance at. No query."""
        q = Q(batch__members=member) | Q(attendances__member=member)
        if member.status == "active":
            q |= Q(kind="plenary", term=member.term)
            if member.is_standing:
                q |= Q(kind="standing", term=member.term)
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))

    def with_counts(self):
        """Attendance counts per status: one query for the whole list."""
        return self.annotate(
            n_present=Count("attendances", filter=Q(attendances__status="present")),
            n_late=Count("attendances", filter=Q(attendances__status="late")),
            n_leave=Count("attendances", filter=Q(attendances__status="leave")),
            n_absent=Count("attendances", filter=Q(attendances__status="absent")),
            n_recorded=Count("attendances"),
        )


class AttendanceQuerySet(models.QuerySet):
    def attended(self):
        return self.filter(status__in=["present", "late"])

    def for_user(self, user: User):
        if sees_everything(user):
            return self
        if is_member(user):
            return self.filter(member__user=user)
        return self.none()

    def with_related(self):
        return self.select_related("member__sector", "meeting")


class AttendanceBatchQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self if sees_everything(user) else self.none()

    def with_related(self):
        return self.select_related("meeting").annotate(n_invited=Count("members"))


class LeaveRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state="requested")

    def for_user(self, user: User):
        """Staff and leaders: all; a member: their own."""
        if sees_everything(user):
            return self
        if is_member(user):
            return self.filter(member__user=user)
        return self.none()

    def with_related(self):
        return self.select_related("member__sector", "meeting", "decided_by")


class DutyReportQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status__in=["submitted", "reviewed"])

    def for_user(self, user: User):
        return self.filter(member_scope_q(user, "member__"))

    def with_related(self):
        return self.select_related("member__sector", "review_meeting")


class StudySessionQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(date__year=year)

    def for_user(self, user: User):
        """Staff and leaders: all; a member: the sessions they attended."""
        if sees_everything(user):
            return self
        if is_member(user):
            return self.filter(pk__in=self.filter(attendees__user=user).values("pk"))
        return self.none()

    def with_related(self):
        return self.select_related("speaker").annotate(
            n_staff=Count("staff_attendees", distinct=True),
            n_members=Count("attendees", distinct=True),
        )


class PointRuleQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def active(self):
        return self.filter(is_active=True)


class PointEntryQuerySet(models.QuerySet):
    def derived(self):
        return self.filter(source_type__isnull=False)

    def adjustments(self):
        return self.filter(source_type__isnull=True)

    def for_user(self, user: User):
        return self.filter(member_scope_q(user, "member__"))

    def with_related(self):
        """The ledger page: rules and authors joined, sources prefetched (one query per
        kind of source)."""
        return self.select_related("rule", "created_by", "source_type").prefetch_related("source")


class EvaluationQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def for_user(self, user: User):
        return self.filter(member_scope_q(user, "member__"))

    def with_related(self):
        return self.select_related("member__sector", "grade")


# --------------------------------------------------------------------------- office scores


def office_scope_q(user: User | AnonymousUser, prefix: str = "venue__") -> Q:
    """A Q (through `prefix` to the venue) of the venues whose score lines `user` may read:
    staff and leaders every venue, an office head the venues they manage, others none.
    One query at most (the managed venues, cached per request)."""
    if not user.is_authenticated:
        return NOTHING
    if sees_everything(user):
        return Q()
    if is_office_head(user):
        from apps.venues.managers import managed_venue_ids

        return Q(**{f"{prefix}pk__in": sorted(managed_venue_ids(user))})
    return NOTHING


def sees_office_ranking(user: User | AnonymousUser) -> bool:
    """The ranking of the venues' totals: staff, leaders and office heads (their own
    office's rank among the others'). No query beyond the cached groups."""
    return user.is_authenticated and (sees_everything(user) or is_office_head(user))


class OfficeRuleQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def active(self):
        return self.filter(is_active=True)


class OfficeScoreLineQuerySet(models.QuerySet):
    def derived(self):
        return self.filter(source_type__isnull=False)

    def adjustments(self):
        return self.filter(source_type__isnull=True)

    def for_user(self, user: User):
        """Staff and leaders every venue's lines; an office head their venues' only."""
        return self.filter(office_scope_q(user))

    def with_related(self):
        """The breakdown page: rules and authors joined, sources prefetched (one query per
        kind of source)."""
        return self.select_related("rule", "created_by", "source_type").prefetch_related("source")


class OfficeScoreQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def for_user(self, user: User):
        """The totals and ranks: staff, leaders and office heads see every venue's (the
        lines behind a total are `OfficeScoreLineQuerySet.for_user`); others none."""
        return self if sees_office_ranking(user) else self.none()

    def with_related(self):
        return self.select_related("venue", "venue__township")
