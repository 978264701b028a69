"""A member with a full term of records (2021–2025) for the member's file tests: meetings
(present, late, on leave, absent, 列席), sessions, research, suggestions, proposals,
contacts, duty reports, and the ledger derived for every year. Two of a kind: another
member at another venue, in another sector, with records of their own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from apps.accounts import roles
from apps.consultation.models import (
    OpinionAdoption,
    Proposal,
    ProposalSigner,
    ResearchProject,
    Suggestion,
)
from apps.members.models import Member, Sector
from apps.performance.models import Attendance, AttendanceBatch, Meeting
from apps.performance.services import ledger_derive
from apps.venues.models import Venue
from tests.accounts.factories import UserFactory
from tests.consultation.factories import (
    AdoptedOpinionFactory,
    ClosedReferralFactory,
    OpinionItemFactory,
    PublishedSessionFactory,
    ResearchProjectFactory,
    SessionFactory,
    SubmittedOpinionFactory,
    SubmittedProposalFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
    SectorFactory,
)
from tests.performance.factories import (
    AttendanceFactory,
    DutyReportFactory,
    MeetingFactory,
    standard_rules,
)
from tests.venues.factories import AssignmentFactory, VenueFactory

YEARS = (2021, 2022, 2023, 2024, 2025)


@dataclass
class Term:
    me: Member
    other: Member
    cpc: Member
    venue: Venue
    other_venue: Venue
    sector: Sector
    phone: str
    meetings: list[Meeting] = field(default_factory=list)


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def build_term(*, member_user=None, office_head=None, other_office_head=None, scale: int = 1):
    """The records of a term; `scale` multiplies the per-year records of `me` (a pin
    compares the queries of scale 1 and a larger one)."""
    sector = SectorFactory(name="民盟")
    other_sector = SectorFactory(name="经济界")
    venue = VenueFactory(managers=[office_head] if office_head else [])
    other_venue = VenueFactory(managers=[other_office_head] if other_office_head else [])
    phone = "13912345678"
    me = MemberFactory(
        name="周文华",
        sector=sector,
        affiliation=Member.Affiliation.DEMOCRATIC_PARTY,
        is_standing=True,
        user=member_user,
        phone=phone,
        birth_date=datetime.date(1970, 5, 6),
    )
    other = MemberFactory(name="钱立新", sector=other_sector)
    cpc = CpcMemberFactory(name="孙建国")
    AssignmentFactory(member=me, venue=venue, started_on=datetime.date(2021, 1, 1))
    AssignmentFactory(member=other, venue=other_venue, started_on=datetime.date(2021, 1, 1))
    pairing = PairingFactory(cpc_member=cpc, partner=me, started_on=datetime.date(2021, 3, 1))
    term = Term(me, other, cpc, venue, other_venue, sector, phone)
    for year in YEARS:
        standard_rules(year)
        for n in range(scale):
            _year_of_records(term, year, n, pairing)
        # The other member: one of each, so a leak into the file shows.
        plenary = MeetingFactory(
            kind=Meeting.Kind.PLENARY,
            title=f"{year}年全体会议（他人）",
            date=datetime.date(year, 2, 1),
        )
        AttendanceFactory(meeting=plenary, member=other)
        PublishedSessionFactory(venue=other_venue, started_at=at(year, 4, 1), members=[other])
        SubmittedProposalFactory(proposer=other, submitted_on=datetime.date(year, 1, 20), year=year)
    for year in YEARS:
        ledger_derive(year=year)
    return term


def _year_of_records(term: Term, year: int, n: int, pairing) -> None:
    me = term.me
    day = 1 + n * 2
    topic = TopicFactory(year=year)
    # Meetings: a plenary present, a standing meeting late, one on approved leave, one on
    # leave not approved, one absent; and a 列席 turn at a standing meeting.
    kinds = [
        (Meeting.Kind.PLENARY, Attendance.Status.PRESENT, False),
        (Meeting.Kind.STANDING, Attendance.Status.LATE, False),
        (Meeting.Kind.STANDING, Attendance.Status.LEAVE, True),
        (Meeting.Kind.THEMATIC, Attendance.Status.LEAVE, False),
        (Meeting.Kind.OTHER, Attendance.Status.ABSENT, False),
    ]
    for month, (kind, status, approved) in enumerate(kinds, start=2):
        meeting = MeetingFactory(
            kind=kind, title=f"{year}年{month}月会议{n}", date=datetime.date(year, month, day)
        )
        AttendanceFactory(meeting=meeting, member=me, status=status, leave_approved=approved)
        term.meetings.append(meeting)
    observed = MeetingFactory(
        kind=Meeting.Kind.STANDING, title=f"{year}年列席会议{n}", date=datetime.date(year, 9, day)
    )
    batch = AttendanceBatch.objects.create(meeting=observed, term=11)
    batch.members.add(me)
    AttendanceFactory(meeting=observed, member=me, role=Attendance.Role.OBSERVER)
    # Contacts: two a year.
    for month in (4, 10):
        ContactRecordFactory(pairing=pairing, date=datetime.date(year, month, day))
    # Sessions: two published with the member; a draft (not in the file).
    sessions = [
        PublishedSessionFactory(
            venue=term.venue, topic=topic, started_at=at(year, month, day), members=[me]
        )
        for month in (5, 6)
    ]
    SessionFactory(venue=term.venue, started_at=at(year, 7, day), members=[me])
    # Research: a project under way with the member on the team; a planned one (not).
    ResearchProjectFactory(
        team=[me],
        planned_start=datetime.date(year, 3, day),
        planned_end=datetime.date(year, 9, 30),
        status=ResearchProject.Status.DONE,
    )
    ResearchProjectFactory(
        team=[me],
        planned_start=datetime.date(year, 3, day),
        planned_end=datetime.date(year, 9, 30),
        status=ResearchProject.Status.PLANNED,
    )
    # Suggestions: two of the sessions, one adopted and referred (closed).
    adopted = SuggestionFactory(
        session=sessions[0],
        members=[me],
        outcome=Suggestion.Outcome.ADOPTED,
        outcome_on=datetime.date(year, 8, 1),
    )
    ClosedReferralFactory(
        suggestion=adopted,
        referred_on=datetime.date(year, 6, 20),
        due_on=datetime.date(year, 7, 30),
        replied_on=datetime.date(year, 7, 20),
        closed_on=datetime.date(year, 7, 25),
    )
    SuggestionFactory(session=sessions[1], members=[me])
    # Proposals: one individual registered and rated; one joint the member co-signed.
    SubmittedProposalFactory(
        proposer=me,
        year=year,
        submitted_on=datetime.date(year, 1, 10 + n),
        state=Proposal.State.ASSIGNED,
        number=100 + n,
        decided_on=datetime.date(year, 1, 25),
        rating=Proposal.Rating.SATISFIED,
        rated_on=datetime.date(year, 6, 1),
    )
    joint = SubmittedProposalFactory(
        proposer=term.cpc,
        kind=Proposal.Kind.JOINT,
        year=year,
        submitted_on=datetime.date(year, 1, 12 + n),
    )
    ProposalSigner.objects.create(
        proposal=joint,
        member=me,
        state=ProposalSigner.State.CONFIRMED,
        responded_on=datetime.date(year, 1, 11 + n),
    )
    # 社情民意: one adopted and adopted by the city; one submitted; a draft (not in the file).
    opinion = AdoptedOpinionFactory(
        member=me,
        submitted_on=datetime.date(year, 4, day),
        reviewed_on=datetime.date(year, 4, day + 5),
    )
    OpinionAdoption.objects.create(
        item=opinion,
        level=OpinionAdoption.Level.CITY,
        on=datetime.date(year, 6, day),
        body="市政协",
    )
    SubmittedOpinionFactory(member=me, submitted_on=datetime.date(year, 5, day))
    OpinionItemFactory(member=me)
    if n == 0:
        DutyReportFactory(member=me, year=year, submitted_on=datetime.date(year, 12, 1))


def role_users():
    """One user of each role that the file refuses or scopes."""
    return {
        "department": UserFactory(username="t_dept", roles=[roles.DEPARTMENT]),
        "auditor": UserFactory(username="t_auditor", roles=[roles.AUDITOR]),
        "sysadmin": UserFactory(username="t_sysadmin", roles=[roles.SYSADMIN]),
        "other_member": UserFactory(username="t_member2", roles=[roles.MEMBER]),
    }
