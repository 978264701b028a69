"""Every step of 社情民意 and who may take it (beside `services.py`).

| step                                        | who                                          |
|---------------------------------------------|----------------------------------------------|
| write a draft, edit, submit (`opinion_save`, | the reporting member; for a liaison office,  |
|   `opinion_submit`); again when returned     | the users managing it (`add_own_opinionitem`) |
| adopt (with the text sent up) / not adopt   | staff (`review_opinionitem`)                 |
|   (reason) / return for revision (reason)   |                                              |
| compile adopted items into an issue, send   | staff (`compile_opinionissue`)               |
| refer to departments (the handling chain)   | staff (`add_referral`), adopted items only   |
| instruct (批示) on an item or an issue       | leaders; staff on a leader's behalf          |
|                                             | (`add_opinioninstruction`)                   |
| record a higher level's adoption or 批示     | staff (`add_opinionadoption`)                |

All keyword-only and atomic; a wrong state or role raises `ValidationError` /
`PermissionDenied`, never a half-done change. The reporters hear of each review outcome
(`apps.core.notifications.notify`)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.accounts.models import User as UserModel
from apps.accounts.roles import is_leader
from apps.core.media import media_atomic
from apps.core.notifications import notify
from apps.core.uploads import ProcessedImage
from apps.members.models import Member
from apps.venues.managers import managed_venue_ids, manages_venue
from apps.venues.models import Venue

from . import handling
from .models import (
    Department,
    OpinionAdoption,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    OpinionPhoto,
    Referral,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

State = OpinionItem.State
# Most photos an item keeps.
MAX_PHOTOS = 9
# pg_advisory_xact_lock's first key: "numbering of opinion bulletins" (the second: the year).
NUMBERING_LOCK = 2113


def _invalid(message: str, code: str = "invalid_state") -> ValidationError:
    return ValidationError(message, code=code)


def _field_error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


# --- who may do what (no query beyond the user's groups, member and managed venues) --------


def reporting_offices(user: User):
    """The liaison offices `user` may report for: those they manage."""
    return Venue.objects.offices().filter(pk__in=managed_venue_ids(user), is_active=True)


def member_of(user: User) -> Member | None:
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_opinion_member"):
        user._opinion_member = Member.objects.filter(user=user).first()  # type: ignore[attr-defined]
    return user._opinion_member  # type: ignore[attr-defined]


def may_report(user: User) -> bool:
    return user.is_authenticated and user.has_perm("consultation.add_own_opinionitem")


def is_reporter(user: User, item: OpinionItem) -> bool:
    """The reporting member, or a user managing the reporting office."""
    if not user.is_authenticated:
        return False
    if item.venue_id is not None:
        return manages_venue(user, item.venue_id)
    member = item.member if item.member_id is not None else None
    return member is not None and member.user_id == user.pk


def may_edit(user: User, item: OpinionItem) -> bool:
    return (
        item.state in OpinionItem.EDITABLE_STATES and may_report(user) and is_reporter(user, item)
    )


def may_review(user: User, item: OpinionItem | None = None) -> bool:
    allowed = user.is_authenticated and user.has_perm("consultation.review_opinionitem")
    return allowed and (item is None or item.state == State.SUBMITTED)


def may_compile(user: User) -> bool:
    return user.is_authenticated and user.has_perm("consultation.compile_opinionissue")


def may_instruct(user: User) -> bool:
    return user.is_authenticated and user.has_perm("consultation.add_opinioninstruction")


def may_record_adoption(user: User) -> bool:
    return user.is_authenticated and user.has_perm("consultation.add_opinionadoption")


def may_refer(user: User, item: OpinionItem) -> bool:
    return item.state == State.ADOPTED and handling.can_refer(user)


def reporters(item: OpinionItem):
    """The users who reported the item: the member's user, or the office's managers."""
    if item.venue_id is not None:
        return UserModel.objects.filter(managed_venues=item.venue_id, is_active=True)
    return UserModel.objects.filter(member=item.member_id, is_active=True)


def _locked(item: OpinionItem) -> OpinionItem:
    return (
        OpinionItem.objects.select_for_update(of=("self",)).select_related("member").get(pk=item.pk)
    )


def _expect(item: OpinionItem, *states: str) -> None:
    if item.state not in states:
        raise _invalid(
            _("This item is %(state)s; that step is not open to it.")
            % {"state": item.get_state_display()}
        )


def _record_author(instance, user: User) -> None:
    instance._history_user = user


# --- reporting ------------------------------------------------------------------------------


@media_atomic
def opinion_save(
    *,
    item: OpinionItem,
    user: User,
    office: Venue | None = None,
    new_photos: Sequence[ProcessedImage] = (),
    removed_photo_ids: Collection[int] = (),
) -> OpinionItem:
    """Create a draft or change a draft or returned item, with its photos. A new item is
    the signed-in member's, or — with `office` — the liaison office's (the user manages
    it; its township is the item's unless another is given)."""
    if not may_report(user):
        raise PermissionDenied
    if item.pk is None:
        if office is not None:
            if not office.is_office or not manages_venue(user, office.pk):
                raise PermissionDenied
            item.venue, item.member = office, None
            item.township = item.township or office.township
        else:
            member = member_of(user)
            if member is None:
                raise PermissionDenied
            item.member, item.venue = member, None
        item.state = State.DRAFT
        item.created_by = user
    else:
        current = _locked(item)
        if not may_edit(user, current):
            raise PermissionDenied
        # The source and the state never change by an edit.
        item.member_id, item.venue_id, item.state = (
            current.member_id,
            current.venue_id,
            current.state,
        )
    item.title = item.title.strip()
    item.full_clean()
    _record_author(item, user)
    item.save()
    if removed_photo_ids:
        for photo in item.photos.filter(pk__in=removed_photo_ids):
            photo.delete()
    if item.photos.count() + len(new_photos) > MAX_PHOTOS:
        raise ValidationError(
            _("An item keeps at most %(max)s photos.") % {"max": MAX_PHOTOS}, code="photos"
        )
    for image in new_photos:
        OpinionPhoto.objects.create(
            item=item,
            image=image,
            thumbnail=image.thumbnail,
            width=image.width,
            height=image.height,
            uploaded_by=user,
        )
    return item


@transaction.atomic
def opinion_submit(
    *, item: OpinionItem, user: User, on: datetime.date | None = None
) -> OpinionItem:
    """draft or returned → submitted, by its reporter."""
    item = _locked(item)
    if not may_edit(user, item):
        raise PermissionDenied
    item.state = State.SUBMITTED
    item.submitted_on = on or timezone.localdate()
    item.reviewed_on, item.reviewed_by, item.reason = None, None, ""
    _record_author(item, user)
    item.save()
    return item


# --- review -------------------------------------------------------------------------------


def _review(item: OpinionItem, user: User, state: str, on: datetime.date | None) -> OpinionItem:
    if not may_review(user):
        raise PermissionDenied
    locked = _locked(item)
    _expect(locked, State.SUBMITTED)
    on = on or timezone.localdate()
    assert locked.submitted_on is not None
    if on < locked.submitted_on:
        raise _invalid(
            _("A review cannot be dated before the submission (%(date)s).")
            % {"date": locked.submitted_on.isoformat()},
            "before_submission",
        )
    locked.state = state
    locked.reviewed_on = on
    locked.reviewed_by = user
    return locked


def _notify_outcome(item: OpinionItem, title: str, body: str = "") -> None:
    notify(
        reporters(item),
        kind="opinion_reviewed",
        title=title % {"title": Truncator(item.title).chars(40)},
        body=body,
        url=item.get_absolute_url(),
        target=item,
    )


@transaction.atomic
def opinion_adopt(
    *,
    item: OpinionItem,
    user: User,
    edited_title: str = "",
    edited_text: str = "",
    on: datetime.date | None = None,
) -> OpinionItem:
    """submitted → adopted (采用), by staff, with the text sent up if they edited it (the
    submitted text stays as it was)."""
    item = _review(item, user, State.ADOPTED, on)
    item.reason = ""
    item.edited_title = edited_title.strip()
    item.edited_text = edited_text.strip()
    _record_author(item, user)
    item.save()
    _notify_outcome(item, _("Your public opinion item was adopted: %(title)s"))
    return item


@transaction.atomic
def opinion_set_sent_text(
    *, item: OpinionItem, user: User, edited_title: str = "", edited_text: str = ""
) -> OpinionItem:
    """Staff edit the text an adopted item is sent up with, until it is in an issue."""
    if not may_review(user):
        raise PermissionDenied
    item = _locked(item)
    _expect(item, State.ADOPTED)
    if item.issue_id:
        raise _invalid(_("This item is in an issue already; its text stays as it was sent."))
    item.edited_title = edited_title.strip()
    item.edited_text = edited_text.strip()
    _record_author(item, user)
    item.save()
    return item


def _with_reason(item: OpinionItem, user: User, state: str, reason: str, on) -> OpinionItem:
    reason = reason.strip()
    if not reason:
        raise _field_error("reason", _("Give the reason."), "no_reason")
    item = _review(item, user, state, on)
    item.reason = reason
    _record_author(item, user)
    item.save()
    return item


@transaction.atomic
def opinion_not_adopt(
    *, item: OpinionItem, user: User, reason: str, on: datetime.date | None = None
) -> OpinionItem:
    """submitted → not adopted (不采用), with the reason the reporter reads."""
    item = _with_reason(item, user, State.NOT_ADOPTED, reason, on)
    _notify_outcome(item, _("Your public opinion item was not adopted: %(title)s"), item.reason)
    return item


@transaction.atomic
def opinion_return(
    *, item: OpinionItem, user: User, reason: str, on: datetime.date | None = None
) -> OpinionItem:
    """submitted → returned for revision, with what to revise; the reporter edits and
    submits again."""
    item = _with_reason(item, user, State.RETURNED, reason, on)
    _notify_outcome(
        item, _("Your public opinion item was returned for revision: %(title)s"), item.reason
    )
    return item


# --- issues (期) -----------------------------------------------------------------------------


def _next_number(year: int) -> int:
    top = OpinionIssue.objects.filter(year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _lock_numbering(year: int) -> None:
    """Serialize the numbering of a year's issues until the transaction ends (PostgreSQL;
    an SQLite database has one writer at a time anyway) — `proposal_services`' pattern."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, year])


def issue_compile(
    *,
    user: User,
    items: Iterable[OpinionItem],
    compiled_on: datetime.date | None = None,
    recipients: str = "",
    editor_note: str = "",
    attempts: int = 5,
) -> OpinionIssue:
    """Compile adopted items (in no issue yet) into the next issue of the year (第 N 期),
    in the order given. Two staff compiling at once: the year's numbering is locked for
    the transaction and `opinionissue_number_unique` stays the backstop (a number taken
    anyway is retried with the next one); an item already taken by the other issue is
    refused (`opinionitem_issue_only_adopted` and the lock on the items)."""
    if not may_compile(user):
        raise PermissionDenied
    ids = [item.pk for item in items]
    if not ids:
        raise _field_error("items", _("Pick at least one adopted item."), "no_items")
    compiled_on = compiled_on or timezone.localdate()
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                locked = {
                    item.pk: item
                    for item in OpinionItem.objects.select_for_update(of=("self",)).filter(
                        pk__in=ids
                    )
                }
                taken = [i for i in locked.values() if i.state != State.ADOPTED or i.issue_id]
                if taken or len(locked) != len(set(ids)):
                    raise _field_error(
                        "items",
                        _("Only adopted items in no issue yet can be compiled: %(titles)s")
                        % {"titles": "、".join(i.title for i in taken) or "—"},
                        "taken",
                    )
                _lock_numbering(compiled_on.year)
                issue = OpinionIssue(
                    year=compiled_on.year,
                    number=_next_number(compiled_on.year),
                    compiled_on=compiled_on,
                    recipients=recipients.strip(),
                    editor_note=editor_note.strip(),
                    created_by=user,
                )
                _record_author(issue, user)
                issue.full_clean(validate_unique=False, validate_constraints=False)
                issue.save()
                for order, pk in enumerate(dict.fromkeys(ids), start=1):
                    item = locked[pk]
                    item.issue, item.issue_order = issue, order
                    _record_author(item, user)
                    item.save(update_fields=["issue", "issue_order", "updated_at"])
                return issue
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def issue_send(
    *, issue: OpinionIssue, user: User, sent_on: datetime.date, recipients: str
) -> OpinionIssue:
    """Record that the issue went out, when and to whom (县委、县政府、市政协 …)."""
    if not may_compile(user):
        raise PermissionDenied
    issue = OpinionIssue.objects.select_for_update().get(pk=issue.pk)
    if sent_on < issue.compiled_on:
        raise _field_error(
            "sent_on", _("An issue is sent after it is compiled."), "before_compiled"
        )
    recipients = recipients.strip()
    if not recipients:
        raise _field_error("recipients", _("Name the recipients."), "no_recipients")
    issue.sent_on, issue.recipients = sent_on, recipients
    _record_author(issue, user)
    issue.save()
    return issue


# --- what comes next ---------------------------------------------------------------------


@transaction.atomic
def opinion_instruct(
    *,
    user: User,
    leader_name: str,
    leader_title: str,
    instructed_on: datetime.date,
    text: str,
    item: OpinionItem | None = None,
    issue: OpinionIssue | None = None,
) -> OpinionInstruction:
    """A county leader's instruction (批示) on an adopted item or on an issue, written by
    the leader or entered by staff on the leader's behalf (recorded as such) — as the
    reports' `services.instruction_add`. The reporters are told."""
    if not may_instruct(user):
        raise PermissionDenied
    if (item is None) == (issue is None):
        raise TypeError("Instruct on one item or on one issue.")
    text, leader_name = text.strip(), leader_name.strip()
    if not text:
        raise _field_error("text", _("Write the text of the instruction."), "no_text")
    if not leader_name:
        raise _field_error(
            "leader_name", _("Name the leader who gave the instruction."), "no_leader"
        )
    if item is not None:
        _expect(item, State.ADOPTED)
        start = item.reviewed_on
    else:
        assert issue is not None
        start = issue.compiled_on
    if start and instructed_on < start:
        raise _field_error(
            "instructed_on",
            _("An instruction cannot be dated before %(date)s.") % {"date": start.isoformat()},
            "too_early",
        )
    instruction = OpinionInstruction(
        item=item,
        issue=issue,
        leader_name=leader_name,
        leader_title=leader_title.strip(),
        instructed_on=instructed_on,
        text=text,
        entered_by=user,
        on_behalf=not is_leader(user),
    )
    _record_author(instruction, user)
    instruction.save()
    targets = [item] if item is not None else list(issue.items.all()) if issue else []
    for target in targets:
        notify(
            reporters(target),
            kind="opinion_instructed",
            title=_("%(leader)s wrote an instruction on “%(title)s”")
            % {"leader": leader_name, "title": Truncator(target.title).chars(40)},
            body=text,
            url=target.get_absolute_url(),
            target=instruction,
        )
    return instruction


@transaction.atomic
def adoption_record(
    *,
    item: OpinionItem,
    user: User,
    level: str,
    kind: str,
    on: datetime.date,
    body: str,
    text: str = "",
) -> OpinionAdoption:
    """A higher level's adoption (采用) of an adopted item, or its leader's 批示."""
    if not may_record_adoption(user):
        raise PermissionDenied
    item = _locked(item)
    _expect(item, State.ADOPTED)
    if level not in OpinionAdoption.Level.values:
        raise _field_error("level", _("Pick the level."), "no_level")
    if kind not in OpinionAdoption.Kind.values:
        raise _field_error("kind", _("Pick what the level did."), "no_kind")
    if item.reviewed_on and on < item.reviewed_on:
        raise _field_error(
            "on",
            _("It cannot be dated before the county adopted it (%(date)s).")
            % {"date": item.reviewed_on.isoformat()},
            "too_early",
        )
    if (
        kind == OpinionAdoption.Kind.ADOPTED
        and item.adoptions.filter(level=level, kind=kind).exists()
    ):
        raise _field_error("level", _("This level's adoption is recorded already."), "duplicate")
    body = body.strip()
    if not body:
        raise _field_error("body", _("Say by whom."), "no_body")
    adoption = OpinionAdoption(
        item=item, level=level, kind=kind, on=on, body=body, text=text.strip(), created_by=user
    )
    _record_author(adoption, user)
    adoption.save()
    notify(
        reporters(item),
        kind="opinion_adopted_higher",
        title=_("%(level)s: %(kind)s — %(title)s")
        % {
            "level": adoption.get_level_display(),
            "kind": adoption.get_kind_display(),
            "title": Truncator(item.title).chars(40),
        },
        url=adoption.get_absolute_url(),
        target=item,
    )
    return adoption


def opinion_refer(
    *,
    item: OpinionItem,
    user: User,
    department: Department,
    referred_on: datetime.date,
    due_on: datetime.date,
    co_departments: Iterable[Department] = (),
    note: str = "",
) -> Referral:
    """Refer an adopted item to departments: the one handling chain's step."""
    if item.state != State.ADOPTED:
        raise _invalid(_("Only an adopted item is referred to departments."))
    return handling.referral_create(
        user=user,
        department=department,
        referred_on=referred_on,
        due_on=due_on,
        co_departments=co_departments,
        note=note,
        opinion=item,
    )
