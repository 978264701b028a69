"""Every state change of a proposal and who may make it (beside `services.py`).

| transition                         | who                                              |
|------------------------------------|--------------------------------------------------|
| draft: write, invite co-signers    | the lead proposer (a member); staff for a        |
|   submit                           | collective proposal                              |
| confirm / decline a co-sign        | that co-signer                                   |
| register (number) / not / merge    | staff (`register_proposal`)                      |
| assign (交办) / close / reopen     | staff (`register_proposal`)                      |
| mark key, instruct (重点提案)      | leaders (`mark_key_proposal`)                    |
| mark outstanding (优秀提案)        | staff                                            |
| rate the reply                     | the lead proposer only                           |
| reply                              | the department of the referral (handling chain)  |

All keyword-only and atomic; a wrong state or role raises `ValidationError` /
`PermissionDenied`, never a half-done change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User as UserModel
from apps.accounts.roles import is_staff_user
from apps.core.notifications import notify
from apps.members.models import Member

from . import handling
from .models import (
    Department,
    Proposal,
    ProposalInstruction,
    ProposalSigner,
    Referral,
    default_due,
    rating_grace_over,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

State = Proposal.State


def proposal_people(proposal: Proposal):
    """The users behind a proposal: its proposer and its confirmed co-signers."""
    return UserModel.objects.filter(
        Q(member__proposals=proposal)
        | Q(
            member__cosigned__proposal=proposal,
            member__cosigned__state=ProposalSigner.State.CONFIRMED,
        )
    ).distinct()


def _invalid(message: str, code: str = "invalid_state") -> ValidationError:
    return ValidationError(message, code=code)


def is_proposer(user: User, proposal: Proposal) -> bool:
    """The lead member of an individual or joint proposal."""
    proposer = proposal.proposer if proposal.proposer_id is not None else None
    return user.is_authenticated and proposer is not None and proposer.user_id == user.pk


def may_register(user: User) -> bool:
    return user.is_authenticated and user.has_perm("consultation.register_proposal")


def may_edit(user: User, proposal: Proposal) -> bool:
    """A draft by its lead proposer; a collective draft by staff."""
    if proposal.state != State.DRAFT:
        return False
    if proposal.kind == Proposal.Kind.COLLECTIVE:
        return may_register(user)
    return is_proposer(user, proposal)


def may_rate(user: User, proposal: Proposal) -> bool:
    if not (is_proposer(user, proposal) and proposal.state == State.ASSIGNED):
        return False
    referral = _open_referral(proposal, lock=False)
    return not proposal.rating and referral is not None and referral.replied_on is not None


def _require_register(user: User) -> None:
    if not may_register(user):
        raise PermissionDenied


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("proposer")
        .get(pk=proposal.pk)
    )


def _expect(proposal: Proposal, *states: str) -> None:
    if proposal.state not in states:
        raise _invalid(
            _("This proposal is %(state)s; that step is not open to it.")
            % {"state": proposal.get_state_display()}
        )


# --- drafting, co-signing, submitting -------------------------------------------------------


@transaction.atomic
def proposal_save(*, proposal: Proposal, user: User, cosigners: Iterable[Member] = ()) -> Proposal:
    """Create or change a draft. A member drafts for themselves (individual or joint: the
    co-signers are invited; one removed from the list loses the invitation); staff draft
    a collective proposal."""
    if proposal.pk is None:
        if proposal.kind == Proposal.Kind.COLLECTIVE:
            _require_register(user)
        else:
            if not user.is_authenticated or not user.has_perm("consultation.add_own_proposal"):
                raise PermissionDenied
            member = Member.objects.filter(user=user).first()
            if member is None:
                raise PermissionDenied
            proposal.proposer = member
            proposal.term = proposal.term or member.term
        proposal.state = State.DRAFT
        proposal.created_by = user
    else:
        current = _locked(proposal)
        if not may_edit(user, current):
            raise PermissionDenied
    proposal.year = proposal.year or timezone.localdate().year
    proposal.term = proposal.term or settings.CURRENT_TERM
    proposal.title = proposal.title.strip()
    proposal.full_clean(exclude=["number"])
    proposal.save()
    wanted = {m.pk for m in cosigners} if proposal.kind == Proposal.Kind.JOINT else set()
    wanted.discard(proposal.proposer_id)
    existing = {s.member_id: s for s in proposal.signers.all()}
    for member_id, signer in existing.items():
        if member_id not in wanted:
            signer.delete()
    invited = ProposalSigner.objects.bulk_create(
        [ProposalSigner(proposal=proposal, member_id=pk) for pk in wanted - existing.keys()]
    )
    if invited:
        notify(
            UserModel.objects.filter(member__in=[signer.member_id for signer in invited]),
            kind="cosign_request",
            title=_("%(proposer)s asks you to co-sign a proposal: %(title)s")
            % {"proposer": proposal.proposer_name, "title": proposal.title},
            url=reverse("consultation:my_proposals"),
            target=proposal,
        )
    return proposal


@transaction.atomic
def signer_respond(*, signer: ProposalSigner, user: User, confirm: bool) -> ProposalSigner:
    """附议: the invited co-signer confirms, or declines (then is no longer a co-signer).
    Only while the proposal is a draft."""
    signer = (
        ProposalSigner.objects.select_for_update()
        .select_related("member", "proposal")
        .get(pk=signer.pk)
    )
    if signer.member.user_id != user.pk:
        raise PermissionDenied
    if signer.proposal.state != State.DRAFT:
        raise _invalid(_("This proposal was already submitted."))
    signer.state = ProposalSigner.State.CONFIRMED if confirm else ProposalSigner.State.DECLINED
    signer.responded_on = timezone.localdate()
    signer.save()
    return signer


@transaction.atomic
def proposal_submit(*, proposal: Proposal, user: User, on: datetime.date | None = None) -> Proposal:
    """draft → submitted. A joint proposal needs at least one co-signer and every invited
    one's confirmation (a decline removes them)."""
    proposal = _locked(proposal)
    if not may_edit(user, proposal):
        raise PermissionDenied
    if proposal.kind == Proposal.Kind.JOINT:
        states = list(
            proposal.signers.exclude(state=ProposalSigner.State.DECLINED).values_list(
                "state", flat=True
            )
        )
        if not states:
            raise _invalid(_("A joint proposal needs at least one co-signer."), "no_cosigner")
        if any(s != ProposalSigner.State.CONFIRMED for s in states):
            raise _invalid(
                _("Every co-signer must confirm before the proposal is submitted."),
                "unconfirmed",
            )
    proposal.state = State.SUBMITTED
    proposal.submitted_on = on or timezone.localdate()
    proposal.save()
    return proposal


# --- registration ------------------------------------------------------------------------


def _next_number(proposal: Proposal) -> int:
    top = Proposal.objects.filter(
        term=proposal.term, year=proposal.year, sitting=proposal.sitting
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


# pg_advisory_xact_lock's first key: "numbering of proposals" (the second is the sitting).
NUMBERING_LOCK = 2112


def _lock_numbering(proposal: Proposal) -> None:
    """Serialize the numbering of one sitting until the transaction ends (PostgreSQL; an
    SQLite database has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        key = (proposal.term * 10_000 + proposal.year) * 10 + proposal.sitting
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, key])


def proposal_register(
    *, proposal: Proposal, user: User, on: datetime.date | None = None, attempts: int = 5
) -> Proposal:
    """submitted → registered (立案) with the next number of its sitting (第 N 号). Two
    staff registering at once: the sitting's numbering is locked for the transaction
    (`_lock_numbering`), and the unique constraint `proposal_number_unique` stays the
    backstop — a number taken anyway is retried with the next one."""
    _require_register(user)
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                locked = _locked(proposal)
                _expect(locked, State.SUBMITTED)
                _lock_numbering(locked)
                locked.number = _next_number(locked)
                locked.state = State.REGISTERED
                locked.decided_on = on or timezone.localdate()
                locked.decided_by = user
                locked.save()
                notify(
                    proposal_people(locked),
                    kind="proposal_registered",
                    title=_("Your proposal is registered as No. %(number)s: %(title)s")
                    % {"number": locked.number, "title": locked.title},
                    url=locked.get_absolute_url(),
                    target=locked,
                )
                return locked
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def proposal_not_register(
    *,
    proposal: Proposal,
    user: User,
    reason: str,
    convert: bool = False,
    on: datetime.date | None = None,
) -> Proposal:
    """submitted → not registered (不予立案) with a reason; `convert`: kept as a
    suggestion of the ledger, linked both ways."""
    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.SUBMITTED)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for not registering.")})
    proposal.state = State.NOT_REGISTERED
    proposal.reason = reason
    proposal.decided_on = on or timezone.localdate()
    proposal.decided_by = user
    proposal.save()
    notify(
        proposal_people(proposal),
        kind="proposal_not_registered",
        title=_("Your proposal is not registered: %(title)s") % {"title": proposal.title},
        body=reason,
        url=proposal.get_absolute_url(),
        target=proposal,
    )
    if convert:
        proposal_convert(proposal=proposal, user=user)
    return proposal


@transaction.atomic
def proposal_convert(*, proposal: Proposal, user: User):
    """A proposal not registered becomes a suggestion (意见建议) of the ledger, with the
    same proposers, linked to it."""
    from .models import Suggestion

    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.NOT_REGISTERED)
    if Suggestion.objects.filter(proposal=proposal).exists():
        raise _invalid(_("This proposal is already a suggestion."))
    suggestion = Suggestion(
        proposal=proposal,
        text=f"{proposal.title}\n\n{proposal.measures}",
        raised_on=proposal.submitted_on or timezone.localdate(),
    )
    suggestion.save()
    members = [proposal.proposer_id] if proposal.proposer_id else []
    members += list(
        proposal.signers.filter(state=ProposalSigner.State.CONFIRMED).values_list(
            "member_id", flat=True
        )
    )
    suggestion.members.set(members)
    return suggestion


@transaction.atomic
def proposal_merge(
    *, proposal: Proposal, into: Proposal, user: User, on: datetime.date | None = None
) -> Proposal:
    """submitted → merged (并案) into another proposal of the same sitting that is
    registered (or still submitted)."""
    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.SUBMITTED)
    if into.pk == proposal.pk or into.state in (State.DRAFT, State.NOT_REGISTERED, State.MERGED):
        raise ValidationError(
            {"into": _("Pick another proposal that was submitted or registered.")}
        )
    if (into.term, into.year, into.sitting) != (proposal.term, proposal.year, proposal.sitting):
        raise ValidationError({"into": _("Merge within the same sitting.")})
    proposal.state = State.MERGED
    proposal.merged_into = into
    proposal.decided_on = on or timezone.localdate()
    proposal.decided_by = user
    proposal.save()
    return proposal


# --- assignment, rating, closing: through the handling chain ---------------------------------


def _open_referral(proposal: Proposal, *, lock: bool = True) -> Referral | None:
    referrals = Referral.objects.filter(proposal=proposal, closed_on__isnull=True)
    if lock:
        referrals = referrals.select_for_update()
    return referrals.order_by("-referred_on", "-pk").first()


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    user: User,
    department: Department,
    co_departments: Iterable[Department] = (),
    assigned_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    note: str = "",
) -> Referral:
    """registered → assigned (交办): a referral of the handling chain
    (`handling.referral_create`) to a lead department (and co-handling ones), due
    `PROPOSAL_DUE_MONTHS` (3) months later unless given."""
    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.REGISTERED)
    assigned_on = assigned_on or timezone.localdate()
    referral = handling.referral_create(
        proposal=proposal,
        user=user,
        department=department,
        co_departments=co_departments,
        referred_on=assigned_on,
        due_on=due_on or default_due(assigned_on),
        note=note,
    )
    proposal.state = State.ASSIGNED
    proposal.save()
    return referral


@transaction.atomic
def proposal_rate(
    *, proposal: Proposal, user: User, rating: str, on: datetime.date | None = None
) -> Proposal:
    """replied → rated: the lead proposer rates the reply (满意 / 基本满意 / 不满意),
    nobody else."""
    proposal = _locked(proposal)
    if not is_proposer(user, proposal):
        raise PermissionDenied
    _expect(proposal, State.ASSIGNED)
    referral = _open_referral(proposal)
    if referral is None or referral.replied_on is None:
        raise _invalid(_("The department has not replied yet."))
    if proposal.rating:
        raise _invalid(_("You already rated this reply."))
    if rating not in Proposal.Rating.values:
        raise ValidationError({"rating": _("Pick a rating.")})
    proposal.rating = rating
    proposal.rated_on = on or timezone.localdate()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_close(*, proposal: Proposal, user: User, on: datetime.date | None = None) -> Proposal:
    """rated (or replied, once `PROPOSAL_RATING_GRACE_DAYS` passed without a rating) →
    closed, by staff; the referral closes (`handling.referral_close`) with the rating, or
    unrated after the grace period as basically satisfied (the README says so)."""
    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.ASSIGNED)
    on = on or timezone.localdate()
    referral = _open_referral(proposal)
    if referral is None or referral.replied_on is None:
        raise _invalid(_("The department has not replied yet."))
    if not proposal.rating and not rating_grace_over(referral.replied_on, on):
        grace = datetime.timedelta(days=settings.PROPOSAL_RATING_GRACE_DAYS)
        raise _invalid(
            _("The proposer may still rate the reply until %(date)s.")
            % {"date": (referral.replied_on + grace).isoformat()},
            "grace",
        )
    handling.referral_close(
        referral=referral,
        user=user,
        satisfaction=proposal.rating or Proposal.Rating.BASICALLY,
        closed_on=max(on, referral.replied_on),
    )
    proposal.state = State.CLOSED
    proposal.closed_on = on
    proposal.save()
    return proposal


@transaction.atomic
def proposal_reopen(
    *,
    proposal: Proposal,
    user: User,
    on: datetime.date | None = None,
    due_on: datetime.date | None = None,
) -> Referral:
    """An unsatisfied proposer's proposal goes back to its department for one more round
    (再办理): the referral closes with "not satisfied" and reopens for round 2
    (`handling.referral_reopen` keeps the first round as a `ReferralRound`); the rating
    starts afresh."""
    _require_register(user)
    proposal = _locked(proposal)
    _expect(proposal, State.ASSIGNED)
    if proposal.rating != Proposal.Rating.UNSATISFIED:
        raise _invalid(_("Only a reply the proposer is not satisfied with is handled again."))
    if proposal.round >= Referral.MAX_ROUNDS:
        raise _invalid(_("This proposal was already handled a second time."))
    on = on or timezone.localdate()
    referral = _open_referral(proposal)
    assert referral is not None and referral.replied_on is not None  # a rating needs a reply
    closed_on = max(on, referral.replied_on)
    handling.referral_close(
        referral=referral, user=user, satisfaction=Proposal.Rating.UNSATISFIED, closed_on=closed_on
    )
    referral = handling.referral_reopen(
        referral=referral,
        user=user,
        reopened_on=closed_on,
        due_on=due_on or default_due(closed_on),
        reason=_("The proposer was not satisfied with the reply."),
    )
    proposal.round = referral.round_number
    proposal.rating = ""
    proposal.rated_on = None
    proposal.save()
    return referral


# --- key and outstanding proposals ----------------------------------------------------------


@transaction.atomic
def proposal_mark_key(
    *, proposal: Proposal, user: User, is_key: bool = True, instruction: str = ""
) -> Proposal:
    """A leader marks a registered proposal as key (重点提案), with an instruction."""
    if not user.has_perm("consultation.mark_key_proposal"):
        raise PermissionDenied
    proposal = _locked(proposal)
    _expect(proposal, *Proposal.NUMBERED_STATES)
    proposal.is_key = is_key
    proposal.save()
    if is_key and instruction.strip():
        proposal_instruct(proposal=proposal, user=user, text=instruction)
    return proposal


@transaction.atomic
def proposal_instruct(
    *, proposal: Proposal, user: User, text: str, on: datetime.date | None = None
) -> ProposalInstruction:
    if not user.has_perm("consultation.mark_key_proposal"):
        raise PermissionDenied
    if not proposal.is_key:
        raise _invalid(_("Mark the proposal as key before instructing on it."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the instruction.")})
    return ProposalInstruction.objects.create(
        proposal=proposal, leader=user, text=text, instructed_on=on or timezone.localdate()
    )


@transaction.atomic
def proposal_mark_outstanding(
    *, proposal: Proposal, user: User, outstanding: bool = True, on: datetime.date | None = None
) -> Proposal:
    """优秀提案, marked by staff at the year's end (registered proposals only)."""
    if not is_staff_user(user) or not may_register(user):
        raise PermissionDenied
    proposal = _locked(proposal)
    _expect(proposal, *Proposal.NUMBERED_STATES)
    proposal.is_outstanding = outstanding
    proposal.outstanding_on = (on or timezone.localdate()) if outstanding else None
    proposal.save()
    return proposal
