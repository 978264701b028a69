"""Querysets of 社情民意 (beside `managers.py`).

Row-level access (`opinion_scope_q`):
- staff and leaders read every item that left its draft (and their own drafts);
- a member reads the items they report (a draft too), not another member's;
- an office head reads the items of the liaison offices they manage (entered for
  residents, drafts too) and the submitted items of the members stationed there now;
  not another office's;
- a department user reads the items referred to their department (lead or co-handling),
  the handling chain's own rule;
- anonymous users nothing.
Issues (bulletins) are read by staff and leaders (`view_opinionissue`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from apps.accounts.roles import is_department, is_office_head, sees_everything
from apps.venues.managers import managed_venue_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User


def own_opinion_q(user: User, prefix: str = "") -> Q:
    """Items the user reports: as the member, or entered for an office they manage."""
    scope = Q(**{f"{prefix}member__user": user})
    venues = managed_venue_ids(user)
    if venues:
        scope |= Q(**{f"{prefix}venue_id__in": venues})
    return scope


def opinion_scope_q(user: User, prefix: str = "") -> Q:
    from apps.venues.models import Assignment

    from .models import Referral

    if not user.is_authenticated:
        return Q(pk__in=[])
    draft = Q(**{f"{prefix}state": "draft"})
    if sees_everything(user):
        return ~draft | own_opinion_q(user, prefix)
    scope = own_opinion_q(user, prefix)
    if is_office_head(user):
        stationed = Assignment.objects.filter(
            venue_id__in=managed_venue_ids(user), ended_on__isnull=True
        ).values("member_id")
        scope |= Q(**{f"{prefix}member_id__in": stationed}) & ~draft
    if is_department(user):
        referred = Referral.objects.for_user(user).filter(opinion__isnull=False)
        scope |= Q(**{f"{prefix}pk__in": referred.values("opinion_id")})
    return scope


def _instructed():
    """An item's instruction: a county leader's on it or on its issue, or a higher
    level's (an expression: EXISTS subqueries)."""
    from .models import OpinionAdoption, OpinionInstruction

    return (
        Exists(OpinionInstruction.objects.filter(item=OuterRef("pk")))
        | Exists(OpinionInstruction.objects.filter(issue__isnull=False, issue=OuterRef("issue_id")))
        | Exists(
            OpinionAdoption.objects.filter(
                item=OuterRef("pk"), kind=OpinionAdoption.Kind.INSTRUCTION
            )
        )
    )


class OpinionItemQuerySet(models.QuerySet):
    def for_user(self, user: User | AnonymousUser):
        return self.filter(opinion_scope_q(user))  # type: ignore[arg-type]

    def submitted(self):
        """Left the draft: what the committee's list shows."""
        return self.exclude(state="draft")

    def in_year(self, year: int):
        return self.filter(submitted_on__year=year)

    def adopted(self):
        return self.filter(state="adopted")

    def of_office(self, venue):
        """Reported by the liaison office `venue` (an object or an id): the office's own
        items, which count toward the office (its scoring reads them here)."""
        return self.filter(venue_id=getattr(venue, "pk", venue))

    def from_members(self):
        return self.filter(member__isnull=False)

    def compilable(self):
        """Adopted and in no issue yet."""
        return self.filter(state="adopted", issue__isnull=True)

    def adopted_at(self, level: str):
        """Adopted at `level`: "county" (the committee adopted it), or a higher level
        (市/省/全国) with its adoption row; "higher" any higher level."""
        from .models import OpinionAdoption

        if level == "county":
            return self.filter(state="adopted")
        adoptions = OpinionAdoption.objects.filter(
            item=OuterRef("pk"), kind=OpinionAdoption.Kind.ADOPTED
        )
        if level != "higher":
            adoptions = adoptions.filter(level=level)
        return self.filter(Exists(adoptions))

    def instructed(self):
        """With a county leader's instruction on the item or on its issue, or a higher
        level's instruction."""
        return self.filter(_instructed())

    def counts(self) -> dict[str, int]:
        """How many: `total`, `by_offices`, `adopted`, `higher` (adopted higher up),
        `instructed` (adopted, with an instruction). One query."""
        from .models import OpinionAdoption

        higher = Exists(
            OpinionAdoption.objects.filter(item=OuterRef("pk"), kind=OpinionAdoption.Kind.ADOPTED)
        )
        adopted = Q(state="adopted")
        return self.annotate(is_higher=higher, is_instructed=_instructed()).aggregate(
            total=Count("pk"),
            by_offices=Count("pk", filter=Q(venue__isnull=False)),
            adopted=Count("pk", filter=adopted),
            higher=Count("pk", filter=Q(is_higher=True)),
            instructed=Count("pk", filter=adopted & Q(is_instructed=True)),
        )

    def with_related(self):
        """A list row: category, township, member, office and issue joined; the higher
        adoptions and the referrals (with departments) prefetched: three queries."""
        from .models import OpinionAdoption, Referral

        return self.select_related(
            "category", "township", "member", "venue", "issue"
        ).prefetch_related(
            Prefetch("adoptions", queryset=OpinionAdoption.objects.order_by("on", "pk")),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("department").order_by(
                    "referred_on", "pk"
                ),
            ),
        )


class OpinionIssueQuerySet(models.QuerySet):
    def for_user(self, user: User | AnonymousUser):
        if user.is_authenticated and user.has_perm("consultation.view_opinionissue"):
            return self
        return self.none()

    def in_year(self, year: int):
        return self.filter(year=year)


class OpinionPhotoQuerySet(models.QuerySet):
    def for_user(self, user: User | AnonymousUser):
        """Photos follow their item."""
        from .models import OpinionItem

        return self.filter(item__in=OpinionItem.objects.for_user(user).values("pk"))


class OpinionInstructionQuerySet(models.QuerySet):
    def for_user(self, user: User):
        from .models import OpinionIssue, OpinionItem

        return self.filter(
            Q(item__in=OpinionItem.objects.for_user(user).values("pk"))
            | Q(issue__in=OpinionIssue.objects.for_user(user).values("pk"))
        )
