import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.core.seeding import read_fixture
from apps.performance.models import (
    Attendance,
    DutyReport,
    GradeThreshold,
    Meeting,
    PointRule,
    StudySession,
)
from tests.accounts.factories import UserFactory
from tests.members.factories import TERM, MemberFactory

YEAR = 2021


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.STANDING
    term = TERM
    title = factory.Sequence(lambda n: f"常务委员会第{n}次会议")
    date = datetime.date(YEAR, 5, 20)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    role = Attendance.Role.MEMBER
    status = Attendance.Status.PRESENT


class DutyReportFactory(DjangoModelFactory):
    class Meta:
        model = DutyReport

    member = factory.SubFactory(MemberFactory, is_standing=True)
    year = YEAR
    text = "本年度履职情况报告"
    submitted_on = datetime.date(YEAR, 12, 1)
    status = DutyReport.Status.SUBMITTED


class StudySessionFactory(DjangoModelFactory):
    class Meta:
        model = StudySession
        skip_postgeneration_save = True

    kind = StudySession.Kind.WEEKLY_LECTURE
    date = datetime.date(YEAR, 3, 5)
    speaker = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"学习专题{n}")

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


class PointRuleFactory(DjangoModelFactory):
    class Meta:
        model = PointRule
        django_get_or_create = ["year", "code"]

    year = YEAR
    code = factory.Sequence(lambda n: f"rule_{n}")
    name = factory.Sequence(lambda n: f"规则{n}")
    category = "other"
    points = Decimal("1.0")


class GradeThresholdFactory(DjangoModelFactory):
    class Meta:
        model = GradeThreshold
        django_get_or_create = ["year", "label"]

    year = YEAR
    label = "称职"
    min_total = Decimal("25.0")


def standard_rules(year: int = YEAR) -> dict[str, PointRule]:
    """The seeded rule set and grades (fixtures/point_rules.json) for `year`."""
    rules = {}
    for row in read_fixture("point_rules.json"):
        row = {**row, "year": year}
        rules[row["code"]] = PointRule.objects.create(**row)
    for row in read_fixture("grade_thresholds.json"):
        GradeThreshold.objects.create(**{**row, "year": year})
    return rules
