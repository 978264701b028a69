"""Where a member's points come from: every source of the ledger, in this one module.

The data flow, start to end:

1. A *collector* (below) reads one kind of record — meeting attendance, pairing contacts,
   duty reports, study sessions, consultation sessions, research teams, suggestions — and
   yields *facts*: "member M earns rule R because of record X on date D". `COLLECTORS`
   lists them all; there is no other source of points.
2. `services.ledger_derive(year=…)` asks every collector of `COLLECTORS` for the year's
   facts, gives each fact the points of its rule of the year (`PointRule`, seeded from
   `fixtures/point_rules.json`: points, yearly cap, on/off) and reconciles the ledger
   (`PointEntry`) with them; then it recomputes the evaluations (totals, grades, ranks).
3. The same `COLLECTORS` say which models keep the ledger current: each collector's
   `watch` maps a model it reads to the year(s) a record falls in (`watched_models()`
   adds the rule table, `RULE_TABLE`). `PerformanceConfig.ready()` connects
   save/delete/many-to-many receivers to exactly those models
   (`services.connect_receivers(COLLECTORS)`). A change notes its year(s) — before and
   after, so a record moved to another year re-derives both — and each noted year is
   derived once when the transaction commits (`services.PendingYears`).

So, why does attending a standing meeting earn 5 points? `collect_attendance` turns an
`Attendance` present (or late) at a standing meeting into a `Code.STANDING_ATTEND` fact,
and the rule `standing_attend` of the year says 5.0 (fixtures/point_rules.json).

A new source kind is one collector function here and one entry in `COLLECTORS`. Its
contract: keyword-only `year` and `members` (a frozenset of member ids, or None for all:
only a hint to narrow the query, facts of other members are dropped); a fixed number of
queries whatever the number of rows; deterministic (same records, same facts, the
description included, so deriving twice changes nothing); a ledger line links to its
source's `get_absolute_url()` unless `SOURCE_LINKS` says otherwise.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.consultation.models import (
    OpinionAdoption,
    OpinionInstruction,
    OpinionItem,
    Proposal,
    ProposalSigner,
    ResearchProject,
    Session,
    Suggestion,
)
from apps.core.access import readable_ids
from apps.members.models import ContactRecord, Pairing

from .models import Attendance, DutyReport, GradeThreshold, Meeting, PointRule, StudySession


class Code:
    """The rule codes the collectors emit; each is a `PointRule.code` of the year."""

    PLENARY_ATTEND = "plenary_attend"
    STANDING_ATTEND = "standing_attend"
    OTHER_MEETING_ATTEND = "meeting_attend"
    LEAVE_APPROVED = "leave_approved"
    ABSENCE = "absence_unexcused"
    LATE = "late_or_early"
    SESSION = "session_participation"
    RESEARCH_TEAM = "research_team"
    SUGGESTION_PROPOSED = "suggestion_proposed"
    SUGGESTION_ADOPTED = "suggestion_adopted"
    CONTACT = "contact_record"
    DUTY_REPORT = "duty_report"
    STUDY = "study_attend"
    PROPOSAL_INDIVIDUAL = "proposal_individual"
    PROPOSAL_JOINT_LEAD = "proposal_joint_lead"
    PROPOSAL_COSIGNED = "proposal_cosigned"
    PROPOSAL_REGISTERED = "proposal_registered"
    PROPOSAL_KEY = "proposal_key"
    PROPOSAL_OUTSTANDING = "proposal_outstanding"
    OPINION_SUBMITTED = "opinion_submitted"
    OPINION_ADOPTED = "opinion_adopted"
    OPINION_ADOPTED_HIGHER = "opinion_adopted_higher"
    OPINION_INSTRUCTED = "opinion_instructed"


class Fact(NamedTuple):
    """One reason for points: member, rule code, source record, date, description."""

    member_id: int
    rule_code: str
    source_type_id: int
    source_id: int
    date: datetime.date
    description: str

    @property
    def key(self) -> tuple[int, str, int, int]:
        return (self.member_id, self.rule_code, self.source_type_id, self.source_id)

    @staticmethod
    def type_id(model: type[models.Model]) -> int:
        """The content type id of a source model (cached by Django after the first call)."""
        return ContentType.objects.get_for_model(model, for_concrete_model=True).pk


CollectFn = Callable[..., Iterable[Fact]]
# Takes an instance of the model it watches: Any, as a mapping of models to functions
# cannot tie each function's parameter to its own key.
YearsFn = Callable[[Any], Iterable[int]]
LinkFn = Callable[[Any], str | None]


@dataclass(frozen=True)
class Collector:
    """One source kind: how its facts are collected, and which models' changes move them
    (model → the years an instance's facts fall in)."""

    kind: str
    collect: CollectFn
    watch: Mapping[type[models.Model], YearsFn] = field(default_factory=dict)


# --------------------------------------------------------------------------- meetings


ATTEND_CODE: dict[str, str] = {
    Meeting.Kind.PLENARY: Code.PLENARY_ATTEND,
    Meeting.Kind.STANDING: Code.STANDING_ATTEND,
}


def collect_attendance(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Present or late: the meeting kind's attendance rule (plenary, standing, else
    "other meeting"); late is also a deduction; approved leave earns the leave rule;
    unapproved leave or absence the absence deduction. The line says how the attendance
    was recorded (sheet, QR, leave request, closing). One query."""
    rows = Attendance.objects.filter(meeting__date__year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Attendance)
    statuses = dict(Attendance.Status.choices)
    methods = dict(Attendance.Method.choices)
    for pk, member_id, status, approved, kind, date, title, method in rows.values_list(
        "pk",
        "member_id",
        "status",
        "leave_approved",
        "meeting__kind",
        "meeting__date",
        "meeting__title",
        "method",
    ):
        described = f"{title} · {statuses[status]} · {methods.get(method, method)}"
        if status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
            code = ATTEND_CODE.get(kind, Code.OTHER_MEETING_ATTEND)
            yield Fact(member_id, code, type_id, pk, date, described)
        if status == Attendance.Status.LATE:
            yield Fact(member_id, Code.LATE, type_id, pk, date, described)
        if status == Attendance.Status.LEAVE and approved:
            yield Fact(member_id, Code.LEAVE_APPROVED, type_id, pk, date, described)
        if status == Attendance.Status.ABSENT or (
            status == Attendance.Status.LEAVE and not approved
        ):
            yield Fact(member_id, Code.ABSENCE, type_id, pk, date, described)


# --------------------------------------------------------------------------- pairings


def collect_contacts(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A contact record counts for both members of the pairing. One query."""
    rows = ContactRecord.objects.filter(date__year=year).order_by()
    if members is not None:
        rows = rows.filter(
            Q(pairing__cpc_member_id__in=members) | Q(pairing__partner_id__in=members)
        )
    type_id = Fact.type_id(ContactRecord)
    ways = dict(ContactRecord.Way.choices)
    for pk, date, way, cpc_id, partner_id, cpc_name, partner_name in rows.values_list(
        "pk",
        "date",
        "way",
        "pairing__cpc_member_id",
        "pairing__partner_id",
        "pairing__cpc_member__name",
        "pairing__partner__name",
    ):
        for member_id, other in ((cpc_id, partner_name), (partner_id, cpc_name)):
            description = _("Contact with %(name)s (%(way)s)") % {
                "name": other,
                "way": ways.get(way, way),
            }
            yield Fact(member_id, Code.CONTACT, type_id, pk, date, description)


def _pairing_years(pairing: Pairing) -> list[int]:
    return [d.year for d in pairing.contacts.dates("date", "year")]


# --------------------------------------------------------------------------- duty reports


def collect_duty_reports(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A submitted (or reviewed) duty report of the year. One query."""
    rows = DutyReport.objects.submitted().filter(year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(DutyReport)
    for pk, member_id, submitted_on in rows.values_list("pk", "member_id", "submitted_on"):
        date = submitted_on or datetime.date(year, 12, 31)
        description = _("Duty report for %(year)s") % {"year": year}
        yield Fact(member_id, Code.DUTY_REPORT, type_id, pk, date, description)


# --------------------------------------------------------------------------- study


def collect_study(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member attending a study session. One query."""
    through = StudySession.attendees.through
    rows = through.objects.filter(studysession__date__year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(StudySession)
    kinds = dict(StudySession.Kind.choices)
    for session_id, member_id, date, kind, subject in rows.values_list(
        "studysession_id",
        "member_id",
        "studysession__date",
        "studysession__kind",
        "studysession__subject",
    ):
        yield Fact(member_id, Code.STUDY, type_id, session_id, date, f"{kinds[kind]}：{subject}")


# --------------------------------------------------------------------------- consultation


def collect_sessions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member taking part in a published consultation session. One query.

    The year is the session's local (Asia/Shanghai) year — Django's `__year` lookup
    reads datetimes in the current time zone: a session on 1 January at 00:30 local time
    belongs to the new year even though it is still 31 December in UTC.
    """
    through = Session.members.through
    rows = through.objects.filter(
        session__state=Session.State.PUBLISHED,
        session__started_at__year=year,
    ).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Session)
    for session_id, member_id, started_at, venue, topic in rows.values_list(
        "session_id",
        "member_id",
        "session__started_at",
        "session__venue__name",
        "session__topic__title",
    ):
        local = timezone.localtime(started_at).date()
        description = _("Consultation session at %(venue)s: %(topic)s") % {
            "venue": venue,
            "topic": topic or "—",
        }
        yield Fact(member_id, Code.SESSION, type_id, session_id, local, description)


def _session_years(session: Session) -> list[int]:
    """The year of a held session (its members earn points once published; its
    suggestions count once it is submitted). A draft's or a returned session's save
    changes no fact, so it derives nothing: the watch notes the years before and after
    a save, so a session leaving or entering the held states still re-derives."""
    if session.state not in set(Session.HELD_STATES) or not session.started_at:
        return []
    return [timezone.localtime(session.started_at).year]


def project_date(actual_end, actual_start, planned_start):
    return actual_end or actual_start or planned_start


def project_dated(lookup: str, value, *, prefix: str = "researchproject__") -> Q:
    """The research projects (through `prefix`) whose date — the end, else the start,
    else the planned start (`project_date`) — matches `lookup` and `value`: ("year",
    2023) for the ledger's year, ("range", (first, last)) for a member's file's term."""

    def on(field: str, **absent) -> Q:
        return Q(**{f"{prefix}{field}__{lookup}": value}, **absent)

    return (
        on("actual_end")
        | on("actual_start", **{f"{prefix}actual_end__isnull": True})
        | on(
            "planned_start",
            **{f"{prefix}actual_end__isnull": True, f"{prefix}actual_start__isnull": True},
        )
    )


def collect_research_teams(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Serving on the team of a research project that got under way, dated by its end
    (else its start). One query."""
    through = ResearchProject.team.through
    rows = (
        through.objects.filter(project_dated("year", year))
        .exclude(researchproject__status=ResearchProject.Status.PLANNED)
        .order_by()
    )
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(ResearchProject)
    for project_id, member_id, end, start, planned, title in rows.values_list(
        "researchproject_id",
        "member_id",
        "researchproject__actual_end",
        "researchproject__actual_start",
        "researchproject__planned_start",
        "researchproject__title",
    ):
        description = _("Research team: %(title)s") % {"title": title}
        date = project_date(end, start, planned)
        yield Fact(member_id, Code.RESEARCH_TEAM, type_id, project_id, date, description)


def _project_years(project: ResearchProject) -> list[int]:
    date = project_date(project.actual_end, project.actual_start, project.planned_start)
    return [date.year] if date else []


def collect_suggestions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Proposing a suggestion (dated when raised) and, separately, a suggestion adopted
    in whole or in part (dated when decided); only suggestions raised to the committee
    (of a report, or of a session held: not a draft's or a returned one's). One query."""
    through = Suggestion.members.through
    adopted = Suggestion.ADOPTED_OUTCOMES
    rows = (
        through.objects.filter(
            Q(suggestion__raised_on__year=year)
            | Q(suggestion__outcome_on__year=year, suggestion__outcome__in=adopted)
        )
        .filter(suggestion__in=Suggestion.objects.raised().values("pk"))
        .order_by()
    )
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Suggestion)
    for suggestion_id, member_id, raised_on, outcome, outcome_on, text in rows.values_list(
        "suggestion_id",
        "member_id",
        "suggestion__raised_on",
        "suggestion__outcome",
        "suggestion__outcome_on",
        "suggestion__text",
    ):
        summary = text if len(text) <= 30 else f"{text[:30]}…"
        if raised_on and raised_on.year == year:
            description = _("Suggestion proposed: %(text)s") % {"text": summary}
            yield Fact(
                member_id, Code.SUGGESTION_PROPOSED, type_id, suggestion_id, raised_on, description
            )
        if outcome in adopted and outcome_on and outcome_on.year == year:
            description = _("Suggestion adopted: %(text)s") % {"text": summary}
            yield Fact(
                member_id, Code.SUGGESTION_ADOPTED, type_id, suggestion_id, outcome_on, description
            )


def _suggestion_years(suggestion: Suggestion) -> list[int]:
    """The years of a raised suggestion (of a report, or of a held session); a draft
    session's suggestions earn nothing until the session's own save holds it."""
    session = suggestion.session if suggestion.session_id else None
    if session is not None and session.state not in set(Session.HELD_STATES):
        return []
    return sorted({d.year for d in (suggestion.raised_on, suggestion.outcome_on) if d is not None})


def collect_proposals(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member's proposals (collective ones earn no member points), all lines linked to
    the proposal. The lead: an individual or a joint proposal submitted (dated when
    submitted), registered (立案, dated when decided), key (重点提案, dated when
    registered), outstanding (优秀提案, dated when marked). A confirmed co-signer of a
    joint proposal submitted: the co-signer rule; of an outstanding one: that rule too.
    One query (a row per proposal and co-signer)."""
    in_year = Q(submitted_on__year=year) | Q(decided_on__year=year) | Q(outstanding_on__year=year)
    rows = Proposal.objects.filter(in_year, proposer__isnull=False).exclude(
        state=Proposal.State.DRAFT
    )
    if members is not None:
        signed = ProposalSigner.objects.filter(member_id__in=members).values("proposal_id")
        rows = rows.filter(Q(proposer_id__in=members) | Q(pk__in=signed))
    type_id = Fact.type_id(Proposal)
    confirmed = ProposalSigner.State.CONFIRMED
    proposals: dict[int, tuple] = {}
    cosigners: dict[int, list[int]] = defaultdict(list)
    fields: tuple[str, ...] = ("pk", "proposer_id", "kind", "state", "title", "submitted_on")
    fields += ("decided_on", "is_key", "is_outstanding", "outstanding_on", "signers__member_id")
    for row in rows.order_by("pk", "signers__id").values_list(*fields, "signers__state"):
        proposals.setdefault(row[0], row[1:10])
        if row[10] is not None and row[11] == confirmed:
            cosigners[row[0]].append(row[10])
    numbered = set(Proposal.NUMBERED_STATES)
    for pk, (
        lead,
        kind,
        state,
        title,
        submitted,
        decided,
        key,
        outstanding,
        marked,
    ) in proposals.items():
        summary = title if len(title) <= 30 else f"{title[:30]}…"
        facts: list[tuple[int, str, datetime.date, str]] = []
        if submitted and submitted.year == year:
            code = (
                Code.PROPOSAL_JOINT_LEAD
                if kind == Proposal.Kind.JOINT
                else Code.PROPOSAL_INDIVIDUAL
            )
            facts.append((lead, code, submitted, _("Proposal submitted: %(t)s")))
            for member_id in cosigners.get(pk, ()):
                facts.append(
                    (member_id, Code.PROPOSAL_COSIGNED, submitted, _("Proposal co-signed: %(t)s"))
                )
        if state in numbered and decided and decided.year == year:
            facts.append((lead, Code.PROPOSAL_REGISTERED, decided, _("Proposal registered: %(t)s")))
            if key:
                facts.append((lead, Code.PROPOSAL_KEY, decided, _("Key proposal: %(t)s")))
        if outstanding and marked and marked.year == year:
            for member_id in (lead, *cosigners.get(pk, ())):
                facts.append(
                    (member_id, Code.PROPOSAL_OUTSTANDING, marked, _("Outstanding proposal: %(t)s"))
                )
        for member_id, code, date, text in facts:
            yield Fact(member_id, code, type_id, pk, date, text % {"t": summary})


def _proposal_years(proposal: Proposal) -> list[int]:
    dates = (proposal.submitted_on, proposal.decided_on, proposal.outstanding_on)
    return sorted({d.year for d in dates if d is not None})


def _signer_years(signer: ProposalSigner) -> list[int]:
    return _proposal_years(signer.proposal)


def collect_opinions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member's 社情民意 items (a liaison office's earn no member points: they count
    toward the office, `OpinionItem.objects.of_office`), every line linked to the item:
    submitted (dated when submitted), adopted by the county (when reviewed), adopted by a
    higher level (the highest level's adoption, dated then), with an instruction (the
    first 批示 on the item, on its issue or at a higher level). Three queries."""
    dated = (
        Q(submitted_on__year=year)
        | Q(reviewed_on__year=year)
        | Q(adoptions__on__year=year)
        | Q(instructions__instructed_on__year=year)
        | Q(issue__instructions__instructed_on__year=year)
    )
    rows = OpinionItem.objects.filter(member__isnull=False).exclude(state="draft")
    ids = OpinionItem.objects.filter(dated).values("pk")
    if members is not None:
        rows = rows.filter(member_id__in=members)
    items = list(
        rows.filter(pk__in=ids).values_list(
            "pk", "member_id", "title", "state", "submitted_on", "reviewed_on", "issue_id"
        )
    )
    if not items:
        return
    item_ids = [row[0] for row in items]
    higher: dict[int, tuple[int, datetime.date, str]] = {}
    instructed: dict[int, datetime.date] = {}
    for item_id, level, kind, on in OpinionAdoption.objects.filter(
        item_id__in=item_ids
    ).values_list("item_id", "level", "kind", "on"):
        if kind == OpinionAdoption.Kind.ADOPTED:
            rank = OpinionAdoption.LEVEL_RANK[OpinionAdoption.Level(level)]
            if item_id not in higher or rank > higher[item_id][0]:
                higher[item_id] = (rank, on, level)
        else:
            instructed[item_id] = min(on, instructed.get(item_id, on))
    issue_of = {row[0]: row[6] for row in items}
    by_issue: dict[int, datetime.date] = {}
    for item_id, issue_id, on in OpinionInstruction.objects.filter(
        Q(item_id__in=item_ids) | Q(issue_id__in={i for i in issue_of.values() if i})
    ).values_list("item_id", "issue_id", "instructed_on"):
        if item_id:
            instructed[item_id] = min(on, instructed.get(item_id, on))
        else:
            by_issue[issue_id] = min(on, by_issue.get(issue_id, on))
    for item_id, issue_id in issue_of.items():
        if issue_id in by_issue:
            on = by_issue[issue_id]
            instructed[item_id] = min(on, instructed.get(item_id, on))
    type_id = Fact.type_id(OpinionItem)
    levels = dict(OpinionAdoption.Level.choices)
    for pk, member_id, title, state, submitted, reviewed, _issue in items:
        summary = title if len(title) <= 30 else f"{title[:30]}…"
        facts: list[tuple[str, datetime.date | None, str]] = [
            (Code.OPINION_SUBMITTED, submitted, _("Public opinion item reported: %(t)s"))
        ]
        if state == OpinionItem.State.ADOPTED:
            facts.append((Code.OPINION_ADOPTED, reviewed, _("Public opinion item adopted: %(t)s")))
            if pk in higher:
                _rank, on, level = higher[pk]
                text = _("Adopted by the %(level)s level: %(t)s") % {
                    "level": levels[level],
                    "t": "%(t)s",
                }
                facts.append((Code.OPINION_ADOPTED_HIGHER, on, text))
            if pk in instructed:
                facts.append(
                    (Code.OPINION_INSTRUCTED, instructed[pk], _("Instruction on an item: %(t)s"))
                )
        for code, date, text in facts:
            if date is not None and date.year == year:
                yield Fact(member_id, code, type_id, pk, date, text % {"t": summary})


def _opinion_years(item: OpinionItem) -> list[int]:
    return sorted({d.year for d in (item.submitted_on, item.reviewed_on) if d is not None})


# --------------------------------------------------------------------------- the sources


COLLECTORS: tuple[Collector, ...] = (
    Collector(
        "attendance",
        collect_attendance,
        watch={
            Attendance: lambda a: [a.meeting.date.year],
            Meeting: lambda m: [m.date.year],
        },
    ),
    Collector(
        "contact_records",
        collect_contacts,
        watch={ContactRecord: lambda c: [c.date.year], Pairing: _pairing_years},
    ),
    Collector("duty_reports", collect_duty_reports, watch={DutyReport: lambda r: [r.year]}),
    Collector("study", collect_study, watch={StudySession: lambda s: [s.date.year]}),
    Collector("sessions", collect_sessions, watch={Session: _session_years}),
    Collector("research_teams", collect_research_teams, watch={ResearchProject: _project_years}),
    Collector("suggestions", collect_suggestions, watch={Suggestion: _suggestion_years}),
    Collector(
        "proposals",
        collect_proposals,
        watch={Proposal: _proposal_years, ProposalSigner: _signer_years},
    ),
    Collector(
        "opinions",
        collect_opinions,
        watch={
            OpinionItem: _opinion_years,
            OpinionAdoption: lambda a: [a.on.year],
            OpinionInstruction: lambda i: [i.instructed_on.year],
        },
    ),
)
"""Every source of points. `ledger_derive` reads exactly these; their `watch` models (and
the rule table) are the models that keep the ledger current."""

RULE_TABLE: Mapping[type[models.Model], YearsFn] = {
    PointRule: lambda r: [r.year],
    GradeThreshold: lambda g: [g.year],
}
"""Changing a year's point rules or grade thresholds re-derives the year too."""


def watched_models(
    collectors: Sequence[Collector] = COLLECTORS,
) -> dict[type[models.Model], list[YearsFn]]:
    """Each model whose changes move points → the functions giving an instance's years."""
    watched: dict[type[models.Model], list[YearsFn]] = defaultdict(list)
    for collector in collectors:
        for model, years in collector.watch.items():
            watched[model].append(years)
    for model, years in RULE_TABLE.items():
        watched[model].append(years)
    return dict(watched)


# --------------------------------------------------------------------------- source links


def _contact_link(entry) -> str:
    """Contact records live on the member's page (members app)."""
    return reverse("members:detail", args=[entry.member_id])


def _proposal_link(entry) -> str:
    """Every proposal line (lead, co-signer, registered, key, outstanding) opens the
    proposal itself, by id: no query for the proposal's row."""
    return reverse("consultation:proposal_detail", args=[entry.source_id])


def _opinion_link(entry) -> str:
    """Every 社情民意 line opens the item itself, by id: no query for the item's row."""
    return reverse("consultation:opinion_detail", args=[entry.source_id])


SOURCE_LINKS: Mapping[type[models.Model], LinkFn] = {
    ContactRecord: _contact_link,
    Proposal: _proposal_link,
    OpinionItem: _opinion_link,
}
"""Source models whose ledger line does not link to their `get_absolute_url()`:
`link(entry)` gives a URL or None (and may raise NoReverseMatch)."""


def link_for(entry) -> str | None:
    """The URL of an entry's source record, or None (an adjustment, a source that has no
    page, a deleted source). No query once the sources are prefetched."""
    if entry.source_type_id is None:
        return None
    model = entry.source_type.model_class()
    try:
        if model in SOURCE_LINKS:
            return SOURCE_LINKS[model](entry)
        source = entry.source
        if source is None or not hasattr(source, "get_absolute_url"):
            return None
        return source.get_absolute_url()
    except NoReverseMatch:
        return None


def attach_links(entries: Iterable, user) -> None:
    """Set `entry.link` on each ledger entry: its source's URL when `user` may read the
    source (the model's `for_user`; no link for a model without one), else None. One
    query per kind of source, none for staff and leaders."""
    entries = list(entries)
    by_model: dict[type[models.Model], list] = defaultdict(list)
    for entry in entries:
        entry.link = None
        if entry.source_type_id is not None and entry.source is not None:
            by_model[entry.source_type.model_class()].append(entry)
    for model, model_entries in by_model.items():
        scoped = model._default_manager.all()
        if not hasattr(scoped, "for_user"):
            continue
        readable = readable_ids(scoped.for_user(user), (e.source for e in model_entries))
        for entry in model_entries:
            if entry.source.pk in readable:
                entry.link = link_for(entry)
