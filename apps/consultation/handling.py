"""The handling chain's rules and steps, in one place: who may make each step (`can_*`,
plain functions of the user and the referral) and the steps themselves (keyword-only,
atomic; each checks the same rule, so a view, an admin action or a script cannot skip it).

    referred ──reply──▶ replied ──close──▶ closed ──reopen──▶ referred (round 2)
        ▲ co-handling opinions, until closed ▲

- refer (批转/交办), `referral_create`: staff (`add_referral`);
- reply (text, class, date, letter), `referral_reply`: the lead department's users
  (`handle_referral`), or staff on its behalf (`reply_referral`; marked 代录);
- co-handling opinion (会办意见), `referral_add_opinion`: a co-handling department's users,
  or staff on its behalf;
- close (办结, with the satisfaction), `referral_close`: staff (`close_referral`);
- reopen (not satisfied; once), `referral_reopen`: staff (`reopen_referral`).

Leaders and office heads read; a member reads the referrals of what they proposed; another
department sees nothing of it (`ReferralQuerySet.for_user`). A reply or an opinion may be
corrected until the referral is closed. Reminders are a later step: "due soon" and
"overdue" are `ReferralQuerySet.due_soon` / `.overdue`.

A subject is any model named in `Referral.SUBJECT_FIELDS`: `referral_create(suggestion=…)`
or, once the field exists, `referral_create(proposal=…)`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import is_department
from apps.core.media import media_atomic
from apps.core.notifications import notify

from .models import Department, DepartmentAccount, Instruction, Referral, ReferralOpinion
from .models.handling import ReferralRound
from .services import DocumentInput, _field_error, _invalid_state, _record_author, _require

# --- who acts for which department ------------------------------------------------------------


def department_of(user: User) -> Department | None:
    """The department a `department`-role user acts for (None for anyone else); one query,
    cached on the user object for the request."""
    if not is_department(user):
        return None
    if not hasattr(user, "_handling_department"):
        account = DepartmentAccount.objects.select_related("department").filter(user=user).first()
        user._handling_department = account.department if account else None  # type: ignore[attr-defined]
    return user._handling_department  # type: ignore[attr-defined]


def _co_department_ids(referral: Referral) -> set[int]:
    return {d.pk for d in referral.co_departments.all()}


# --- who may make each step -------------------------------------------------------------------


def can_refer(user: User) -> bool:
    return user.has_perm("consultation.add_referral")


def is_lead_department(user: User, referral: Referral) -> bool:
    department = department_of(user)
    return (
        department is not None
        and department.pk == referral.department_id
        and user.has_perm("consultation.handle_referral")
    )


def is_co_department(user: User, referral: Referral) -> bool:
    department = department_of(user)
    return (
        department is not None
        and department.pk in _co_department_ids(referral)
        and user.has_perm("consultation.handle_referral")
    )


def can_reply(user: User, referral: Referral) -> bool:
    """The lead department, or staff on its behalf; until the referral is closed."""
    if referral.closed_on:
        return False
    return is_lead_department(user, referral) or (
        department_of(user) is None and user.has_perm("consultation.reply_referral")
    )


def can_add_opinion(user: User, referral: Referral) -> bool:
    """A co-handling department, or staff on its behalf (when there is one); until the
    referral is closed."""
    if referral.closed_on:
        return False
    if is_co_department(user, referral):
        return True
    return (
        department_of(user) is None
        and user.has_perm("consultation.reply_referral")
        and bool(_co_department_ids(referral))
    )


def can_close(user: User, referral: Referral) -> bool:
    return (
        referral.state == Referral.State.REPLIED
        and user.has_perm("consultation.close_referral")
        and department_of(user) is None
    )


# A proposal's handling closes and reopens on the proposal itself, after the proposer's
# rating (`proposal_services.proposal_close` / `proposal_reopen` take the chain's steps and
# the proposal's state together); the chain's own close and reopen pages refuse it.
CLOSED_ON_THE_SUBJECT = ("proposal",)


def closes_on_the_subject(referral: Referral) -> bool:
    return referral.subject_field in CLOSED_ON_THE_SUBJECT


def can_reopen(user: User, referral: Referral) -> bool:
    """Closed, the proposers not satisfied, a round left: staff."""
    return (
        referral.state == Referral.State.CLOSED
        and referral.satisfaction == Referral.Satisfaction.UNSATISFIED
        and referral.round_number < Referral.MAX_ROUNDS
        and user.has_perm("consultation.reopen_referral")
        and department_of(user) is None
    )


def handling_url(user: User, referral: Referral) -> str:
    """Where `user` reads the referral: the department's page or the subject's page."""
    if department_of(user) is not None:
        return referral.get_handling_url()
    return referral.get_absolute_url()


# --- the steps --------------------------------------------------------------------------------


def _locked_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _subject(subject: dict[str, models.Model]) -> tuple[str, models.Model]:
    if len(subject) != 1 or next(iter(subject)) not in Referral.SUBJECT_FIELDS:
        raise TypeError(f"Refer exactly one subject, one of {Referral.SUBJECT_FIELDS}.")
    ((name, value),) = subject.items()
    return name, value


def subject_people(referral: Referral):
    """The users who raised the referral's subject: a suggestion's proposers, a
    proposal's proposer and its confirmed co-signers (members linked to a user), a public
    opinion item's member or its liaison office's managers."""
    name = referral.subject_field
    if name == "suggestion":
        return User.objects.filter(member__suggestions=referral.suggestion_id).distinct()
    if name == "proposal":
        return User.objects.filter(
            Q(member__proposals=referral.proposal_id)
            | Q(
                member__cosigned__proposal=referral.proposal_id, member__cosigned__state="confirmed"
            )
        ).distinct()
    if name == "opinion":
        # The reporting member, or the users managing the reporting liaison office.
        return User.objects.filter(
            Q(member__opinion_items=referral.opinion_id)
            | Q(managed_venues__opinion_items=referral.opinion_id)
        ).distinct()
    return User.objects.none()


def department_users(departments: Iterable[Department]):
    """The users acting for these departments (their `DepartmentAccount`s)."""
    return User.objects.filter(
        department_account__department__in=[d.pk for d in departments], is_active=True
    )


@transaction.atomic
def referral_create(
    *,
    user: User,
    department: Department,
    referred_on: datetime.date,
    due_on: datetime.date,
    co_departments: Iterable[Department] = (),
    instruction: Instruction | None = None,
    note: str = "",
    **subject: models.Model,
) -> Referral:
    """Refer one subject (`suggestion=…`, or another name of `Referral.SUBJECT_FIELDS`) to
    a lead department (and co-handling ones), by staff; on a leader's instruction on the
    subject's report, if any."""
    name, value = _subject(subject)
    if not can_refer(user):
        raise PermissionDenied
    if due_on < referred_on:
        raise _field_error("due_on", _("The due date cannot be before the referral."), "due_before")
    # An instruction is on a report: it fits a subject of that report only.
    if instruction is not None and instruction.report_id != getattr(value, "report_id", None):
        raise _field_error(
            "instruction", _("Pick an instruction on this suggestion's report."), "other_report"
        )
    if Referral.objects.open().filter(**{name: value}, department=department).exists():
        raise _field_error(
            "department",
            _("This suggestion is already with that department and not closed yet.")
            if name == "suggestion"
            else _("This subject is already with that department and not closed yet."),
            "duplicate",
        )
    referral = Referral(
        department=department,
        instruction=instruction,
        referred_on=referred_on,
        due_on=due_on,
        note=note.strip(),
        referred_by=user,
        **{name: value},
    )
    _record_author(referral, user)
    referral.save()
    co = [d for d in co_departments if d.pk != department.pk]
    referral.co_departments.set(co)
    notify(
        department_users([department, *co]),
        kind="referral_sent",
        title=_("A %(kind)s was referred to your department, reply due %(due)s")
        % {"kind": referral.subject_kind, "due": due_on.isoformat()},
        body=referral.subject_summary[:500],
        url=referral.get_handling_url(),
        target=referral,
    )
    return referral


@media_atomic
def referral_reply(
    *,
    referral: Referral,
    user: User,
    text: str,
    replied_on: datetime.date,
    implementation: str,
    letter: DocumentInput | None = None,
    remove_letter: bool = False,
) -> Referral:
    """Record the lead department's reply (text, date, class A/B/C, and its letter: a PDF
    or DOCX checked by content, `apps.core.uploads.check_document`), by the department
    itself or by staff on its behalf (`reply_on_behalf`, shown as 代录). A reply may be
    corrected until the referral is closed; `letter` replaces the file, `remove_letter`
    drops it."""
    referral = _locked_referral(referral)
    if referral.closed_on:
        if not (is_lead_department(user, referral) or user.has_perm("consultation.reply_referral")):
            raise PermissionDenied
        raise _invalid_state(_("This referral is closed; its reply can no longer change."))
    if not can_reply(user, referral):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise _field_error("text", _("Write the department's reply."), "no_text")
    if implementation not in Referral.Implementation.values:
        raise _field_error("implementation", _("Pick the implementation class."), "no_class")
    if replied_on < referral.referred_on:
        raise _field_error(
            "replied_on",
            _("A reply cannot be dated before the referral (%(date)s)."),
            "before_referral",
            {"date": referral.referred_on.isoformat()},
        )
    first_reply = referral.replied_on is None
    referral.reply_text = text
    referral.replied_on = replied_on
    referral.implementation = implementation
    if letter is not None:
        referral.reply_letter = letter.file
        referral.reply_letter_name = letter.name[:200]
        referral.reply_letter_size = letter.size
    elif remove_letter:
        referral.reply_letter = ""
        referral.reply_letter_name = ""
        referral.reply_letter_size = 0
    referral.reply_recorded_by = user
    referral.reply_on_behalf = not is_lead_department(user, referral)
    _record_author(referral, user)
    referral.save()
    if first_reply:
        notify(
            subject_people(referral),
            kind="referral_replied",
            title=_("%(department)s replied to your %(kind)s")
            % {"department": referral.department, "kind": referral.subject_kind},
            body=text,
            url=referral.get_absolute_url(),
            target=referral,
        )
    return referral


@transaction.atomic
def referral_add_opinion(
    *,
    referral: Referral,
    user: User,
    text: str,
    given_on: datetime.date,
    department: Department | None = None,
) -> ReferralOpinion:
    """A co-handling department's opinion on the current round (会办意见), given by the
    department (its own; `department` ignored) or recorded by staff on the behalf of
    `department`, one of the co-handling departments. Given again, it replaces the
    department's opinion of this round."""
    referral = _locked_referral(referral)
    if not can_add_opinion(user, referral):
        if referral.closed_on and (
            is_co_department(user, referral) or user.has_perm("consultation.reply_referral")
        ):
            raise _invalid_state(_("This referral is closed; opinions can no longer change."))
        raise PermissionDenied
    own = department_of(user)
    on_behalf = own is None
    if own is not None:
        department = own
    elif department is None or department.pk not in _co_department_ids(referral):
        raise _field_error(
            "department", _("Pick one of the co-handling departments."), "not_co_department"
        )
    text = text.strip()
    if not text:
        raise _field_error("text", _("Write the opinion."), "no_text")
    if given_on < referral.referred_on:
        raise _field_error(
            "given_on",
            _("An opinion cannot be dated before the referral (%(date)s)."),
            "before_referral",
            {"date": referral.referred_on.isoformat()},
        )
    opinion = ReferralOpinion.objects.filter(
        referral=referral, department=department, round_number=referral.round_number
    ).first() or ReferralOpinion(
        referral=referral, department=department, round_number=referral.round_number
    )
    opinion.text = text
    opinion.given_on = given_on
    opinion.recorded_by = user
    opinion.on_behalf = on_behalf
    _record_author(opinion, user)
    opinion.save()
    return opinion


@transaction.atomic
def referral_close(
    *,
    referral: Referral,
    user: User,
    satisfaction: str,
    closed_on: datetime.date,
) -> Referral:
    """replied → closed, with the proposers' satisfaction, by staff."""
    _require(user, "consultation.close_referral")
    if department_of(user) is not None:
        raise PermissionDenied
    referral = _locked_referral(referral)
    if referral.closed_on:
        raise _invalid_state(_("This referral is already closed."))
    if not referral.replied_on:
        raise _invalid_state(_("Record the department's reply before closing."))
    if satisfaction not in Referral.Satisfaction.values:
        raise _field_error(
            "satisfaction", _("Pick the proposers' satisfaction."), "no_satisfaction"
        )
    if closed_on < referral.replied_on:
        raise _field_error(
            "closed_on",
            _("A referral cannot be closed before its reply (%(date)s)."),
            "before_reply",
            {"date": referral.replied_on.isoformat()},
        )
    referral.satisfaction = satisfaction
    referral.closed_on = closed_on
    referral.closed_by = user
    _record_author(referral, user)
    referral.save()
    return referral


@transaction.atomic
def referral_reopen(
    *,
    referral: Referral,
    user: User,
    reopened_on: datetime.date,
    due_on: datetime.date,
    reason: str,
) -> Referral:
    """closed (not satisfied) → referred again for one more round, by staff. The closed
    round (reply, letter, satisfaction, closing) is kept as a `ReferralRound` with who
    reopened it, when and why; the referral waits for a new reply by `due_on`."""
    _require(user, "consultation.reopen_referral")
    referral = _locked_referral(referral)
    if not can_reopen(user, referral):
        if department_of(user) is not None:
            raise PermissionDenied
        raise _invalid_state(
            _("Only a closed referral whose proposers were not satisfied is handled again, once.")
        )
    reason = reason.strip()
    if not reason:
        raise _field_error("reason", _("Say why it is handled again."), "no_reason")
    assert referral.closed_on is not None and referral.replied_on is not None
    if reopened_on < referral.closed_on:
        raise _field_error(
            "reopened_on",
            _("It cannot be reopened before it was closed (%(date)s)."),
            "before_closing",
            {"date": referral.closed_on.isoformat()},
        )
    if due_on < reopened_on:
        raise _field_error(
            "due_on", _("The due date cannot be before the reopening."), "due_before"
        )
    name = referral.subject_field
    others = Referral.objects.open().filter(
        **{f"{name}_id": getattr(referral, f"{name}_id")}, department_id=referral.department_id
    )
    if others.exclude(pk=referral.pk).exists():
        raise _invalid_state(
            _("It has been referred to this department again already; handle that referral.")
        )
    round_ = ReferralRound(
        referral=referral,
        number=referral.round_number,
        due_on=referral.due_on,
        reply_text=referral.reply_text,
        replied_on=referral.replied_on,
        implementation=referral.implementation,
        # The stored file is shared with the round, not copied (apps.core.media deletes
        # a file only when no row names it).
        reply_letter=referral.reply_letter.name or "",
        reply_letter_name=referral.reply_letter_name,
        reply_recorded_by=referral.reply_recorded_by,
        reply_on_behalf=referral.reply_on_behalf,
        satisfaction=referral.satisfaction,
        closed_on=referral.closed_on,
        reopened_on=reopened_on,
        reopened_by=user,
        reason=reason,
    )
    _record_author(round_, user)
    round_.save()
    referral.round_number += 1
    referral.due_on = due_on
    referral.reply_text = ""
    referral.replied_on = None
    referral.implementation = ""
    referral.reply_letter = ""
    referral.reply_letter_name = ""
    referral.reply_letter_size = 0
    referral.reply_recorded_by = None
    referral.reply_on_behalf = False
    referral.satisfaction = ""
    referral.closed_on = None
    referral.closed_by = None
    _record_author(referral, user)
    referral.save()
    return referral
