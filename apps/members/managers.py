"""Querysets of the members app: named scopes, one `with_related()` per page and
`for_user(user)` for row-level access (an object out of scope is simply not found)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from apps.accounts.roles import sees_everything

if TYPE_CHECKING:
    from apps.accounts.models import User

_LETTERS = re.compile(r"^[A-Za-z ]+$")
_DIGITS = re.compile(r"\d")


def stale_contact_days() -> int:
    return settings.PAIRING_CONTACT_STALE_DAYS


# Functions (user) -> Q | None that widen what a user may read of the roster: the venues
# app adds "the members stationed at the venues an office head manages" here.
extra_member_scopes: list[Callable[[User], Q | None]] = []


def member_scope_q(user: User) -> Q:
    """The members a user may read: staff and leaders all; a member themself; and what
    `extra_member_scopes` add (office heads: their venues' members, with the venues app)."""
    if sees_everything(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(user=user)
    for extra in extra_member_scopes:
        q = extra(user)
        if q is not None:
            scope |= q
    return scope


def pairing_scope_q(user: User, prefix: str = "") -> Q:
    """Pairings a user may read: staff and leaders all; a member the pairings they are in."""
    if sees_everything(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}cpc_member__user": user}) | Q(**{f"{prefix}partner__user": user})


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=self.model.Status.ACTIVE)

    def current_term(self):
        return self.filter(term=settings.CURRENT_TERM)

    def cpc(self):
        return self.filter(affiliation=self.model.Affiliation.CPC)

    def non_cpc(self):
        return self.exclude(affiliation=self.model.Affiliation.CPC)

    def standing(self):
        return self.filter(is_standing=True)

    def party_group(self):
        return self.filter(is_party_group=True, affiliation=self.model.Affiliation.CPC)

    def search(self, text: str, *, by_phone: bool = True):
        """Name substring, pinyin initials or pinyin prefix ("zs" and "zhang s" find 张三),
        member number or phone prefix (unless `by_phone` is false: a prefix search lets
        whoever may not read the phone numbers guess them digit by digit). One query; the
        two pinyin prefixes use pattern-ops indexes on PostgreSQL (a name substring cannot
        use a b-tree). NUL characters (refused by PostgreSQL) are dropped."""
        text = (text or "").replace("\x00", "").strip()[:50]
        if not text:
            return self
        if _LETTERS.match(text):
            letters = text.lower()
            compact = letters.replace(" ", "")
            return self.filter(
                Q(name_initials__startswith=compact)
                | Q(name_pinyin__startswith=" ".join(letters.split()))
            )
        if _DIGITS.search(text):
            match = Q(member_no__istartswith=text) | Q(name__contains=text)
            if by_phone:
                match |= Q(phone__startswith=text)
            return self.filter(match)
        return self.filter(name__contains=text)

    def for_user(self, user: User):
        return self.filter(member_scope_q(user))

    def with_related(self):
        """What a list row shows: the sector in the same query."""
        return self.select_related("sector")


class PairingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)

    def active_on(self, day: datetime.date):
        """The pairings in force on `day`: started by then and not ended by then (a
        pairing ended on a day no longer counts that day). A past year's coverage is
        counted with the pairings of its last day, not today's."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)

    def current_term(self):
        return self.filter(term=settings.CURRENT_TERM)

    def for_user(self, user: User):
        return self.filter(pairing_scope_q(user))

    def partner_names(self, member_ids) -> dict[int, list[str]]:
        """Member pk → the names of the members they are paired with in these pairings
        (both sides), for `member_ids`. One query."""
        ids = list(member_ids)
        names: dict[int, list[str]] = {}
        rows = self.filter(Q(cpc_member__in=ids) | Q(partner__in=ids)).values_list(
            "cpc_member_id", "partner_id", "cpc_member__name", "partner__name"
        )
        for cpc_id, partner_id, cpc_name, partner_name in rows:
            names.setdefault(cpc_id, []).append(partner_name)
            names.setdefault(partner_id, []).append(cpc_name)
        return names

    def with_related(self, *, until: datetime.date | None = None):
        """Both members and their sectors, and `last_contact` (the latest contact date, up
        to `until` when given): one query for any number of pairings."""
        return self.select_related(
            "cpc_member", "cpc_member__sector", "partner", "partner__sector"
        ).with_last_contact(until=until)

    def with_last_contact(self, *, until: datetime.date | None = None):
        """`last_contact`: the latest contact date up to `until` (None: any). A subquery
        per pairing (one probe of `contact_pairing_date_idx`), not a join of every contact
        record of every year grouped by the wide rows: with ten years that join was 5,490
        rows for 155 pairings."""
        from .models import ContactRecord

        latest = ContactRecord.objects.filter(pairing=OuterRef("pk"))
        if until:
            latest = latest.filter(date__lte=until)
        return self.annotate(last_contact=Subquery(latest.order_by("-date").values("date")[:1]))

    def stale(self, *, days: int | None = None, today: datetime.date | None = None):
        """Active pairings without a contact in the last `days` days (settings
        PAIRING_CONTACT_STALE_DAYS): a pairing started before the cut-off with no record
        since. Needs `with_related()` (or another `last_contact` annotation)."""
        today = today or timezone.localdate()
        cutoff = today - datetime.timedelta(days=days if days is not None else stale_contact_days())
        return self.filter(
            Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, started_on__lt=cutoff)
        )


class ContactRecordQuerySet(models.QuerySet):
    def for_user(self, user: User):
        return self.filter(pairing_scope_q(user, prefix="pairing__"))
