"""What waits on each role in the proposal work (`apps.core.todos`) and the daily reminder
of unrated replies (`apps.core.reminders`), read from the records each time.

- staff: proposals submitted and awaiting registration; rated (or past the rating's grace)
  and awaiting closing;
- leader: key proposals (重点提案) still in handling;
- member: co-sign requests to answer; replies to their proposals waiting for their rating.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_leader, is_member, is_staff_user
from apps.core.reminders import Reminder
from apps.core.todos import Todo, listed

from .models import Proposal, ProposalSigner

if TYPE_CHECKING:
    from apps.accounts.models import User

State = Proposal.State

# A reply waits this many days before its proposer is reminded to rate it (then weekly).
RATING_REMINDER_AFTER_DAYS = 3


def _register(**params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("consultation:proposal_list") + (f"?{query}" if query else "")


def for_staff(user: User, today: datetime.date) -> list[Todo]:
    """Awaiting registration; rated, awaiting closing. One query (two counts)."""
    if not is_staff_user(user) or not user.has_perm("consultation.register_proposal"):
        return []
    counts = Proposal.objects.aggregate(
        submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
        rated=Count("pk", filter=Q(state=State.ASSIGNED) & ~Q(rating="")),
    )
    items = []
    if counts["submitted"]:
        items.append(
            Todo(
                _("Proposals awaiting registration"),
                _register(state=State.SUBMITTED),
                count=counts["submitted"],
                kind="proposal_to_register",
            )
        )
    if counts["rated"]:
        items.append(
            Todo(
                _("Rated proposals awaiting closing"),
                _register(state=State.RATED),
                count=counts["rated"],
                kind="proposal_to_close",
            )
        )
    return items


def for_leader(user: User, today: datetime.date) -> list[Todo]:
    """Key proposals still in handling (registered or assigned, not closed). One query."""
    if not is_leader(user):
        return []
    following = Proposal.objects.filter(
        is_key=True, state__in=[State.REGISTERED, State.ASSIGNED]
    ).count()
    if not following:
        return []
    return [
        Todo(
            _("Key proposals to follow"),
            _register(key="true"),
            count=following,
            kind="key_proposal",
        )
    ]


def for_member(user: User, today: datetime.date) -> list[Todo]:
    """Co-sign requests (each one tap from the answer) and replies to rate. Two queries."""
    if not is_member(user):
        return []
    requests = list(
        ProposalSigner.objects.waiting_for(user)
        .select_related("proposal")
        .order_by("proposal__created_at", "pk")
    )
    items = [
        Todo(
            _("Co-sign request: %(title)s") % {"title": signer.proposal.title},
            reverse("consultation:proposal_cosign", args=[signer.pk]),
            kind="cosign_request",
        )
        for signer in requests
    ]
    to_rate = list(
        Proposal.objects.with_status_value(State.REPLIED)
        .filter(proposer__user=user)
        .order_by("decided_on", "pk")
    )
    items += [
        Todo(
            _("A reply to rate: %(title)s") % {"title": proposal.title},
            reverse("consultation:proposal_rate", args=[proposal.pk]),
            kind="reply_to_rate",
        )
        for proposal in to_rate
    ]
    return listed(
        items,
        more_label=_("More on my proposals"),
        more_url=reverse("consultation:my_proposals"),
    )


def unrated_replies(today: datetime.date):
    """Proposers whose proposal was replied to RATING_REMINDER_AFTER_DAYS ago or more and
    not rated yet: reminded once a week (the key holds the ISO week)."""
    from .models import Referral

    since = today - datetime.timedelta(days=RATING_REMINDER_AFTER_DAYS)
    replied = Referral.objects.filter(
        proposal__isnull=False, closed_on__isnull=True, replied_on__lte=since
    ).values("proposal_id")
    week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    for proposal in (
        Proposal.objects.filter(pk__in=replied, state=State.ASSIGNED, rating="")
        .exclude(proposer__user__isnull=True)
        .select_related("proposer__user")
    ):
        proposer = proposal.proposer
        if proposer is None or proposer.user is None:
            continue
        yield Reminder(
            recipients=[proposer.user],
            kind="reply_to_rate",
            title=_("Please rate the reply to your proposal: %(title)s")
            % {"title": proposal.title},
            key=f"reply_to_rate:{proposal.pk}:{week}",
            url=reverse("consultation:proposal_rate", args=[proposal.pk]),
            target=proposal,
        )
