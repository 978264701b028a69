"""Where a venue's score comes from: every source of the office evaluation, in this one
module (the Guangshui model: the 16 liaison offices and the 5 member homes are scored
like members). It follows `ledger.py` step by step:

1. A *collector* (below) reads one kind of record — the venue's published sessions, the
   members stationed there who took part, the suggestions raised at its sessions, the
   months without a session — and yields *facts*: "venue V earns rule R because of
   record X on date D, quantity Q". `COLLECTORS` lists them all; there is no other source.
2. `office_scores_derive(year=…)` asks every collector for the year's facts, gives each
   fact the points of its rule of the year (`OfficeRule`, seeded from
   `fixtures/office_rules.json`: points per unit, yearly cap, on/off) times its quantity,
   and reconciles the score lines (`OfficeScoreLine`) with them; staff adjustments (no
   source, a reason) are never touched. Then it recomputes `OfficeScore` (total and rank
   among the venues of the same kind).
3. The collectors' `watch` maps (plus the rule table) say which models keep the scores
   current: `PerformanceConfig.ready()` connects them with the ledger's own machinery
   (`services.connect_receivers` with this module's `pending` years), so a saved session
   moves its office's score when the transaction commits. `manage.py derive_ledger`
   repairs nightly (it derives the office scores too).

A new source kind (社情民意 items of a venue, for instance) is one collector function here,
one `OfficeCollector` entry in `COLLECTORS` (with the models it watches) and its rules in
`fixtures/office_rules.json`. Its contract: keyword-only `year`; a fixed number of
queries whatever the number of rows; deterministic (deriving twice changes nothing); a
line links to its source's `get_absolute_url()` unless `ledger.SOURCE_LINKS` says
otherwise, and only for users who may read the source (`ledger.attach_links`).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.consultation.models import OpinionItem, Proposal, Session, SessionPhoto, Suggestion
from apps.venues.models import Assignment, Venue

from .ledger import (
    Fact,
    YearsFn,
    _opinion_years,
    _proposal_years,
    _session_years,
    _suggestion_years,
)
from .models import OfficeRule, OfficeScore, OfficeScoreLine
from .services import (
    TENTH,
    ZERO,
    PendingYears,
    _bulk_history,
    adjustment_fields,
    competition_ranks,
    connect_receivers,
    write_reconciled,
)

# A session's minutes count as complete from this many characters.
MINUTES_MIN_CHARS = 50
# Submitted within this many days of the session: on time; later than LATE_DAYS: late.
ON_TIME_DAYS = 7
LATE_DAYS = 30
HUNDREDTH = Decimal("0.01")


class Code:
    """The rule codes the collectors emit; each is an `OfficeRule.code` of the year."""

    SESSION_PREFIX = "session_"  # + the session's form: session_on_site, session_symposium …
    TURNOUT = "member_turnout"
    SUGGESTION_RAISED = "suggestion_raised"
    SUGGESTION_ADOPTED = "suggestion_adopted"
    PHOTOS = "session_photos"
    MINUTES = "session_minutes"
    ON_TIME = "submitted_on_time"
    LATE = "submitted_late"
    IDLE_MONTH = "month_without_session"
    PROPOSAL = "proposal_by_stationed"
    OPINION_SUBMITTED = "opinion_submitted"
    OPINION_ADOPTED = "opinion_adopted"

    @classmethod
    def session(cls, form: str) -> str:
        return f"{cls.SESSION_PREFIX}{form}"


class OfficeFact(NamedTuple):
    """One reason for points: venue, rule code, source record, date, description and the
    quantity the rule's points are multiplied by (1 for a record; a share for turnout)."""

    venue_id: int
    rule_code: str
    source_type_id: int
    source_id: int
    date: datetime.date
    description: str
    quantity: Decimal = Decimal(1)

    @property
    def key(self) -> tuple[int, str, int, int, datetime.date]:
        return (self.venue_id, self.rule_code, self.source_type_id, self.source_id, self.date)


@dataclass(frozen=True)
class OfficeCollector:
    """One source kind: its facts (`collect(year=…)`) and the models whose changes move
    them (model → the years an instance's facts fall in)."""

    kind: str
    collect: Callable[..., Iterable[OfficeFact]]
    watch: Mapping[type[models.Model], YearsFn] = field(default_factory=dict)


def _summary(text: str, length: int = 30) -> str:
    return text if len(text) <= length else f"{text[:length]}…"


# --------------------------------------------------------------------------- sessions


def collect_sessions(*, year: int) -> Iterator[OfficeFact]:
    """A published session of the year (its local year): the rule of its form; photos
    and minutes present; submitted on time (within ON_TIME_DAYS days) or late (after
    LATE_DAYS days). One query."""
    rows = (
        Session.objects.filter(state=Session.State.PUBLISHED, started_at__year=year)
        .annotate(n_photos=Count("photos"), minutes_length=Length("minutes"))
        .order_by()
        .values_list(
            "pk",
            "venue_id",
            "form",
            "started_at",
            "submitted_at",
            "topic__title",
            "n_photos",
            "minutes_length",
        )
    )
    type_id = Fact.type_id(Session)
    forms = dict(Session.Form.choices)
    for pk, venue_id, form, started_at, submitted_at, topic, photos, minutes in rows:
        held = timezone.localtime(started_at).date()
        what = f"{held:%m-%d} {forms.get(form, form)}：{_summary(topic or '—')}"
        yield OfficeFact(venue_id, Code.session(form), type_id, pk, held, what)
        if photos:
            text = _("Photos of the session (%(n)s): %(what)s") % {"n": photos, "what": what}
            yield OfficeFact(venue_id, Code.PHOTOS, type_id, pk, held, text)
        if (minutes or 0) >= MINUTES_MIN_CHARS:
            text = _("Minutes of the session: %(what)s") % {"what": what}
            yield OfficeFact(venue_id, Code.MINUTES, type_id, pk, held, text)
        if submitted_at is not None:
            days = (timezone.localtime(submitted_at).date() - held).days
            params = {"days": days, "what": what}
            if days <= ON_TIME_DAYS:
                text = _("Submitted %(days)s days after the session: %(what)s") % params
                yield OfficeFact(venue_id, Code.ON_TIME, type_id, pk, held, text)
            elif days > LATE_DAYS:
                text = _("Submitted late, %(days)s days after the session: %(what)s") % params
                yield OfficeFact(venue_id, Code.LATE, type_id, pk, held, text)


def _photo_years(photo: SessionPhoto) -> list[int]:
    return _session_years(photo.session)


# --------------------------------------------------------------------------- turnout


def collect_turnout(*, year: int) -> Iterator[OfficeFact]:
    """The share of the members stationed at a venue during the year who took part in at
    least one of its published sessions of the year: one line per venue with stationed
    members, dated the year's last day, quantity the share (0–1). Two queries."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    stationed: dict[int, set[int]] = defaultdict(set)
    for venue_id, member_id in (
        Assignment.objects.overlapping(first, last)
        .filter(started_on__lte=last)
        .order_by()
        .values_list("venue_id", "member_id")
    ):
        stationed[venue_id].add(member_id)
    if not stationed:
        return
    took_part: dict[int, set[int]] = defaultdict(set)
    through = Session.members.through
    for venue_id, member_id in (
        through.objects.filter(
            session__state=Session.State.PUBLISHED,
            session__started_at__year=year,
            session__venue_id__in=list(stationed),
        )
        .order_by()
        .values_list("session__venue_id", "member_id")
        .distinct()
    ):
        took_part[venue_id].add(member_id)
    type_id = Fact.type_id(Venue)
    for venue_id, members in sorted(stationed.items()):
        active = len(members & took_part[venue_id])
        share = (Decimal(active) / Decimal(len(members))).quantize(HUNDREDTH)
        text = _(
            "Stationed members who took part in a session: %(active)s of %(total)s (%(pct)s%%)"
        ) % {"active": active, "total": len(members), "pct": round(100 * share)}
        yield OfficeFact(venue_id, Code.TURNOUT, type_id, venue_id, last, text, share)


def _assignment_years(assignment: Assignment) -> list[int]:
    end = assignment.ended_on or timezone.localdate()
    return list(range(assignment.started_on.year, max(end.year, assignment.started_on.year) + 1))


# --------------------------------------------------------------------------- suggestions


def collect_suggestions(*, year: int) -> Iterator[OfficeFact]:
    """A suggestion raised at a venue's published session (dated when raised) and,
    separately, adopted in whole or in part (dated when decided). One query."""
    adopted = Suggestion.ADOPTED_OUTCOMES
    rows = (
        Suggestion.objects.filter(session__state=Session.State.PUBLISHED)
        .filter(Q(raised_on__year=year) | Q(outcome_on__year=year, outcome__in=adopted))
        .order_by()
        .values_list("pk", "session__venue_id", "raised_on", "outcome", "outcome_on", "text")
    )
    type_id = Fact.type_id(Suggestion)
    for pk, venue_id, raised_on, outcome, outcome_on, text in rows:
        summary = _summary(text)
        if raised_on and raised_on.year == year:
            description = _("Suggestion raised: %(text)s") % {"text": summary}
            yield OfficeFact(venue_id, Code.SUGGESTION_RAISED, type_id, pk, raised_on, description)
        if outcome in adopted and outcome_on and outcome_on.year == year:
            description = _("Suggestion adopted: %(text)s") % {"text": summary}
            yield OfficeFact(
                venue_id, Code.SUGGESTION_ADOPTED, type_id, pk, outcome_on, description
            )


# --------------------------------------------------------------------------- idle months


def collect_idle_months(*, year: int) -> Iterator[OfficeFact]:
    """Each month of the year without a published session at an active venue, counted
    up to the last month that has ended (a past year: all twelve; the current year: the
    months before this one). One line per venue and month, dated the month's first day
    and linked to the venue. Two queries."""
    today = timezone.localdate()
    last_month = 12 if year < today.year else today.month - 1 if year == today.year else 0
    if last_month < 1:
        return
    venues = list(Venue.objects.active().order_by().values_list("pk", flat=True))
    busy = {
        (venue_id, timezone.localtime(started).month)
        for venue_id, started in Session.objects.filter(
            state=Session.State.PUBLISHED, started_at__year=year
        )
        .order_by()
        .values_list("venue_id", "started_at")
    }
    type_id = Fact.type_id(Venue)
    for venue_id in venues:
        for month in range(1, last_month + 1):
            if (venue_id, month) in busy:
                continue
            text = _("No session in %(year)s-%(month)02d") % {"year": year, "month": month}
            day = datetime.date(year, month, 1)
            yield OfficeFact(venue_id, Code.IDLE_MONTH, type_id, venue_id, day, text)


# --------------------------------------------------------------------------- proposals


def collect_proposals(*, year: int) -> Iterator[OfficeFact]:
    """A proposal submitted in the year by a member stationed at a liaison office on the
    day it was submitted (the office's members at work), dated when submitted and linked
    to the proposal. Two queries."""
    rows = list(
        Proposal.objects.filter(submitted_on__year=year, proposer__isnull=False)
        .exclude(state=Proposal.State.DRAFT)
        .order_by()
        .values_list("pk", "proposer_id", "proposer__name", "submitted_on", "title")
    )
    if not rows:
        return
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    periods: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for member_id, venue_id, started, ended in (
        Assignment.objects.overlapping(first, last)
        .filter(member_id__in={row[1] for row in rows})
        .order_by()
        .values_list("member_id", "venue_id", "started_on", "ended_on")
    ):
        periods[member_id].append((venue_id, started, ended))
    type_id = Fact.type_id(Proposal)
    for pk, member_id, name, submitted, title in rows:
        if submitted is None:  # the year's filter excludes it; for the type checker
            continue
        for venue_id, started, ended in periods.get(member_id, ()):
            if started <= submitted and (ended is None or submitted <= ended):
                text = _("Proposal by %(name)s, stationed here: %(title)s") % {
                    "name": name,
                    "title": _summary(title),
                }
                yield OfficeFact(venue_id, Code.PROPOSAL, type_id, pk, submitted, text)
                break


# --------------------------------------------------------------------------- 社情民意


def collect_opinions(*, year: int) -> Iterator[OfficeFact]:
    """A 社情民意 item the liaison office reported for its residents
    (`OpinionItem.objects.of_office`): submitted (dated when submitted) and, separately,
    adopted by the committee (dated when reviewed), each linked to the item. Members' own
    items earn the members' points (the ledger), not the office's. One query."""
    rows = (
        OpinionItem.objects.filter(venue__isnull=False)
        .exclude(state=OpinionItem.State.DRAFT)
        .filter(Q(submitted_on__year=year) | Q(reviewed_on__year=year))
        .order_by()
        .values_list("pk", "venue_id", "state", "submitted_on", "reviewed_on", "title")
    )
    type_id = Fact.type_id(OpinionItem)
    for pk, venue_id, state, submitted_on, reviewed_on, title in rows:
        if submitted_on and submitted_on.year == year:
            text = _("Public opinion item reported: %(title)s") % {"title": _summary(title)}
            yield OfficeFact(venue_id, Code.OPINION_SUBMITTED, type_id, pk, submitted_on, text)
        if state == OpinionItem.State.ADOPTED and reviewed_on and reviewed_on.year == year:
            text = _("Public opinion item adopted: %(title)s") % {"title": _summary(title)}
            yield OfficeFact(venue_id, Code.OPINION_ADOPTED, type_id, pk, reviewed_on, text)


# --------------------------------------------------------------------------- the sources


COLLECTORS: tuple[OfficeCollector, ...] = (
    OfficeCollector(
        "sessions",
        collect_sessions,
        watch={Session: _session_years, SessionPhoto: _photo_years},
    ),
    OfficeCollector(
        "turnout",
        collect_turnout,
        watch={Session: _session_years, Assignment: _assignment_years},
    ),
    OfficeCollector("suggestions", collect_suggestions, watch={Suggestion: _suggestion_years}),
    # A venue opened or closed joins the scores at the next derivation (the nightly
    # `derive_ledger --all`, or "Re-derive now" on the ranking).
    OfficeCollector("idle_months", collect_idle_months, watch={Session: _session_years}),
    OfficeCollector(
        "proposals",
        collect_proposals,
        watch={Proposal: _proposal_years, Assignment: _assignment_years},
    ),
    OfficeCollector("opinions", collect_opinions, watch={OpinionItem: _opinion_years}),
)
"""Every source of the office scores. `office_scores_derive` reads exactly these; their
`watch` models (and `OfficeRule`) keep the scores current."""


def watched_models(
    collectors: Sequence[OfficeCollector] = COLLECTORS,
) -> dict[type[models.Model], list[YearsFn]]:
    """Each model whose changes move office scores → the functions giving its years."""
    watched: dict[type[models.Model], list[YearsFn]] = defaultdict(list)
    for collector in collectors:
        for model, years in collector.watch.items():
            if years not in watched[model]:
                watched[model].append(years)
    watched[OfficeRule].append(lambda rule: [rule.year])
    return dict(watched)


# --------------------------------------------------------------------------- derivation


@dataclass
class OfficeDeriveResult:
    year: int
    configured: bool = True
    facts: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    scores: int = 0
    seconds: float = 0.0


def award_amounts(amounts: Sequence[Decimal], cap: Decimal | None) -> list[tuple[Decimal, bool]]:
    """The points each of a venue's facts of one rule earns in a year, in order, and
    whether the cap cut it: like `services.award`, for amounts that differ (a share)."""
    result = []
    running = ZERO
    for amount in amounts:
        if cap is None:
            awarded = amount
        elif amount >= 0:
            awarded = max(ZERO, min(amount, cap - running))
        else:
            awarded = min(ZERO, max(amount, -cap - running))
        running += awarded
        result.append((awarded.quantize(TENTH), awarded.quantize(TENTH) != amount.quantize(TENTH)))
    return result


LineKey = tuple[int, int | None, int | None, int | None, datetime.date]


@transaction.atomic
def office_scores_derive(
    *, year: int, collectors: Sequence[OfficeCollector] | None = None
) -> OfficeDeriveResult:
    """Reconcile the year's score lines with what the records say, then recompute the
    totals and ranks. Deriving twice changes nothing; adjustments are kept. A year
    without office rules is not scored. About a dozen queries whatever the rows."""
    started = time.perf_counter()
    # The rules double as the year's lock: two derivations of one year queue up.
    rules = list(OfficeRule.objects.select_for_update().filter(year=year))
    if not rules:
        return OfficeDeriveResult(year, configured=False)
    active = {rule.code: rule for rule in rules if rule.is_active}
    result = OfficeDeriveResult(year)

    facts: dict[tuple, OfficeFact] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for collector in COLLECTORS if collectors is None else collectors:
            for fact in collector.collect(year=year):
                if fact.rule_code in active:
                    facts.setdefault(fact.key, fact)
    result.facts = len(facts)

    grouped: dict[tuple[int, str], list[OfficeFact]] = defaultdict(list)
    for fact in facts.values():
        grouped[(fact.venue_id, fact.rule_code)].append(fact)
    target: dict[LineKey, tuple[OfficeRule, OfficeFact, Decimal, bool]] = {}
    for (venue_id, code), group in grouped.items():
        rule = active[code]
        group.sort(key=lambda f: (f.date, f.source_type_id, f.source_id))
        amounts = [rule.points * fact.quantity for fact in group]
        for fact, (points, capped) in zip(group, award_amounts(amounts, rule.cap), strict=True):
            wanted: LineKey = (venue_id, rule.pk, fact.source_type_id, fact.source_id, fact.date)
            target[wanted] = (rule, fact, points, capped)

    to_update, to_delete, kept = [], [], set()
    for line in OfficeScoreLine.objects.filter(year=year, source_type__isnull=False):
        key = (line.venue_id, line.rule_id, line.source_type_id, line.source_id, line.date)
        found = target.get(key)
        if found is None:
            to_delete.append(line)
            continue
        kept.add(key)
        _rule, fact, points, capped = found
        values = {
            "points": points,
            "capped": capped,
            "quantity": fact.quantity.quantize(HUNDREDTH),
            "description": fact.description[:300],
        }
        if any(getattr(line, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(line, name, value)
            to_update.append(line)
    to_create = [
        OfficeScoreLine(
            year=year,
            venue_id=fact.venue_id,
            rule=rule,
            quantity=fact.quantity.quantize(HUNDREDTH),
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
        OfficeScoreLine,
        to_delete=to_delete,
        to_update=to_update,
        to_create=to_create,
        fields=["points", "capped", "quantity", "description"],
        reason="office_scores_derive",
    )
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(to_delete)
    result.scores = office_scores_recompute(year=year)
    result.seconds = time.perf_counter() - started
    return result


@transaction.atomic
def office_scores_recompute(*, year: int) -> int:
    """Each venue's total of the year from its lines (every active venue is scored, zero
    without lines) and its rank among the venues of its kind. Returns the number of
    scores written. Four queries and the writes."""
    totals = {
        venue_id: Decimal(points or 0).quantize(TENTH)
        for venue_id, points in OfficeScoreLine.objects.filter(year=year)
        .order_by()
        .values_list("venue_id")
        .annotate(points=Sum("points"))
    }
    scores = {s.venue_id: s for s in OfficeScore.objects.filter(year=year)}
    kinds = dict(
        Venue.objects.filter(Q(is_active=True) | Q(pk__in=[*totals, *scores]))
        .order_by()
        .values_list("pk", "kind")
    )
    to_create, changed = [], []
    for venue_id in kinds:
        total = totals.get(venue_id, ZERO)
        score = scores.get(venue_id)
        if score is None:
            score = scores[venue_id] = OfficeScore(year=year, venue_id=venue_id, total=total)
            to_create.append(score)
        elif score.total != total:
            score.total = total
            changed.append(score)
    by_kind: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for venue_id, score in scores.items():
        by_kind[kinds.get(venue_id, "")][venue_id] = score.total
    ranks: dict[int, int] = {}
    for kind_totals in by_kind.values():
        ranks.update(competition_ranks(kind_totals))
    pending_ids = {id(s) for s in to_create} | {id(s) for s in changed}
    rank_only = []
    for venue_id, score in scores.items():
        if score.rank != ranks[venue_id]:
            score.rank = ranks[venue_id]
            if id(score) not in pending_ids:
                rank_only.append(score)
    now = timezone.now()
    if changed:
        for score in changed:
            score.updated_at = now
        OfficeScore.objects.bulk_update(changed, ["total", "rank", "updated_at"])
        _bulk_history(OfficeScore, changed, "~", "office_scores_derive")
    if rank_only:
        OfficeScore.objects.bulk_update(rank_only, ["rank"])
    if to_create:
        created = OfficeScore.objects.bulk_create(to_create)
        _bulk_history(OfficeScore, created, "+", "office_scores_derive")
    return len(to_create) + len(changed)


@transaction.atomic
def office_score_adjust(
    *,
    venue: Venue,
    year: int,
    points: Decimal,
    reason: str,
    date: datetime.date,
    user,
) -> OfficeScoreLine:
    """A staff adjustment of a venue's score: points with a reason, recorded with who and
    when. It has no source, so derivation keeps it."""
    line = OfficeScoreLine(
        venue=venue,
        created_by=user,
        **adjustment_fields(year=year, points=points, reason=reason, date=date),
    )
    line.full_clean()
    line.save()
    office_scores_recompute(year=year)
    return line


@transaction.atomic
def office_score_adjustment_delete(*, line: OfficeScoreLine) -> None:
    """Remove a staff adjustment (derived lines go only through derivation)."""
    if not line.is_adjustment:
        raise ValidationError(_("Only adjustments can be deleted by hand."))
    year = line.year
    line.delete()
    office_scores_recompute(year=year)


# --------------------------------------------------------------------------- kept current


def _derive_year(*, year: int) -> None:
    office_scores_derive(year=year)


pending = PendingYears(derive=_derive_year)
"""The years whose office scores wait for the commit (the ledger's machinery)."""


def office_scores_schedule(years: Iterable[int | None], *, using: str | None = None) -> None:
    """Re-derive these years' office scores when the transaction commits."""
    pending.add(years, using=using)


def connect() -> None:
    """Keep the office scores current: called once from `PerformanceConfig.ready()`."""
    connect_receivers((), watched=watched_models(), waiting=pending, name="office_scores")
