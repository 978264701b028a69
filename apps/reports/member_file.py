"""The member's file (履职档案) of a term: what the 换届 review reads of one member — who
they are, where they are stationed, their pairing, meetings, sessions, research,
suggestions, proposals, 社情民意 items, duty reports and the points of every year of the term.

The file is a tuple of *sections* (`SECTIONS`, like the work report's chapters of parts).
A section is a function `section(members, ctx) -> {member_id: FileSection}` that reads
its records for all `members` at once, in a fixed number of queries whatever their
number: so one member's page, a sector's print page and the whole roster's .docx cost
the same queries per section. A `FileSection` is one shape for every section — facts
(label, value, link) and a table of lines, each line linked to its record — so the page,
the print layout and the .docx render any section without knowing it.

A new source is one function below and one entry in `SECTIONS` (社情民意 joined so).

What a file holds is the member's official record, the same for every reader who may
open it (the records the points ledger counts: published sessions, raised suggestions,
submitted proposals and 社情民意 items, submitted duty reports); a line links to its
record only when the reader's `for_user` of that record holds it (`FileContext.links`),
as the ledger does.
Personal fields (date of birth, mobile) are named, never printed here: the page shows
them through `{% personal %}`, the .docx through `personal.export_value`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.consultation.models import (
    OpinionAdoption,
    OpinionItem,
    Proposal,
    ProposalSigner,
    Referral,
    ResearchProject,
    Session,
    Suggestion,
)
from apps.members.models import ContactRecord, Member, Pairing
from apps.performance.ledger import project_date, project_dated
from apps.performance.models import (
    Attendance,
    AttendanceBatch,
    DutyReport,
    Evaluation,
    Meeting,
    PointEntry,
)
from apps.venues.models import Assignment, Venue

from .file_parts import (
    Fact,
    FileContext,
    FileSection,
    Line,
    SectionFn,
    short,
    term_years,
    url_if,
    ymd,
)

# --------------------------------------------------------------------------- identity


def identity(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """Who the member is; no query (the members come with their sectors)."""
    files = {}
    for m in members:
        affiliation = m.get_affiliation_display()
        if m.is_party_group:
            affiliation += f" · {_('party-group member')}"
        facts = [
            Fact(_("Member number"), f"{m.member_no} · " + _("Term %(t)s") % {"t": m.term}),
            Fact(_("Sector"), m.sector.name),
            Fact(_("Political affiliation"), affiliation),
            Fact(_("Standing committee member"), _("Yes") if m.is_standing else _("No")),
            Fact(_("Gender"), f"{m.get_gender_display()} · {m.ethnicity}"),
            Fact(_("Date of birth"), personal="birth_date"),
            Fact(_("Work unit"), m.work_unit or "—"),
            Fact(_("Job title"), m.title or "—"),
            Fact(_("Mobile phone"), personal="phone"),
            Fact(
                _("Joined on"),
                (ymd(m.joined_on) or "—") + (f" — {ymd(m.left_on)}" if m.left_on else ""),
            ),
            Fact(_("Status"), m.get_status_display()),
        ]
        files[m.pk] = FileSection("identity", _("Identity"), facts=facts)
    return files


# --------------------------------------------------------------------------- places


def stationing(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """Stationings at member homes and liaison offices overlapping the term, and the
    venues the member directs or convenes. Three queries."""
    ids = [m.pk for m in members]
    assignments = list(
        Assignment.objects.filter(member_id__in=ids, started_on__lte=ctx.last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=ctx.first))
        .select_related("venue__township")
        .order_by("started_on", "pk")
    )
    roles: dict[int, list[tuple[str, Venue]]] = defaultdict(list)
    venues = Venue.objects.filter(Q(director_id__in=ids) | Q(conveners__in=ids)).prefetch_related(
        Prefetch("conveners", queryset=Member.objects.only("pk"))
    )
    for venue in venues.distinct():
        if venue.director_id in ids:
            roles[venue.director_id].append((_("Director"), venue))
        for convener in venue.conveners.all():
            if convener.pk in ids:
                roles[convener.pk].append((_("Convener"), venue))
    readable = ctx.links(
        Venue, [a.venue_id for a in assignments] + [v.pk for r in roles.values() for _r, v in r]
    )
    by_member: dict[int, list[Line]] = defaultdict(list)
    for a in assignments:
        venue = a.venue
        by_member[a.member_id].append(
            Line(
                (
                    ymd(a.started_on),
                    venue.name,
                    venue.get_kind_display(),
                    venue.township.name if venue.township else "—",
                    ymd(a.ended_on) or _("now"),
                ),
                url_if(readable, venue.pk, venue.get_absolute_url()),
            )
        )
    files = {}
    for m in members:
        facts = [
            Fact(role, venue.name, url_if(readable, venue.pk, venue.get_absolute_url()) or "")
            for role, venue in roles.get(m.pk, [])
        ]
        files[m.pk] = FileSection(
            "stationing",
            _("Stationing and venue"),
            facts=facts,
            columns=(_("From"), _("Venue"), _("Kind"), _("Township"), _("Until")),
            lines=by_member.get(m.pk, []),
        )
    return files


def pairing(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """双联: the pairings overlapping the term and their contact records of the term (the
    points ledger counts each for both members). Two queries (and one for the links)."""
    ids = [m.pk for m in members]
    pairings = list(
        Pairing.objects.filter(Q(cpc_member_id__in=ids) | Q(partner_id__in=ids))
        .filter(started_on__lte=ctx.last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=ctx.first))
        .select_related("cpc_member", "partner")
        .order_by("started_on", "pk")
    )
    by_pk = {p.pk: p for p in pairings}
    contacts = list(
        ContactRecord.objects.filter(pairing_id__in=by_pk, date__range=(ctx.first, ctx.last))
        .only("pk", "pairing_id", "date", "way", "content")
        .order_by("date", "pk")
    )
    readable = ctx.links(Pairing, by_pk)
    facts: dict[int, list[Fact]] = defaultdict(list)
    lines: dict[int, list[Line]] = defaultdict(list)
    for p in pairings:
        for member_id, other in ((p.cpc_member_id, p.partner), (p.partner_id, p.cpc_member)):
            period = f"{ymd(p.started_on)} — {ymd(p.ended_on) or _('now')}"
            facts[member_id].append(
                Fact(
                    _("Paired with"),
                    f"{other.name}（{period}）",
                    url_if(readable, p.pk, p.get_absolute_url()) or "",
                )
            )
    ways = dict(ContactRecord.Way.choices)
    for c in contacts:
        p = by_pk[c.pairing_id]
        url = url_if(readable, p.pk, p.get_absolute_url())
        # What was said is the pair's record: only for who may read the pairing (staff,
        # leaders, the pair); another reader (an office head) sees what the ledger shows.
        content = short(c.content) if url else "—"
        for member_id, other in ((p.cpc_member_id, p.partner), (p.partner_id, p.cpc_member)):
            lines[member_id].append(
                Line((ymd(c.date), other.name, ways.get(c.way, c.way), content), url)
            )
    files = {}
    for m in members:
        mine = lines.get(m.pk, [])
        files[m.pk] = FileSection(
            "pairing",
            _("Pairing and contacts"),
            facts=[*facts.get(m.pk, []), Fact(_("Contact records"), len(mine))],
            columns=(_("Date"), _("With"), _("Way"), _("Content")),
            lines=mine,
        )
    return files


# --------------------------------------------------------------------------- meetings


def meetings(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """Every attendance row of the term's meetings (present, late, on leave, absent; as
    a member or 列席) and the 列席 batches the member was invited with. Two queries (and
    one for the links)."""
    ids = [m.pk for m in members]
    rows = list(
        Attendance.objects.filter(member_id__in=ids, meeting__date__range=(ctx.first, ctx.last))
        .select_related("meeting")
        .order_by("meeting__date", "meeting_id")
    )
    batches: dict[int, list[AttendanceBatch]] = defaultdict(list)
    through = AttendanceBatch.members.through
    for link in (
        through.objects.filter(
            member_id__in=ids, attendancebatch__meeting__date__range=(ctx.first, ctx.last)
        )
        .select_related("attendancebatch__meeting")
        .order_by("attendancebatch__meeting__date")
    ):
        batches[link.member_id].append(link.attendancebatch)
    readable = ctx.links(Meeting, [r.meeting_id for r in rows])
    batch_readable = ctx.links(AttendanceBatch, [b.pk for bs in batches.values() for b in bs])
    S = Attendance.Status
    by_member: dict[int, list[Attendance]] = defaultdict(list)
    for row in rows:
        by_member[row.member_id].append(row)
    files = {}
    for m in members:
        mine = by_member.get(m.pk, [])
        counts = {status: sum(r.status == status for r in mine) for status in S.values}
        unapproved = sum(r.status == S.LEAVE and not r.leave_approved for r in mine)
        lines = [
            Line(
                (
                    ymd(r.meeting.date),
                    r.meeting.title,
                    r.meeting.get_kind_display(),
                    r.get_role_display(),
                    r.get_status_display()
                    + (
                        f" · {_('not approved')}"
                        if r.status == S.LEAVE and not r.leave_approved
                        else ""
                    ),
                ),
                url_if(readable, r.meeting_id, r.get_absolute_url()),
            )
            for r in mine
        ]
        facts = [
            Fact(_("Attended (present or late)"), counts[S.PRESENT] + counts[S.LATE]),
            Fact(_("Of which late or left early"), counts[S.LATE]),
            Fact(_("On leave"), counts[S.LEAVE] - unapproved),
            Fact(_("Absent (incl. leave not approved)"), counts[S.ABSENT] + unapproved),
            Fact(
                _("Turns as invited attendee (列席)"),
                len(batches.get(m.pk, [])),
            ),
            *(
                Fact(
                    _("Invited attendee (列席) batch"),
                    f"{ymd(b.meeting.date)} {b.meeting.title}",
                    url_if(batch_readable, b.pk, b.get_absolute_url()) or "",
                )
                for b in batches.get(m.pk, [])
            ),
        ]
        files[m.pk] = FileSection(
            "meetings",
            _("Meetings and invited attendance (列席)"),
            facts=facts,
            columns=(_("Date"), _("Meeting"), _("Kind"), _("Role"), _("Attendance")),
            lines=lines,
        )
    return files


# --------------------------------------------------------------------------- consultation


def sessions(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The published consultation sessions the member took part in (what the ledger
    counts). One query (and one for the links)."""
    ids = [m.pk for m in members]
    through = Session.members.through
    rows = list(
        through.objects.filter(
            member_id__in=ids,
            session__state=Session.State.PUBLISHED,
            session__started_at__date__range=(ctx.first, ctx.last),
        )
        .select_related("session__venue", "session__topic")
        .order_by("session__started_at", "session_id")
    )
    readable = ctx.links(Session, [r.session_id for r in rows])
    lines: dict[int, list[Line]] = defaultdict(list)
    for r in rows:
        s = r.session
        lines[r.member_id].append(
            Line(
                (
                    ymd(s.started_at),
                    s.topic.title if s.topic else s.place,
                    s.venue.name,
                    s.get_form_display(),
                ),
                url_if(readable, s.pk, s.get_absolute_url()),
            )
        )
    return {
        m.pk: FileSection(
            "sessions",
            _("Consultation sessions"),
            facts=[Fact(_("Sessions taken part in"), len(lines.get(m.pk, [])))],
            columns=(_("Date"), _("Topic"), _("Venue"), _("Form")),
            lines=lines.get(m.pk, []),
        )
        for m in members
    }


def research(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The research teams served on (projects under way), dated as the ledger dates them:
    by the end, else the start, else the planned start. One query (and one for links)."""
    ids = [m.pk for m in members]
    through = ResearchProject.team.through
    rows = list(
        through.objects.filter(project_dated("range", (ctx.first, ctx.last)), member_id__in=ids)
        .exclude(researchproject__status=ResearchProject.Status.PLANNED)
        .select_related("researchproject__topic")
    )
    readable = ctx.links(ResearchProject, [r.researchproject_id for r in rows])
    found: dict[int, list[tuple[datetime.date, Line]]] = defaultdict(list)
    for r in rows:
        p = r.researchproject
        date = project_date(p.actual_end, p.actual_start, p.planned_start)
        found[r.member_id].append(
            (
                date,
                Line(
                    (ymd(date), p.title, p.topic.title if p.topic else "—", p.get_status_display()),
                    url_if(readable, p.pk, p.get_absolute_url()),
                ),
            )
        )
    files = {}
    for m in members:
        lines = [line for _d, line in sorted(found.get(m.pk, []), key=lambda x: (x[0], x[1].cells))]
        files[m.pk] = FileSection(
            "research",
            _("Research teams"),
            facts=[Fact(_("Research teams served on"), len(lines))],
            columns=(_("Date"), _("Project"), _("Topic"), _("Status")),
            lines=lines,
        )
    return files


def suggestions(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The suggestions the member proposed (raised to the committee in the term), with
    their outcome and handling progress. Two queries (and one for the links)."""
    ids = [m.pk for m in members]
    through = Suggestion.members.through
    pairs = list(
        through.objects.filter(
            member_id__in=ids,
            suggestion__raised_on__range=(ctx.first, ctx.last),
            suggestion__in=Suggestion.objects.raised().values("pk"),
        ).values_list("member_id", "suggestion_id")
    )
    by_pk = {
        s.pk: s
        for s in Suggestion.objects.filter(pk__in={pk for _m, pk in pairs})
        .with_progress(ctx.today)
        .select_related("report", "session__venue")
    }
    readable = ctx.links(Suggestion, by_pk)
    progress = dict(Suggestion.Progress.choices)
    # Annotated with `progress` and `referral_count` (`with_progress`).
    mine: dict[int, list[Any]] = defaultdict(list)
    for member_id, pk in pairs:
        mine[member_id].append(by_pk[pk])
    files = {}
    for m in members:
        rows = sorted(mine.get(m.pk, []), key=lambda s: (s.raised_on, s.pk))
        lines = [
            Line(
                (
                    ymd(s.raised_on),
                    short(s.text),
                    s.report.title
                    if s.report_id
                    else (s.session.venue.name if s.session_id else _("Proposal not registered")),
                    s.get_outcome_display() or "—",
                    progress.get(s.progress, s.progress),
                ),
                url_if(readable, s.pk, s.get_absolute_url()),
            )
            for s in rows
        ]
        adopted = sum(s.outcome in Suggestion.ADOPTED_OUTCOMES for s in rows)
        files[m.pk] = FileSection(
            "suggestions",
            _("Suggestions"),
            facts=[
                Fact(_("Suggestions proposed"), len(rows)),
                Fact(_("Adopted in whole or in part"), adopted),
                Fact(_("Referred to departments"), sum(s.referral_count > 0 for s in rows)),
            ],
            columns=(_("Raised on"), _("Suggestion"), _("Source"), _("Outcome"), _("Progress")),
            lines=lines,
        )
    return files


def proposals(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The proposals the member led or co-signed (confirmed) that were submitted in the
    term, with their status and handling result (the reply's class, the proposer's
    rating). Three queries (and one for the links)."""
    ids = [m.pk for m in members]
    confirmed = ProposalSigner.State.CONFIRMED
    signed = ProposalSigner.objects.filter(member_id__in=ids, state=confirmed)
    rows: list[Any] = list(  # annotated and with prefetched lists
        Proposal.objects.submitted()
        .filter(submitted_on__range=(ctx.first, ctx.last))
        .filter(Q(proposer_id__in=ids) | Q(pk__in=signed.values("proposal_id")))
        .with_status(ctx.today)
        .prefetch_related(
            Prefetch(
                "signers",
                queryset=ProposalSigner.objects.filter(member_id__in=ids, state=confirmed),
                to_attr="file_signers",
            ),
            Prefetch(
                "referrals",
                queryset=Referral.objects.order_by("-round_number", "-referred_on", "-pk"),
                to_attr="file_referrals",
            ),
        )
        .order_by("submitted_on", "pk")
    )
    readable = ctx.links(Proposal, [p.pk for p in rows])
    mine: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for p in rows:
        if p.proposer_id in ids:
            mine[p.proposer_id].append(
                (p, _("Lead") if p.kind == Proposal.Kind.JOINT else _("Individual"))
            )
        for signer in p.file_signers:
            mine[signer.member_id].append((p, _("Co-signer")))
    files = {}
    for m in members:
        entries = mine.get(m.pk, [])
        lines = []
        for p, role in entries:
            replied = next((r for r in p.file_referrals if r.implementation), None)
            result = [replied.get_implementation_display()] if replied else []
            if p.rating:
                result.append(p.get_rating_display())
            lines.append(
                Line(
                    (
                        ymd(p.submitted_on),
                        f"{p.numbered} {p.title}".strip(),
                        role,
                        p.get_status_display(),
                        " · ".join(str(r) for r in result) or "—",
                    ),
                    url_if(readable, p.pk, p.get_absolute_url()),
                )
            )
        registered = sum(p.state in Proposal.NUMBERED_STATES for p, _r in entries)
        files[m.pk] = FileSection(
            "proposals",
            _("Proposals led and co-signed"),
            facts=[
                Fact(_("Proposals led"), sum(p.proposer_id == m.pk for p, _r in entries)),
                Fact(_("Proposals co-signed"), sum(p.proposer_id != m.pk for p, _r in entries)),
                Fact(_("Registered (立案)"), registered),
            ],
            columns=(
                _("Submitted on"),
                _("Proposal"),
                _("Role"),
                _("Status"),
                _("Handling result"),
            ),
            lines=lines,
        )
    return files


# --------------------------------------------------------------------------- the rules


def duty_reports(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """Standing members' duty reports (述职) submitted for the term's years, and their
    rating. One query (and one for the links)."""
    ids = [m.pk for m in members]
    reports = list(
        DutyReport.objects.submitted()
        .filter(member_id__in=ids, year__in=ctx.years)
        .select_related("review_meeting")
        .order_by("year", "pk")
    )
    readable = ctx.links(DutyReport, [r.pk for r in reports])
    lines: dict[int, list[Line]] = defaultdict(list)
    for r in reports:
        lines[r.member_id].append(
            Line(
                (
                    str(r.year),
                    ymd(r.submitted_on) or "—",
                    r.get_status_display(),
                    r.get_rating_display() or "—",
                    str(r.review_meeting) if r.review_meeting else "—",
                ),
                url_if(readable, r.pk, r.get_absolute_url()),
            )
        )
    files = {}
    for m in members:
        if not (m.is_standing or lines.get(m.pk)):
            continue  # only standing members report
        files[m.pk] = FileSection(
            "duty_reports",
            _("Duty reports"),
            facts=[Fact(_("Duty reports submitted"), len(lines.get(m.pk, [])))],
            columns=(_("Year"), _("Submitted on"), _("Status"), _("Rating"), _("Reviewed at")),
            lines=lines.get(m.pk, []),
            link_column=0,
        )
    return files


def points(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The evaluation of every year of the term: total, grade, rank among how many, the
    number of ledger lines; each year opens its ledger. Three queries (and one for the
    links)."""
    ids = [m.pk for m in members]
    evaluations = {
        (e.member_id, e.year): e
        for e in Evaluation.objects.filter(member_id__in=ids, year__in=ctx.years).select_related(
            "grade"
        )
    }
    lines_per_year = {
        (member_id, year): n
        for member_id, year, n in PointEntry.objects.filter(member_id__in=ids, year__in=ctx.years)
        .values_list("member_id", "year")
        .annotate(n=Count("pk"))
        .values_list("member_id", "year", "n")
        .order_by()
    }
    population = dict(
        Evaluation.objects.filter(year__in=ctx.years)
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
        .order_by()
    )
    readable = ctx.links(Member, ids)  # the ledger opens for who may read the member
    files = {}
    for m in members:
        lines = []
        term_total = Decimal("0.0")
        for year in ctx.years:
            e = evaluations.get((m.pk, year))
            n = lines_per_year.get((m.pk, year), 0)
            if e is None and not n:
                lines.append(Line((str(year), "—", "—", "—", "0")))
                continue
            total = e.total if e else Decimal("0.0")
            term_total += total
            rank = f"{e.rank}/{population.get(year, 0)}" if e and e.rank else "—"
            grade = e.grade.label if e and e.grade else "—"
            url = reverse("performance:ledger", args=[year, m.pk])
            lines.append(
                Line((str(year), f"{total}", grade, rank, str(n)), url_if(readable, m.pk, url))
            )
        files[m.pk] = FileSection(
            "points",
            _("Points and grade"),
            facts=[Fact(_("Points over the term"), f"{term_total}")],
            columns=(_("Year"), _("Total"), _("Grade"), _("Rank"), _("Ledger lines")),
            lines=lines,
            link_column=0,
        )
    return files


def opinions(members: Sequence[Member], ctx: FileContext) -> dict[int, FileSection]:
    """The member's 社情民意 items submitted in the term: the review's outcome, the issue
    that carried it, what higher levels did with it. Two queries (and one for the
    links)."""
    ids = [m.pk for m in members]
    rows = list(
        OpinionItem.objects.filter(member_id__in=ids, submitted_on__range=(ctx.first, ctx.last))
        .exclude(state=OpinionItem.State.DRAFT)
        .select_related("issue")
        .prefetch_related(
            Prefetch(
                "adoptions",
                queryset=OpinionAdoption.objects.order_by("on", "pk"),
                to_attr="file_adoptions",
            )
        )
        .order_by("submitted_on", "pk")
    )
    readable = ctx.links(OpinionItem, [item.pk for item in rows])
    mine: dict[int | None, list[Any]] = defaultdict(list)
    for item in rows:
        mine[item.member_id].append(item)
    adopted = OpinionItem.State.ADOPTED
    files = {}
    for m in members:
        items = mine.get(m.pk, [])
        files[m.pk] = FileSection(
            "opinions",
            _("Public opinion items (社情民意)"),
            facts=[
                Fact(_("Items submitted"), len(items)),
                Fact(_("Adopted by the committee"), sum(i.state == adopted for i in items)),
                Fact(
                    _("Adopted or instructed at a higher level"),
                    sum(bool(i.file_adoptions) for i in items),
                ),
            ],
            columns=(
                _("Submitted on"),
                _("Item"),
                _("Status"),
                _("Issue"),
                _("Higher levels"),
            ),
            lines=[
                Line(
                    (
                        ymd(item.submitted_on),
                        item.title,
                        item.get_state_display(),
                        item.issue.title if item.issue else "—",
                        " · ".join(
                            f"{a.get_level_display()}{a.get_kind_display()}"
                            for a in item.file_adoptions
                        )
                        or "—",
                    ),
                    url_if(readable, item.pk, item.get_absolute_url()),
                )
                for item in items
            ],
        )
    return files


SECTIONS: tuple[SectionFn, ...] = (
    identity,
    stationing,
    pairing,
    meetings,
    sessions,
    research,
    suggestions,
    proposals,
    opinions,
    duty_reports,
    points,
)


# --------------------------------------------------------------------------- assembly


@dataclass
class MemberFile:
    member: Member
    term: int
    years: list[int]
    sections: list[FileSection]

    @property
    def points_total(self) -> str:
        section = next((s for s in self.sections if s.key == "points"), None)
        return str(section.facts[0].value) if section else "0"


def file_members(queryset):
    """The members as the files read them: sector joined, in the roster's order (by
    sector, then by pinyin)."""
    return queryset.select_related("sector").order_by(
        "sector__sort_order", "sector__name", "name_pinyin", "pk"
    )


def member_files(
    members: Sequence[Member], *, user, term: int, today: datetime.date | None = None
) -> list[MemberFile]:
    """The files of `members` as `user` reads them: every section run once for all of
    them, so the queries do not grow with the number of members or records."""
    today = today or timezone.localdate()
    ctx = FileContext(user=user, term=term, years=term_years(term, today), today=today)
    if not members or not ctx.years:
        return [MemberFile(m, term, ctx.years, []) for m in members]
    filled = [section(members, ctx) for section in SECTIONS]
    return [
        MemberFile(
            m, term, ctx.years, [by_member[m.pk] for by_member in filled if m.pk in by_member]
        )
        for m in members
    ]
