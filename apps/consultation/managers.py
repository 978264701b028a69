"""Querysets of the consultation app. Row-level access:

- sessions (`session_scope_q`): staff, leaders and superusers read every session; an office
  head reads every session of the venues they manage and the published sessions of all the
  others; a member (a user linked to a `Member`) reads the published sessions they took part
  in — not a draft, submitted or returned one they are listed on. Photos follow their
  session.
- research projects (`project_scope_q`: projects, their reports, report versions and
  instructions): staff, leaders and office heads read everything; a member reads the
  projects whose team they served on, with their reports and instructions.
- the rest of the research work (`research_scope_q`: topics, departments): staff, leaders
  and office heads read everything; others nothing.
- suggestions (`suggestion_scope_q`): those of a session follow the session and those of a
  report the research rule, for office heads; a member reads only the suggestions they
  proposed, with their referrals (not the others raised at their sessions or in their
  projects' reports).

A member's rules are subqueries (`pk__in=…values(...)`) on the participation and team
tables: no join multiplies the rows, and no extra query. What a user may *change* is
`SessionQuerySet.editable_by(user)` and the model permissions checked by the services;
members get none."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.roles import is_department, is_office_head, is_staff_user, sees_everything
from apps.venues.managers import managed_venue_ids

if TYPE_CHECKING:
    from apps.accounts.models import User


def own_session_ids(user: User):
    """Ids of the sessions the member linked to `user` took part in (a subquery)."""
    from .models import Session

    return Session.members.through.objects.filter(member__user=user).values("session_id")


def own_project_ids(user: User):
    """Ids of the research projects whose team the member linked to `user` served on (a
    subquery)."""
    from .models import ResearchProject

    return ResearchProject.team.through.objects.filter(member__user=user).values(
        "researchproject_id"
    )


def session_scope_q(user: User, prefix: str = "") -> Q:
    if sees_everything(user):
        return Q()
    if is_office_head(user):  # every published session: a member's own ones included
        return Q(**{f"{prefix}venue_id__in": managed_venue_ids(user)}) | Q(
            **{f"{prefix}state": "published"}
        )
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}pk__in": own_session_ids(user), f"{prefix}state": "published"})


def research_scope_q(user: User) -> Q:
    if sees_everything(user) or is_office_head(user):
        return Q()
    return Q(pk__in=[])


def project_scope_q(user: User, prefix: str = "") -> Q:
    """Projects (or, with `prefix` "project__" / "report__project__", their reports and
    what hangs on them) `user` may read."""
    if sees_everything(user) or is_office_head(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}pk__in": own_project_ids(user)})


def own_suggestion_ids(user: User):
    """Ids of the suggestions the member linked to `user` proposed (a subquery)."""
    from .models import Suggestion

    return Suggestion.members.through.objects.filter(member__user=user).values("suggestion_id")


def suggestion_scope_q(user: User, prefix: str = "") -> Q:
    if sees_everything(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(**{f"{prefix}pk__in": own_suggestion_ids(user)})
    if is_office_head(user):
        scope |= Q(**{f"{prefix}report__isnull": False}) | (
            Q(**{f"{prefix}session__isnull": False})
            & session_scope_q(user, prefix=f"{prefix}session__")
        )
    return scope


def _count(queryset: models.QuerySet, key: str = "session") -> Coalesce:
    """A correlated count: `queryset` filtered on OuterRef, grouped by `key`."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(key).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


class _CountPerGroup(Coalesce):
    """A correlated count beside aggregates that depends only on the grouped row's pk:
    kept out of GROUP BY, so the database computes it once per group, not once per joined
    row (with ten years of referrals, 975 times instead of 26 on the statistics page)."""

    def get_group_by_cols(self):
        return []


def _count_per_group(queryset: models.QuerySet, key: str) -> Coalesce:
    count = _count(queryset, key)
    return _CountPerGroup(*count.get_source_expressions(), output_field=IntegerField())


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _ids(value) -> models.QuerySet | list:
    """A department (object or id) or a subquery of ids, as the right side of `__in`."""
    if isinstance(value, models.QuerySet):
        return value
    return [getattr(value, "pk", value)]


class TopicQuerySet(models.QuerySet):
    def open(self):
        """Topics sessions may still be logged on: any not completed."""
        return self.exclude(status=self.model.Status.DONE)

    def for_user(self, user: User):
        return self.filter(research_scope_q(user))

    def with_counts(self):
        """`session_count` and `project_count` as subqueries: one query per page."""
        from .models import ResearchProject, Session

        return self.annotate(
            session_count=_count(Session.objects.filter(topic=OuterRef("pk")), "topic"),
            project_count=_count(ResearchProject.objects.filter(topic=OuterRef("pk")), "topic"),
        )


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
            from .models import Session  # models imports this module

            return self.filter(
                venue_id__in=managed_venue_ids(user), state__in=Session.EDITABLE_STATES
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

    def with_detail(self, user: User):
        """A session page: the list row plus members (with sectors), the suggestions `user`
        may read (with their members) and photos: four queries whatever their numbers."""
        from apps.members.models import Member

        from .models import Suggestion

        return self.select_related(
            "venue", "venue__township", "topic", "created_by", "published_by"
        ).prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("sector")),
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.for_user(user).prefetch_related(
                    Prefetch("members", queryset=Member.objects.only("pk", "name"))
                ),
            ),
            "photos",
        )


class SessionPhotoQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(session_scope_q(user, prefix="session__"))


class ResearchProjectQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(project_scope_q(user))

    def in_year(self, year: int):
        """Projects of a year: the year of their topic."""
        return self.filter(topic__year=year)

    def with_related(self):
        """A list row: topic, lead unit and team leader joined; `report_count`,
        `suggestion_count` and `team_count` as subqueries. One query per page."""
        from .models import Report, Suggestion

        team_through = self.model.team.through
        return self.select_related("topic", "lead_unit", "team_leader").annotate(
            report_count=_count(Report.objects.filter(project=OuterRef("pk")), "project"),
            suggestion_count=_count(
                Suggestion.objects.filter(report__project=OuterRef("pk")), "report__project"
            ),
            team_count=_count(
                team_through.objects.filter(researchproject=OuterRef("pk")), "researchproject"
            ),
        )


class ReportQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(project_scope_q(user, prefix="project__"))

    def in_year(self, year: int):
        return self.filter(submitted_on__year=year)

    def of_work_year(self, year: int):
        """Reports of the year's research: of the projects on the year's topics (what the
        overview and the annual report count as "research reports of the year")."""
        return self.filter(project__topic__year=year)

    def with_related(self):
        """A list row: project and topic joined; `instruction_count` and
        `suggestion_count` as subqueries. One query per page."""
        from .models import Instruction, Suggestion

        return self.select_related("project", "project__topic").annotate(
            instruction_count=_count(Instruction.objects.filter(report=OuterRef("pk")), "report"),
            suggestion_count=_count(Suggestion.objects.filter(report=OuterRef("pk")), "report"),
        )


class ReportVersionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(project_scope_q(user, prefix="report__project__"))


class InstructionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(project_scope_q(user, prefix="report__project__"))

    def in_year(self, year: int):
        """Instructions written in `year` (the annual report's "批示 of the year")."""
        return self.filter(instructed_on__year=year)

    def with_related(self):
        """A list row: the report and its project joined. One query per page."""
        return self.select_related("report", "report__project")


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_user(self, user: User):
        return self.filter(research_scope_q(user))

    def with_stats(self, *, today: datetime.date | None = None, year: int | None = None):
        """Per department (as lead): `referral_count`, `replied_count`, `closed_count`,
        `overdue_count` (no reply, past due on `today`), `avg_reply_days` (a timedelta or
        None) and `co_count` (co-handled). One query with one join, whatever the rows;
        `year` limits to the referrals of suggestions raised that year."""
        today = _today(today)
        scope = Q(referrals__suggestion__raised_on__year=year) if year else Q()
        replied = Q(referrals__replied_on__isnull=False)
        from .models import Referral

        co = Referral.co_departments.through.objects.filter(department=OuterRef("pk"))
        if year:
            co = co.filter(referral__suggestion__raised_on__year=year)
        return self.annotate(
            referral_count=Count("referrals", filter=scope),
            replied_count=Count("referrals", filter=scope & replied),
            closed_count=Count("referrals", filter=scope & Q(referrals__closed_on__isnull=False)),
            overdue_count=Count(
                "referrals",
                filter=scope & Q(referrals__replied_on__isnull=True, referrals__due_on__lt=today),
            ),
            avg_reply_duration=Avg(
                ExpressionWrapper(
                    F("referrals__replied_on") - F("referrals__referred_on"),
                    output_field=DurationField(),
                ),
                filter=scope & replied,
            ),
            co_count=_count_per_group(co, "department"),
        )


def own_department_ids(user: User):
    """Ids of the department the `department`-role user acts for (a subquery)."""
    from .models import DepartmentAccount

    return DepartmentAccount.objects.filter(user=user).values("department_id")


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user: User):
        """Staff, leaders and office heads read every referral; a department user those
        sent to their department, as lead or co-handling department, of every kind; a
        member those of the suggestions they proposed and of their 社情民意 items."""
        if sees_everything(user) or is_office_head(user):
            return self
        if not user.is_authenticated:
            return self.none()
        if is_department(user):
            return self.for_department(own_department_ids(user))
        return self.filter(
            Q(suggestion_id__in=own_suggestion_ids(user)) | Q(opinion__member__user=user)
        )

    def for_department(self, department):
        """Sent to `department` (an object, an id or an id subquery) as lead or
        co-handling department; no join, so no row twice."""
        from .models import Referral

        co = Referral.co_departments.through.objects.filter(department_id__in=_ids(department))
        return self.filter(
            Q(department_id__in=_ids(department)) | Q(pk__in=co.values("referral_id"))
        )

    def led_by(self, department):
        return self.filter(department_id__in=_ids(department))

    def due_soon(self, days: int | None = None, today: datetime.date | None = None):
        """Awaiting a reply and due within `days` (default `REFERRAL_DUE_SOON_DAYS`) from
        `today`, not yet overdue: for reminders."""
        from django.conf import settings

        today = _today(today)
        days = settings.REFERRAL_DUE_SOON_DAYS if days is None else days
        return self.filter(
            replied_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=days),
        )

    def waiting(self):
        """No reply yet."""
        return self.filter(replied_on__isnull=True)

    def replied(self):
        return self.filter(replied_on__isnull=False)

    def open(self):
        return self.filter(closed_on__isnull=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)

    def overdue(self, today: datetime.date | None = None):
        """Past the due date without a reply, on `today` (default: the local date)."""
        return self.filter(replied_on__isnull=True, due_on__lt=_today(today))

    def with_state(self):
        """`state_value`: the state as a column (filters and sorting)."""
        from .models import Referral

        return self.annotate(
            state_value=Case(
                When(closed_on__isnull=False, then=Value(Referral.State.CLOSED)),
                When(replied_on__isnull=False, then=Value(Referral.State.REPLIED)),
                default=Value(Referral.State.REFERRED),
                output_field=CharField(),
            )
        )

    def with_related(self):
        """Subject, department, instruction joined; co-handling departments prefetched:
        two queries per page."""
        return self.select_related(
            *self.model.SUBJECT_FIELDS, "department", "instruction", "referred_by"
        ).prefetch_related("co_departments")

    def with_handling(self):
        """A department's detail page: `with_related`, plus who recorded the reply and
        the co-handling opinions and closed rounds prefetched: four queries."""
        from .models import ReferralOpinion

        return (
            self.with_related()
            .select_related("reply_recorded_by")
            .prefetch_related(
                Prefetch(
                    "opinions",
                    queryset=ReferralOpinion.objects.select_related("department").order_by(
                        "round_number", "given_on", "pk"
                    ),
                ),
                "rounds",
            )
        )


class ReferralOpinionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        """Opinions follow their referral."""
        from .models import Referral

        return self.filter(referral__in=Referral.objects.for_user(user).values("pk"))


class SuggestionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(suggestion_scope_q(user))

    def in_year(self, year: int):
        return self.filter(raised_on__year=year)

    def raised(self):
        """Suggestions raised to the committee: those of reports and those of sessions held
        (submitted or published). A draft's or a returned session's suggestions are not
        yet: they stay on the session page, out of the ledger and the statistics."""
        from .models import Session

        return self.filter(Q(session__isnull=True) | Q(session__state__in=Session.HELD_STATES))

    def from_reports(self):
        return self.filter(report__isnull=False)

    def from_sessions(self):
        return self.filter(session__isnull=False)

    def adopted(self):
        return self.filter(outcome__in=self.model.ADOPTED_OUTCOMES)

    def referred(self, value: bool = True):
        """Sent to at least one department (`value` False: to none)."""
        from .models import Referral

        exists = Exists(Referral.objects.filter(suggestion=OuterRef("pk")))
        return self.filter(exists if value else ~exists)

    def replied(self, value: bool = True):
        """With at least one reply from a department (`value` False: with none)."""
        from .models import Referral

        exists = Exists(Referral.objects.replied().filter(suggestion=OuterRef("pk")))
        return self.filter(exists if value else ~exists)

    def overdue(self, today: datetime.date | None = None):
        """With at least one referral past due without a reply."""
        from .models import Referral

        return self.filter(
            Exists(Referral.objects.overdue(today).filter(suggestion=OuterRef("pk")))
        )

    def handled_by(self, department):
        """Referred to `department`, as lead or co-handling department: one subquery of
        the department's suggestions, read once (PostgreSQL hashes it) rather than an
        existence test per suggestion scanned (5 ms with ten years)."""
        from .models import Referral

        handled = Referral.objects.filter(
            Q(department=department) | Q(co_departments=department), suggestion__isnull=False
        ).values("suggestion_id")
        return self.filter(pk__in=handled)

    def with_progress(self, today: datetime.date | None = None, *, select: bool = True):
        """Annotate `referral_count`, `replied_count`, `closed_count`, `overdue_count` (on
        `today`) and `progress` (the rule of `models.derive_progress`), as correlated
        subqueries: one query for a page, and `progress` can be filtered on. With
        `select=False` they are only aliases: `progress` can be filtered on, and a row
        derives it from its prefetched referrals (`Suggestion.progress`) instead of the
        database computing four subqueries per row."""
        from .models import Referral, Suggestion

        P = Suggestion.Progress

        def count(queryset):
            return _count(queryset.filter(suggestion=OuterRef("pk")), "suggestion")

        counted = (self.annotate if select else self.alias)(
            referral_count=count(Referral.objects.all()),
            replied_count=count(Referral.objects.replied()),
            closed_count=count(Referral.objects.closed()),
            overdue_count=count(Referral.objects.overdue(today)),
        )
        return (counted.annotate if select else counted.alias)(
            progress=Case(
                When(referral_count=0, then=Value(P.RAISED)),
                When(closed_count=F("referral_count"), then=Value(P.CLOSED)),
                When(replied_count__gt=0, then=Value(P.IN_PROGRESS)),
                default=Value(P.REFERRED),
                output_field=CharField(),
            )
        )

    def with_sources(self):
        """Join the source: report and project, or session, venue and topic."""
        return self.select_related(
            "report", "report__project", "session", "session__venue", "session__topic"
        )

    def with_people_and_referrals(self):
        """Prefetch the proposers (names only) and the referrals with their lead and
        co-handling departments: three queries whatever the rows."""
        from apps.members.models import Member

        from .models import Referral

        return self.prefetch_related(
            Prefetch("members", queryset=Member.objects.only("pk", "name")),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("department")
                .prefetch_related("co_departments")
                .order_by("referred_on", "pk"),
            ),
        )

    def with_related(self):
        """A ledger row: source joined, proposers and referrals (with their departments)
        prefetched, progress derived per row from the prefetched referrals
        (`Suggestion.progress`): four queries per page whatever the rows. To filter on
        progress, `with_progress(select=False)` adds it as an alias (the ledger's filter
        does, `SuggestionFilter.filter_progress`): its four subqueries cost some 1.5 ms of
        query building on every page that does not filter on it."""
        return self.with_sources().with_people_and_referrals()


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """First day of the month and first day of the next."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following
