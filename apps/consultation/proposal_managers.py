"""Querysets of proposals (beside `managers.py`, which holds the rest of the app's).

Row-level access (`proposal_scope_q`): staff and leaders read every proposal that left
its draft; a member reads the proposals they lead and those they are asked to co-sign
(a draft too: the co-signer confirms before it is submitted); a department user reads
the proposals assigned to their department; office heads and others read none."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from apps.accounts.roles import is_department, sees_everything

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User


def own_proposal_q(user: User, prefix: str = "") -> Q:
    """The proposals the member linked to `user` leads or is asked to co-sign."""
    from .models import ProposalSigner

    signed = ProposalSigner.objects.filter(member__user=user).exclude(
        state=ProposalSigner.State.DECLINED
    )
    return Q(**{f"{prefix}proposer__user": user}) | Q(
        **{f"{prefix}pk__in": signed.values("proposal_id")}
    )


def proposal_scope_q(user: User, prefix: str = "") -> Q:
    from .models import Proposal

    if not user.is_authenticated:
        return Q(pk__in=[])
    if sees_everything(user):
        return ~Q(**{f"{prefix}state": Proposal.State.DRAFT}) | own_proposal_q(user, prefix)
    scope = own_proposal_q(user, prefix)
    department_q = department_proposal_q(user, prefix)
    if department_q is not None:
        scope |= department_q
    return scope


def department_proposal_q(user: User, prefix: str = "") -> Q | None:
    """The proposals referred to the department of a department user, as lead or
    co-handling department (None for others): the handling chain's own rule."""
    from .models import Referral

    if not is_department(user):
        return None
    referred = Referral.objects.for_user(user).filter(proposal__isnull=False)
    return Q(**{f"{prefix}pk__in": referred.values("proposal_id")})


class ProposalQuerySet(models.QuerySet):
    def for_user(self, user: User | AnonymousUser):
        return self.filter(proposal_scope_q(user))  # type: ignore[arg-type]

    def submitted(self):
        """Left the draft: what the register lists."""
        return self.exclude(state="draft")

    def registered(self):
        from .models import Proposal

        return self.filter(state__in=Proposal.NUMBERED_STATES)

    def of_sitting(self, *, term: int, year: int, sitting: int):
        return self.filter(term=term, year=year, sitting=sitting)

    def with_status(self, today: datetime.date | None = None):
        """`has_reply` (the open referral has a reply) and `is_overdue` (an open referral
        past due without one): two EXISTS columns, no extra query."""
        from .models import Referral

        today = today or timezone.localdate()
        open_referrals = Referral.objects.filter(proposal=OuterRef("pk"), closed_on__isnull=True)
        return self.annotate(
            has_reply=Exists(open_referrals.filter(replied_on__isnull=False)),
            is_overdue=Exists(open_referrals.filter(replied_on__isnull=True, due_on__lt=today)),
        )

    def with_status_value(self, status: str):
        """Filter by the status a reader sees (`Proposal.status`)."""
        from .models import Proposal

        State = Proposal.State
        qs = self.with_status()
        if status == State.ASSIGNED:
            return qs.filter(state=State.ASSIGNED, rating="", has_reply=False)
        if status == State.REPLIED:
            return qs.filter(state=State.ASSIGNED, rating="", has_reply=True)
        if status == State.RATED:
            return qs.filter(state=State.ASSIGNED).exclude(rating="")
        return qs.filter(state=status)

    def handled_by(self, department):
        from .models import Referral

        return self.filter(
            pk__in=Referral.objects.filter(
                Q(department=department) | Q(co_departments=department), proposal__isnull=False
            ).values("proposal_id")
        )

    def with_related(self):
        """Category, proposer, body and sector joined; co-signers (with their members)
        and referrals (with their departments, and their earlier rounds) prefetched: four
        queries per page."""
        from .models import ProposalSigner, Referral

        return (
            self.with_status()
            .select_related("category", "proposer", "unit", "sector", "merged_into")
            .prefetch_related(
                Prefetch(
                    "signers",
                    queryset=ProposalSigner.objects.select_related("member").order_by("id"),
                ),
                Prefetch(
                    "referrals",
                    queryset=Referral.objects.select_related("department")
                    .prefetch_related("rounds")
                    .order_by("referred_on", "id"),
                ),
            )
        )

    def with_rows(self):
        """A row of the register (`proposal_tags.proposal_rows`): status, category,
        proposer, body and sector joined; co-signers (their names) and referrals (their
        lead departments) prefetched: three queries per page. Unlike `with_related()`, no
        earlier rounds nor the proposal it was merged into (the rows show neither), and
        not the long text of the case (background, measures)."""
        from .models import ProposalSigner, Referral

        return (
            self.with_status()
            .select_related("category", "proposer", "unit", "sector")
            .defer("background", "measures")
            .prefetch_related(
                Prefetch(
                    "signers",
                    queryset=ProposalSigner.objects.only("proposal_id", "state", "member__name")
                    .select_related("member")
                    .order_by("id"),
                ),
                Prefetch(
                    "referrals",
                    queryset=Referral.objects.only("proposal_id", "department__name")
                    .select_related("department")
                    .order_by("referred_on", "id"),
                ),
            )
        )


class ProposalSignerQuerySet(models.QuerySet):
    def waiting_for(self, user: User):
        """Co-sign requests the member linked to `user` has not answered."""
        from .models import ProposalSigner

        return self.filter(member__user=user, state=ProposalSigner.State.INVITED)
