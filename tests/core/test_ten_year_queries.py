"""Query counts of the heaviest pages stay constant as the years of records grow (the
county keeps ten): each page is read with two years of records and again with four, and
must run the same number of queries, within its pin. Small factory data shaped like the
bench's ten years (`xiangcheng/bench_data.py`), not the bench data itself."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.consultation.models import OpinionAdoption, Proposal, ProposalSigner
from apps.performance.office_scores import office_scores_derive
from apps.performance.services import ledger_derive
from tests.consultation.factories import (
    AdoptedOpinionFactory,
    DepartmentFactory,
    InstructionFactory,
    OfficeOpinionFactory,
    OpinionIssueFactory,
    ProposalSignerFactory,
    PublishedSessionFactory,
    ReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.fixtures import HOME_QUERY_BUDGET
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
)
from tests.performance.factories import AttendanceFactory, MeetingFactory, standard_rules
from tests.performance.test_office_scores import office_rules
from tests.venues.factories import VenueFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")

# page: (path, at most this many queries). Paths are formatted with the objects below.
PAGES = {
    # The overview computes afresh in a transaction that has written: every figure, chart
    # and to-do query counts here (HOME_QUERY_BUDGET); none grows with the years.
    "home": ("/", HOME_QUERY_BUDGET),
    "roster": ("/members/", 12),
    "coverage": ("/members/pairings/", 8),
    # 14 + the venue's score (performance) + 社情民意 (with the office's items: four)
    "venue": ("/venues/{venue}/", 19),
    "sessions": ("/sessions/", 12),
    "sessions 2021": ("/sessions/?year=2021", 12),
    "session": ("/sessions/{session}/", 12),
    "ledger": ("/suggestions/", 13),
    "ledger overdue": ("/suggestions/?overdue=on", 13),
    "ledger filtered": ("/suggestions/?year=2021&progress=referred&department={department}", 14),
    "year statistics": ("/suggestions/statistics/?year=2021", 10),
    "departments": ("/departments/", 7),
    "department": ("/departments/{department}/", 10),
    "evaluation year": ("/performance/evaluation/2021/?sort=-total", 14),
    # One query per kind of source for the links (the proposals led and co-signed too).
    "member ledger": ("/performance/ledger/2021/{member}/", 20),  # + 社情民意 items' links
    "meetings": ("/performance/meetings/?year=2021", 9),
    "office ranking": ("/performance/offices/2021/", 10),
    "office breakdown": ("/performance/offices/2021/{venue}/", 17),  # + 社情民意 items
    # A project's timeline (a report a year, its suggestions, referrals, instructions),
    # its report, the lists of reports and instructions, the proposal register, the
    # contact records and a member's file of the term.
    "project timeline": ("/projects/{project}/", 13),
    "report": ("/reports/{report}/", 12),
    "research reports": ("/reports/?year=2021", 8),
    "instructions": ("/instructions/?year=2021", 7),
    "proposals": ("/proposals/", 12),
    "contact records": ("/members/pairings/contacts/?year=2021", 7),
    # 25 + 社情民意 (the items, their higher adoptions, the links, the ledger's source)
    "member file": ("/members/{member}/file/", 29),
    "opinions": ("/opinions/?year=2021", 13),
    "opinion": ("/opinions/{opinion}/", 13),
    "opinion statistics": ("/opinions/statistics/?year=2021", 9),
    "opinion issues": ("/opinions/issues/?year=2021", 7),
    "opinion issue": ("/opinions/issues/{issue}/", 7),
    # The navigation's badge: the unread count and, in a transaction that has written,
    # every to-do provider's queries (cached per user and data version otherwise).
    "badge": ("/notifications/badge/", 20),
}


class County:
    """Members, venues and departments shared by every year; `add_year` adds a year of
    sessions (members, suggestions, referrals), meetings with attendance, contact
    records and the year's derived ledger."""

    def __init__(self):
        self.members = [MemberFactory() for _ in range(4)] + [CpcMemberFactory() for _ in range(2)]
        self.pairings = [
            PairingFactory(cpc_member=self.members[4], partner=self.members[0]),
            PairingFactory(cpc_member=self.members[5], partner=self.members[1]),
        ]
        self.venues = [VenueFactory(), VenueFactory()]
        self.departments = [DepartmentFactory(), DepartmentFactory()]
        self.sessions = []
        self.project = ResearchProjectFactory(team=self.members[:3])
        self.reports = []
        self.opinions = []
        self.issues = []

    def add_year(self, year: int) -> None:
        standard_rules(year)
        topic = TopicFactory(year=year)
        for month in (4, 9):
            for venue in self.venues:
                session = PublishedSessionFactory(
                    venue=venue,
                    topic=topic,
                    started_at=datetime.datetime(year, month, 10, 9, tzinfo=SHANGHAI),
                    members=self.members[:4],
                )
                self.sessions.append(session)
                for i in range(2):
                    suggestion = SuggestionFactory(
                        session=session,
                        raised_on=session.started_at.date(),
                        members=self.members[i : i + 2],
                    )
                    ReferralFactory(
                        suggestion=suggestion,
                        department=self.departments[i],
                        co_departments=[self.departments[1 - i]],
                        referred_on=datetime.date(year, month, 20),
                        due_on=datetime.date(year, month + 2, 20),
                    )
        for month in (3, 10):
            meeting = MeetingFactory(date=datetime.date(year, month, 5))
            for member in self.members:
                AttendanceFactory(meeting=meeting, member=member)
        for pairing in self.pairings:
            ContactRecordFactory(pairing=pairing, date=datetime.date(year, 6, 1))
        report = ReportFactory(project=self.project, submitted_on=datetime.date(year, 6, 20))
        self.reports.append(report)
        InstructionFactory(report=report)
        for i in range(2):
            suggestion = ReportSuggestionFactory(
                report=report, raised_on=report.submitted_on, members=self.members[i : i + 2]
            )
            ReferralFactory(
                suggestion=suggestion,
                department=self.departments[i],
                co_departments=[self.departments[1 - i]],
                referred_on=datetime.date(year, 7, 1),
                due_on=datetime.date(year, 8, 31),
            )
        for i in range(2):
            ProposalSignerFactory(
                proposal__proposer=self.members[i],
                proposal__year=year,
                proposal__state=Proposal.State.SUBMITTED,
                proposal__submitted_on=datetime.date(year, 1, 12),
                member=self.members[i + 1],
                state=ProposalSigner.State.CONFIRMED,
                responded_on=datetime.date(year, 1, 10),
            )
        issue = OpinionIssueFactory(year=year, compiled_on=datetime.date(year, 6, 1))
        self.issues.append(issue)
        for i in range(2):
            item = AdoptedOpinionFactory(
                member=self.members[i],
                submitted_on=datetime.date(year, 5, 10),
                reviewed_on=datetime.date(year, 5, 15),
                issue=issue,
            )
            self.opinions.append(item)
            OpinionAdoption.objects.create(
                item=item, level="city", on=datetime.date(year, 7, 1), body="市政协"
            )
            OfficeOpinionFactory(venue=self.venues[i], submitted_on=datetime.date(year, 5, 12))
        ledger_derive(year=year)
        office_rules(year)
        office_scores_derive(year=year)


def query_counts(client, county) -> dict[str, int]:
    ids = {
        "venue": county.venues[0].pk,
        "session": county.sessions[0].pk,
        "department": county.departments[0].pk,
        "member": county.members[0].pk,
        "project": county.project.pk,
        "report": county.reports[0].pk,
        "opinion": county.opinions[0].pk,
        "issue": county.issues[0].pk,
    }
    counts = {}
    client.get("/")  # the sign-in session's once-a-minute renewal, out of the counts
    for name, (path, _budget) in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path.format(**ids))
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_years(client_for):
    client = client_for("staff_user")
    county = County()
    for year in (2021, 2020):
        county.add_year(year)
    two_years = query_counts(client, county)
    for year in (2019, 2018):
        county.add_year(year)
    four_years = query_counts(client, county)

    assert four_years == two_years
    over = {name: n for name, n in four_years.items() if n > PAGES[name][1]}
    assert over == {}, f"pages over their query pin: {over}"
