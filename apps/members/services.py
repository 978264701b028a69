"""Writes that change a state or span models, and the coverage figures of 双联."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContactRecord, Member, Pairing

if TYPE_CHECKING:
    from apps.accounts.models import User


class MemberHasRecords(Exception):
    """A member with records is archived, never deleted."""


# --- members -------------------------------------------------------------------------


@transaction.atomic
def member_archive(*, member: Member, left_on: datetime.date | None = None) -> Member:
    """Archive a member: status archived, the date of leaving (today by default) set,
    and their active pairings ended on that date (their history stays). A date of
    leaving before the date of joining is refused (ValidationError on `left_on`)."""
    left_on = left_on or timezone.localdate()
    if member.joined_on and left_on < member.joined_on:
        raise ValidationError(
            {
                "left_on": _(
                    "The date of leaving must not be before the date of joining (%(date)s)."
                )
                % {"date": member.joined_on.isoformat()}
            }
        )
    member.status = Member.Status.ARCHIVED
    member.left_on = member.left_on or left_on
    member.save()
    for pairing in Pairing.objects.active().filter(Q(cpc_member=member) | Q(partner=member)):
        pairing.ended_on = max(left_on, pairing.started_on)
        pairing.save()
    return member


@transaction.atomic
def member_restore(*, member: Member) -> Member:
    member.status = Member.Status.ACTIVE
    member.left_on = None
    member.save()
    return member


def member_delete(*, member: Member) -> None:
    """Delete a member entered by mistake. Refused (MemberHasRecords) once anything
    refers to them: pairings, sector links, and whatever later apps protect."""
    try:
        with transaction.atomic():
            member.delete()
    except ProtectedError as error:
        raise MemberHasRecords(str(member)) from error


# --- pairings --------------------------------------------------------------------------


@transaction.atomic
def pairing_create(
    *,
    cpc_member: Member,
    partner: Member,
    started_on: datetime.date,
    note: str = "",
    term: int | None = None,
) -> Pairing:
    """Pair a CPC member with a non-CPC member. The database refuses a second active
    pairing of the same non-CPC member in a term; `clean()` says so first, in words."""
    pairing = Pairing(
        cpc_member=cpc_member,
        partner=partner,
        started_on=started_on,
        note=note,
        term=term or cpc_member.term,
    )
    pairing.full_clean()
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError as error:  # a concurrent pairing of the same partner
        raise ValidationError(
            {
                "partner": _("%(name)s already has an active pairing in this term.")
                % {"name": partner.name}
            }
        ) from error
    return pairing


@transaction.atomic
def pairing_end(*, pairing: Pairing, ended_on: datetime.date | None = None) -> Pairing:
    """End a pairing; the row and its contact records stay as history."""
    if not pairing.is_active:
        raise ValidationError(_("This pairing has already ended."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("The end date must not be before the start date.")})
    pairing.ended_on = ended_on
    pairing.save()
    return pairing


def may_add_contact(user: User, pairing: Pairing) -> bool:
    """Staff for every pairing; the CPC member of an active pairing for their own."""
    if user.has_perm("members.add_contactrecord"):
        return True
    return pairing.is_active and pairing.cpc_member.user_id == user.pk and user.pk is not None


@transaction.atomic
def contact_record_create(
    *, pairing: Pairing, user: User, date: datetime.date, way: str, content: str
) -> ContactRecord:
    if not may_add_contact(user, pairing):
        raise PermissionError("not allowed to add a contact record to this pairing")
    record = ContactRecord(pairing=pairing, date=date, way=way, content=content, created_by=user)
    record.full_clean()
    record.save()
    return record


# --- coverage --------------------------------------------------------------------------


def _cutoff(today: datetime.date | None) -> tuple[datetime.date, int]:
    days = settings.PAIRING_CONTACT_STALE_DAYS
    return (today or timezone.localdate()) - datetime.timedelta(days=days), days


def coverage_counts(*, term: int | None = None, today: datetime.date | None = None) -> dict:
    """The four numbers of the home page, with the pairings in force on `today` (a past
    year's last day for a past year: `as_of`): two queries whatever the size of the
    roster."""
    term = term or settings.CURRENT_TERM
    today = today or timezone.localdate()
    active_pairings = Pairing.objects.filter(term=term).active_on(today)
    counts = (
        Member.objects.filter(term=term)
        .active()
        .annotate(
            paired=Exists(active_pairings.filter(partner=OuterRef("pk"))),
            leading=Exists(active_pairings.filter(cpc_member=OuterRef("pk"))),
        )
        .aggregate(
            non_cpc=Count("pk", filter=~Q(affiliation=Member.Affiliation.CPC)),
            covered=Count("pk", filter=~Q(affiliation=Member.Affiliation.CPC) & Q(paired=True)),
            cpc_pairing=Count("pk", filter=Q(affiliation=Member.Affiliation.CPC, leading=True)),
        )
    )
    counts["stale"] = active_pairings.with_last_contact(until=today).stale(today=today).count()
    counts["days"] = settings.PAIRING_CONTACT_STALE_DAYS
    return counts


@dataclass
class Load:
    """One CPC member and the non-CPC members they are paired with."""

    member: Member
    pairings: list[Pairing] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pairings)


@dataclass
class Coverage:
    term: int
    days: int
    loads: list[Load]
    idle_cpc: list[Member]
    unpaired: list[Member]
    stale: list[Pairing]
    covered: int

    @property
    def cpc_pairing(self) -> int:
        return len(self.loads)

    @property
    def non_cpc(self) -> int:
        return self.covered + len(self.unpaired)

    @property
    def load_histogram(self) -> list[tuple[int, int]]:
        """(number of partners, number of CPC members with that many)."""
        histogram: dict[int, int] = {}
        for load in self.loads:
            histogram[load.count] = histogram.get(load.count, 0) + 1
        return sorted(histogram.items())


def coverage_report(*, term: int | None = None, today: datetime.date | None = None) -> Coverage:
    """Everything the coverage page shows, counted at `today` (a past year's last day for
    `?year=`: the pairings in force then, contacts up to then), in three queries for any
    number of members: the pairings (both members' names, last contact), the unpaired
    non-CPC members (with their sectors), and the CPC members without a pairing. The
    members carry only the fields the coverage page reads (`.only()`)."""
    term = term or settings.CURRENT_TERM
    today = today or timezone.localdate()
    cutoff, days = _cutoff(today)
    active_pairings = Pairing.objects.filter(term=term).active_on(today)
    # The fields the page shows and sorts by (a few of each member's forty: a tenth of
    # the rows' cost), the latest contact up to `today`.
    pairings = list(
        active_pairings.select_related("cpc_member", "partner")
        .only(
            "started_on",
            "cpc_member__name",
            "cpc_member__name_pinyin",
            "cpc_member__work_unit",
            "partner__name",
            "partner__name_pinyin",
            "partner__status",
        )
        .with_last_contact(until=today)
        .order_by("cpc_member__name_pinyin", "cpc_member__pk", "partner__name_pinyin")
    )
    loads: dict[int, Load] = {}
    stale = []
    covered = set()
    for pairing in pairings:
        loads.setdefault(pairing.cpc_member_id, Load(pairing.cpc_member)).pairings.append(pairing)
        pairing.stale = (pairing.last_contact or pairing.started_on) < cutoff
        if pairing.stale:
            stale.append(pairing)
        if pairing.partner.is_active:
            covered.add(pairing.partner_id)
    members = Member.objects.filter(term=term).active()
    unpaired = list(
        members.non_cpc()
        .with_related()
        .exclude(Exists(active_pairings.filter(partner=OuterRef("pk"))))
        .only("name", "name_pinyin", "sector__name")
    )
    idle_cpc = list(
        members.cpc()
        .exclude(Exists(active_pairings.filter(cpc_member=OuterRef("pk"))))
        .only("name", "name_pinyin")
    )
    stale.sort(key=lambda p: (p.last_contact or datetime.date.min, p.cpc_member.name_pinyin))
    return Coverage(
        term=term,
        days=days,
        loads=list(loads.values()),
        idle_cpc=idle_cpc,
        unpaired=unpaired,
        stale=stale,
        covered=len(covered),
    )
