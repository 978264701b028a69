"""Writes of the performance app: the ledger and evaluations (derived from the sources
listed in `ledger.py`, and kept current on save), attendance marking, the 列席 rotation
plan, staff adjustments."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Sum
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from apps.members.models import Member
from apps.venues.models import Assignment

from . import ledger
from .ledger import Collector, Fact, YearsFn
from .models import (
    Attendance,
    AttendanceBatch,
    Category,
    Evaluation,
    GradeThreshold,
    Meeting,
    PointEntry,
    PointRule,
)
from .rotation import Candidate, plan_rotation

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
TENTH = Decimal("0.1")
ZERO = Decimal("0.0")


# --------------------------------------------------------------------------- pure parts


def award(points: Decimal, cap: Decimal | None, count: int) -> list[tuple[Decimal, bool]]:
    """Points awarded to each of `count` facts of one rule for one member in a year, in
    order, and whether the cap cut them. A deduction's cap bounds what is lost."""
    result = []
    running = ZERO
    for _i in range(count):
        if cap is None:
            awarded = points
        elif points >= 0:
            awarded = max(ZERO, min(points, cap - running))
        else:
            awarded = min(ZERO, max(points, -cap - running))
        running += awarded
        result.append((awarded.quantize(TENTH), awarded != points))
    return result


def grade_for(total: Decimal, thresholds: Sequence[GradeThreshold]) -> GradeThreshold | None:
    """The grade of `total`: the highest threshold it reaches; below every threshold, the
    lowest grade. `thresholds` in any order; None when the year has none."""
    ordered = sorted(thresholds, key=lambda t: t.min_total, reverse=True)
    for threshold in ordered:
        if total >= threshold.min_total:
            return threshold
    return ordered[-1] if ordered else None


def competition_ranks(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """1, 2, 2, 4: members with equal totals share a rank."""
    ranks: dict[int, int] = {}
    previous = None
    rank = 0
    for position, (key, total) in enumerate(
        sorted(totals.items(), key=lambda kv: kv[1], reverse=True), start=1
    ):
        if total != previous:
            rank = position
            previous = total
        ranks[key] = rank
    return ranks


# --------------------------------------------------------------------------- history


def _history_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _bulk_history(model: type[models.Model], objs: Sequence, history_type: str, reason: str):
    """Historical rows of a bulk write (bulk_create/update/raw delete send no signals):
    one insert per BATCH_SIZE rows. (The bulk write itself moves the data version:
    `versions.watch_writes` sees its SQL.)"""
    if not objs:
        return
    # simple_history adds `history` to the models it tracks; it ships no types.
    history_model = model.history.model  # type: ignore[attr-defined]
    now = timezone.now()
    user = _history_user()
    fields = [f.attname for f in history_model.tracked_fields]
    history_model.objects.bulk_create(
        [
            history_model(
                history_date=now,
                history_user=user,
                history_change_reason=reason,
                history_type=history_type,
                **{name: getattr(obj, name) for name in fields},
            )
            for obj in objs
        ],
        batch_size=BATCH_SIZE,
    )


# --------------------------------------------------------------------------- the ledger


@dataclass
class DeriveResult:
    year: int
    configured: bool = True
    facts: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    evaluations: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _member_ids(members: Iterable[int | Member] | None) -> frozenset[int] | None:
    if members is None:
        return None
    return frozenset(m if isinstance(m, int) else m.pk for m in members)


@transaction.atomic
def ledger_derive(
    *,
    year: int,
    members: Iterable[int | Member] | None = None,
    collectors: Sequence[Collector] | None = None,
) -> DeriveResult:
    """Reconcile the year's ledger with what the source records say, then recompute the
    evaluations. Deriving twice changes nothing.

    Every collector of `ledger.COLLECTORS` (or of `collectors`, a test's) gives its facts
    (one or two queries each; see ledger.py for the data flow); a fact earns
    the points of its rule of the year, up to the rule's yearly cap (facts in date order).
    Lines whose fact vanished are deleted, new facts inserted, changed ones updated, all
    in bulk with their history; staff adjustments (no source) are never touched. A year
    without point rules is not evaluated. `members` limits the work to those members (an
    adjustment, a test); ranks are always recomputed over the whole year.
    """
    started = time.perf_counter()
    member_ids = _member_ids(members)
    # The rules double as the year's lock: two derivations of one year queue up.
    rules = list(PointRule.objects.select_for_update().filter(year=year))
    if not rules:
        return DeriveResult(year, configured=False)
    active = {rule.code: rule for rule in rules if rule.is_active}
    result = DeriveResult(year)

    facts: dict[tuple[int, str, int, int], Fact] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for collector in ledger.COLLECTORS if collectors is None else collectors:
            for fact in collector.collect(year=year, members=member_ids):
                if fact.rule_code not in active:
                    continue
                if member_ids is not None and fact.member_id not in member_ids:
                    continue
                facts.setdefault(fact.key, fact)
    result.facts = len(facts)

    # What the ledger should hold: key → (rule, fact, points, capped).
    grouped = defaultdict(list)
    for fact in facts.values():
        grouped[(fact.member_id, fact.rule_code)].append(fact)
    # (member, rule, source type, source) as the ledger's nullable columns read them.
    target: dict[
        tuple[int, int | None, int | None, int | None], tuple[PointRule, Fact, Decimal, bool]
    ] = {}
    for (member_id, code), group in grouped.items():
        rule = active[code]
        group.sort(key=lambda f: (f.date, f.source_type_id, f.source_id))
        for fact, (points, capped) in zip(
            group, award(rule.points, rule.cap, len(group)), strict=True
        ):
            target[(member_id, rule.pk, fact.source_type_id, fact.source_id)] = (
                rule,
                fact,
                points,
                capped,
            )

    existing = PointEntry.objects.filter(year=year, source_type__isnull=False)
    if member_ids is not None:
        existing = existing.filter(member_id__in=member_ids)
    to_update, to_delete, kept = [], [], set()
    for entry in existing:
        key = (entry.member_id, entry.rule_id, entry.source_type_id, entry.source_id)
        wanted = target.get(key)
        if wanted is None:
            to_delete.append(entry)
            continue
        kept.add(key)
        rule, fact, points, capped = wanted
        values = {
            "points": points,
            "capped": capped,
            "date": fact.date,
            "description": fact.description[:300],
            "category": rule.category,
        }
        if any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            to_update.append(entry)
    to_create = [
        PointEntry(
            year=year,
            member_id=fact.member_id,
            rule=rule,
            category=rule.category,
            points=points,
            capped=capped,
            date=fact.date,
            description=fact.description[:300],
            source_type_id=fact.source_type_id,
            source_id=fact.source_id,
        )
        for key, (rule, fact, points, capped) in target.items()
        if key not in kept
    ]

    write_reconciled(
        PointEntry,
        to_delete=to_delete,
        to_update=to_update,
        to_create=to_create,
        fields=["points", "capped", "date", "description", "category"],
        reason="ledger_derive",
    )
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(to_delete)
    result.evaluations = evaluations_recompute(year=year, members=member_ids)
    result.seconds = time.perf_counter() - started
    return result


def write_reconciled(
    model: type[models.Model],
    *,
    to_delete: Sequence[models.Model],
    to_update: Sequence[models.Model],
    to_create: Sequence[models.Model],
    fields: list[str],
    reason: str,
) -> None:
    """The writes of a reconciliation of derived lines (`ledger_derive`, the venues'
    `office_scores_derive`): raw deletes in batches (no per-row signals), a bulk update of
    `fields` and a bulk create, each with its history rows in bulk (`_bulk_history`); the
    writes move the data version through their SQL (`versions.watch_writes`)."""
    manager: Any = model._default_manager
    if to_delete:
        ids = [obj.pk for obj in to_delete]
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = manager.filter(pk__in=ids[start : start + BATCH_SIZE])
            chunk._raw_delete(chunk.db)
        _bulk_history(model, to_delete, "-", reason)
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
        _bulk_history(model, to_update, "~", reason)
    if to_create:
        created = manager.bulk_create(to_create, batch_size=BATCH_SIZE)
        _bulk_history(model, created, "+", reason)


def _population(year: int) -> set[int]:
    """Whom a year evaluates: the active members of the term(s) whose meetings fall in
    the year (the current term if none), and anyone with a ledger line. Two queries."""
    terms = set(
        Meeting.objects.of_year(year).order_by().values_list("term", flat=True).distinct()
    ) or {settings.CURRENT_TERM}
    return set(
        Member.objects.filter(term__in=terms, status=Member.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )


CATEGORY_FIELDS = {value: f"points_{value}" for value in Category.values}
TRACKED_FIELDS = ["total", *CATEGORY_FIELDS.values(), "grade_id"]


@transaction.atomic
def evaluations_recompute(*, year: int, members: Iterable[int | Member] | None = None) -> int:
    """Totals, points by category and grade of `members` (all the year's population when
    None) from their ledger lines; ranks over the whole year. Returns the number of
    evaluations written. A fixed number of queries."""
    member_ids = _member_ids(members)
    sums = PointEntry.objects.filter(year=year)
    if member_ids is not None:
        sums = sums.filter(member_id__in=member_ids)
    by_member: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for member_id, category, points in (
        sums.order_by().values_list("member_id", "category").annotate(points=Sum("points"))
    ):
        by_member[member_id][category] = Decimal(points or 0).quantize(TENTH)
    evaluations = {e.member_id: e for e in Evaluation.objects.filter(year=year)}
    if member_ids is None:
        population = _population(year) | set(by_member) | set(evaluations)
    else:
        population = set(member_ids)
    thresholds = list(GradeThreshold.objects.filter(year=year))

    to_create, changed, rank_only = [], [], []
    for member_id in population:
        points = by_member.get(member_id, {})
        amounts = {field: points.get(cat, ZERO) for cat, field in CATEGORY_FIELDS.items()}
        total = sum(amounts.values(), ZERO).quantize(TENTH)
        grade = grade_for(total, thresholds)
        values: dict[str, Decimal | int | None] = {
            **amounts,
            "total": total,
            "grade_id": grade.pk if grade else None,
        }
        evaluation = evaluations.get(member_id)
        if evaluation is None:
            evaluation = Evaluation(year=year, member_id=member_id, **values)
            evaluations[member_id] = evaluation
            to_create.append(evaluation)
        elif any(getattr(evaluation, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(evaluation, name, value)
            changed.append(evaluation)
    ranks = competition_ranks({m: e.total for m, e in evaluations.items()})
    pending = {id(e) for e in to_create} | {id(e) for e in changed}
    for member_id, evaluation in evaluations.items():
        if evaluation.rank != ranks[member_id]:
            evaluation.rank = ranks[member_id]
            if id(evaluation) not in pending:
                rank_only.append(evaluation)

    now = timezone.now()
    if changed:
        for evaluation in changed:
            evaluation.updated_at = now
        Evaluation.objects.bulk_update(
            changed, [*TRACKED_FIELDS, "rank", "updated_at"], batch_size=BATCH_SIZE
        )
        _bulk_history(Evaluation, changed, "~", "ledger_derive")
    if rank_only:
        Evaluation.objects.bulk_update(rank_only, ["rank"], batch_size=BATCH_SIZE)
    if to_create:
        created = Evaluation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        _bulk_history(Evaluation, created, "+", "ledger_derive")
    return len(to_create) + len(changed)


def adjustment_fields(*, year: int, points, reason: str, date: datetime.date) -> dict:
    """The fields of a staff adjustment (a member's ledger or a venue's score), checked:
    a reason is given and the date falls in the year."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if date.year != year:
        raise ValidationError(
            {"date": _("The date must fall in the year %(year)s.") % {"year": year}}
        )
    return {
        "year": year,
        "points": Decimal(points).quantize(TENTH),
        "date": date,
        "description": _("Adjustment: %(reason)s") % {"reason": reason[:250]},
        "reason": reason,
    }


@transaction.atomic
def ledger_adjust(
    *,
    member: Member,
    year: int,
    category: str,
    points: Decimal,
    reason: str,
    date: datetime.date,
    user,
) -> PointEntry:
    """A staff adjustment: points with a reason, recorded with who and when. It has no
    source, so derivation keeps it."""
    entry = PointEntry(
        member=member,
        category=category,
        created_by=user,
        **adjustment_fields(year=year, points=points, reason=reason, date=date),
    )
    entry.full_clean()
    entry.save()
    evaluations_recompute(year=year, members=[member.pk])
    return entry


@transaction.atomic
def ledger_adjustment_delete(*, entry: PointEntry) -> None:
    """Remove a staff adjustment (derived lines go only through derivation)."""
    if not entry.is_adjustment:
        raise ValidationError(_("Only adjustments can be deleted by hand."))
    year, member_id = entry.year, entry.member_id
    entry.delete()
    evaluations_recompute(year=year, members=[member_id])


# --------------------------------------------------------------------------- kept current on save


class PendingYears(threading.local):
    """The years waiting to be re-derived when the transaction commits, one set per
    database alias (and per thread, like Django's connections).

    `add()` notes years and queues an on-commit flush; the first flush to run derives
    every waiting year once, earliest first, and the others find nothing left — so a page
    that saves 200 attendance rows derives their year once. Queueing on every `add()`
    keeps a flush even when one queued in a savepoint that rolled back was dropped. Years
    noted in a transaction that rolls back wait and are derived with the next commit:
    needless but harmless."""

    def __init__(self, derive: Callable[..., object] | None = None) -> None:
        self.by_alias: dict[str, set[int]] = {}
        # What a flush runs for each year: the ledger's `ledger_derive` by default (looked
        # up when it runs); the office scores pass theirs (office_scores.py).
        self.derive = derive

    def note(self, years: Iterable[int | None], *, using: str | None = None) -> None:
        """Note years without queueing a flush (the next `add()` queues one for them)."""
        noted = {y for y in years if y}
        if noted:
            self.by_alias.setdefault(using or DEFAULT_DB_ALIAS, set()).update(noted)

    def add(self, years: Iterable[int | None], *, using: str | None = None) -> None:
        """Note years and, if any year waits (these, or some only noted before), queue a
        flush when the transaction commits (at once outside one)."""
        alias = using or DEFAULT_DB_ALIAS
        self.note(years, using=alias)
        if self.by_alias.get(alias):
            transaction.on_commit(lambda: self.flush(alias), using=alias, robust=True)

    def take(self, alias: str) -> int | None:
        """The earliest year waiting on `alias`, removed from the set; None if none."""
        years = self.by_alias.get(alias)
        if not years:
            return None
        year = min(years)
        years.discard(year)
        return year

    def flush(self, alias: str) -> None:
        """Derive every year waiting on `alias`. A failure is raised to `on_commit`, which
        logs it (`robust=True`): the person who saved never sees it; the years not yet
        derived wait for the next commit, and `manage.py derive_ledger` repairs."""
        derive = self.derive or ledger_derive
        while (year := self.take(alias)) is not None:
            derive(year=year)


pending = PendingYears()


def ledger_schedule(years: Iterable[int | None], *, using: str | None = None) -> None:
    """Re-derive these years when the current transaction commits (at once outside one).
    Bulk writes, which send no signals, call it themselves."""
    pending.add(years, using=using)


class ModelWatch:
    """The receivers that keep the ledger current for one model: a save notes the
    record's years before and after (a record moved to another year re-derives both), a
    delete its years, a many-to-many change the years of every record it touched."""

    def __init__(
        self,
        model: type[models.Model],
        years_fns: Sequence[YearsFn],
        *,
        waiting: PendingYears | None = None,
        name: str = "ledger",
    ) -> None:
        self.model = model
        self.years_fns = tuple(years_fns)
        # The years it notes and who derives them: the ledger's `pending` by default.
        self.waiting = waiting or pending
        self.name = name

    def years_of(self, instance) -> set[int]:
        years: set[int] = set()
        for fn in self.years_fns:
            try:
                years.update(y for y in fn(instance) if y)
            except Exception:  # a half-built instance: its years are unknown
                logger.debug("ledger: no year for %r", instance, exc_info=True)
        return years

    def pre_save(self, sender, instance, raw=False, using=None, **kwargs):
        if raw or instance.pk is None:
            return
        old = sender._base_manager.using(using).filter(pk=instance.pk).first()
        if old is not None:
            # Only noted: outside a transaction a flush now would derive the old year
            # before the row has left it. post_save queues the flush for both.
            self.waiting.note(self.years_of(old), using=using)

    def post_save(self, sender, instance, raw=False, using=None, **kwargs):
        if not raw:
            self.waiting.add(self.years_of(instance), using=using)

    def post_delete(self, sender, instance, using=None, **kwargs):
        self.waiting.add(self.years_of(instance), using=using)

    def m2m_changed(self, sender, instance, action, reverse, model, pk_set, using=None, **kw):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            self.waiting.add(self.years_of(instance), using=using)
        elif pk_set:
            # Changed from the other side (member.study_sessions.add(...)): every
            # touched record of the watched model.
            for obj in model._base_manager.using(using).filter(pk__in=pk_set):
                self.waiting.add(self.years_of(obj), using=using)

    def connect(self) -> None:
        """Connect the receivers (once: the dispatch uids make it idempotent)."""
        label = self.model._meta.label_lower
        for name, signal, receiver in (
            ("pre_save", pre_save, self.pre_save),
            ("post_save", post_save, self.post_save),
            ("post_delete", post_delete, self.post_delete),
        ):
            signal.connect(
                receiver,
                sender=self.model,
                weak=False,
                dispatch_uid=f"{self.name}.{label}.{name}",
            )
        for m2m in self.model._meta.many_to_many:
            m2m_changed.connect(
                self.m2m_changed,
                sender=m2m.remote_field.through,
                weak=False,
                dispatch_uid=f"{self.name}.{label}.m2m.{m2m.name}",
            )


def connect_receivers(
    collectors: Sequence[Collector],
    *,
    watched: Mapping[type[models.Model], Sequence[YearsFn]] | None = None,
    waiting: PendingYears | None = None,
    name: str = "ledger",
) -> None:
    """Keep the ledger current on changes to every model the collectors (and the rule
    table) watch: `ledger.watched_models`. Called from `PerformanceConfig.ready()`; the
    office scores pass their own `watched` models, `waiting` years and `name`."""
    if watched is None:
        watched = ledger.watched_models(collectors)
    for model, years_fns in watched.items():
        ModelWatch(model, years_fns, waiting=waiting, name=name).connect()


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class Mark:
    """What staff ticked for one member: a status (None: not recorded) and the role."""

    status: str | None
    role: str = Attendance.Role.MEMBER
    leave_approved: bool = False
    note: str = ""


@dataclass
class MarkResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0


@transaction.atomic
def attendance_mark(*, meeting: Meeting, marks: Mapping[int, Mark]) -> MarkResult:
    """Record the attendance of a meeting from the sign-in list in bulk: a fixed number of
    queries plus one per row cleared. The ledger of the meeting's year is re-derived when
    the transaction commits."""
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    to_create, to_update, to_delete = [], [], []
    for member_id, mark in marks.items():
        current = existing.get(member_id)
        if not mark.status:
            if current is not None:
                to_delete.append(current)
            continue
        values = {
            "status": mark.status,
            "role": mark.role,
            "leave_approved": bool(mark.leave_approved and mark.status == Attendance.Status.LEAVE),
            "note": (mark.note or "")[:200],
        }
        if current is None:
            to_create.append(Attendance(meeting=meeting, member_id=member_id, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            # A row corrected by hand is now the sheet's (the history keeps how it was).
            for name, value in {**values, "method": Attendance.Method.SHEET}.items():
                setattr(current, name, value)
            to_update.append(current)
    if to_update:
        Attendance.objects.bulk_update(
            to_update, ["status", "role", "leave_approved", "note", "method"]
        )
        _bulk_history(Attendance, to_update, "~", "")
    if to_create:
        created = Attendance.objects.bulk_create(to_create)
        _bulk_history(Attendance, created, "+", "")
    for attendance in to_delete:
        attendance.delete()
    if to_create or to_update or to_delete:
        ledger_schedule([meeting.date.year])
    return MarkResult(len(to_create), len(to_update), len(to_delete))


# --------------------------------------------------------------------------- rotation


def meetings_open_for_planning(term: int):
    """The term's standing meetings whose 列席 attendance is not recorded yet."""
    recorded = Attendance.objects.filter(role=Attendance.Role.OBSERVER).values("meeting_id")
    return (
        Meeting.objects.filter(term=term, kind=Meeting.Kind.STANDING)
        .exclude(pk__in=recorded)
        .order_by("date", "pk")
    )


@transaction.atomic
def rotation_plan(*, term: int, meetings: Sequence[Meeting]) -> list[AttendanceBatch]:
    """(Re)plan the 列席 batches of these standing meetings of the term.

    Meetings whose 列席 attendance is recorded keep their batch. Who owes a turn: the
    term's active non-standing members who have not attended as 列席 at a standing
    meeting of the term, nor are invited to another meeting still to come (an invited
    member who was absent owes it again). Sectors and the townships where members are
    stationed (venues) are spread across the batches."""
    open_ids = set(meetings_open_for_planning(term).values_list("pk", flat=True))
    meetings = sorted((m for m in meetings if m.pk in open_ids), key=lambda m: (m.date, m.pk))
    if not meetings:
        return []
    AttendanceBatch.objects.filter(meeting__in=meetings).delete()
    attended = set(
        Attendance.objects.attended()
        .filter(
            role=Attendance.Role.OBSERVER,
            meeting__term=term,
            meeting__kind=Meeting.Kind.STANDING,
        )
        .values_list("member_id", flat=True)
    )
    queued = set(
        AttendanceBatch.members.through.objects.filter(
            attendancebatch__term=term, attendancebatch__meeting_id__in=open_ids
        ).values_list("member_id", flat=True)
    )
    townships = Assignment.objects.current().member_townships()
    candidates = [
        Candidate(pk, sector_id, townships.get(pk))
        for pk, sector_id in Member.objects.filter(
            term=term, status=Member.Status.ACTIVE, is_standing=False
        )
        .order_by("pk")
        .values_list("pk", "sector_id")
    ]
    if not candidates:
        return []
    plan = plan_rotation(candidates, len(meetings), attended=attended | queued)
    batches = []
    for meeting, keys in zip(meetings, plan, strict=True):
        batch = AttendanceBatch.objects.create(term=term, meeting=meeting)
        batch.members.set(keys)
        batches.append(batch)
    return batches
