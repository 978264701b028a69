"""Seed the three rules' 2021 work: the point rules and grades, the year's meetings with
attendance, the 列席 rotation plan, the standing members' duty reports, the staff's weekly
study sessions, the office rules; then derive the ledger and the evaluations, and the
venues' scores (office_scores.py).

Runs after the members seed. Without members (a fresh branch) it creates what it can:
rules, grades, meetings, study sessions. Get-or-create only: a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import User
from apps.core.seeding import SeedContext, ensure_rows, read_fixture
from apps.members.models import Member

from .models import (
    Attendance,
    AttendanceBatch,
    DutyReport,
    Evaluation,
    GradeThreshold,
    Meeting,
    OfficeRule,
    OfficeScore,
    PointEntry,
    PointRule,
    StudySession,
)
from .office_scores import office_scores_derive
from .selectors import meeting_roster
from .services import Mark, attendance_mark, ledger_derive, rotation_plan

YEAR = 2021
PLACE = "县政协机关会议室"

MEETINGS = [
    # kind, date, number, title, place, agenda
    (
        Meeting.Kind.PLENARY,
        "2021-02-23",
        "十一届五次",
        "政协襄城县第十一届委员会第五次会议",
        "县会议中心",
        "听取和审议常委会工作报告、提案工作情况报告；列席县十七届人大五次会议；"
        "讨论政府工作报告；选举；通过决议。",
    ),
    *[
        (
            Meeting.Kind.STANDING,
            date,
            f"第{number}次",
            f"政协襄城县第十一届委员会常务委员会第{number}次会议",
            PLACE,
            agenda,
        )
        for date, number, agenda in [
            ("2021-03-30", "二十一", "协商2021年度协商工作计划；审议委员履职综合评价办法修订稿。"),
            ("2021-05-27", "二十二", "围绕“就医难”问题开展专题协商；通报一季度提案办理情况。"),
            ("2021-07-29", "二十三", "听取县政府关于老旧小区改造工作的通报并协商。"),
            ("2021-09-28", "二十四", "围绕农村天然气改造开展专题协商；审议调研报告。"),
            ("2021-11-25", "二十五", "协商居民养老服务体系建设；通报重点提案督办情况。"),
            ("2021-12-28", "二十六", "常务委员述职评议；审议年度委员履职评价结果。"),
        ]
    ],
    *[
        (Meeting.Kind.CHAIRS, date, f"第{number}次", f"主席会议（第{number}次）", PLACE, agenda)
        for date, number, agenda in [
            ("2021-01-12", "四十一", "研究全体会议筹备工作。"),
            ("2021-03-09", "四十二", "研究年度协商计划和调研课题。"),
            ("2021-05-11", "四十三", "研究专题协商会筹备工作。"),
            ("2021-07-13", "四十四", "听取专题调研进展汇报。"),
            ("2021-09-14", "四十五", "研究调研报告和意见建议批转事项。"),
            ("2021-11-09", "四十六", "研究常委述职和年度评价工作。"),
        ]
    ],
]

LECTURES = [
    "中国人民政治协商会议章程学习",
    "社会主义协商民主的理论与实践",
    "人民政协专门协商机构建设",
    "新时代政协委员履职能力建设",
    "政协提案的撰写与办理",
    "调研报告写作方法",
    "基层协商议事规则",
    "“有事好商量”协商平台建设",
    "政务信息写作要点",
    "公文处理规范",
    "乡村振兴政策解读",
    "民法典与基层治理",
    "党史学习教育专题",
    "统一战线理论政策",
    "机关作风建设",
    "保密工作常识",
]
BUSINESS_TALKS = [
    "提案工作流程",
    "委员联络服务工作",
    "界别活动组织",
    "文史资料征集",
    "社情民意信息报送",
    "会议组织与服务",
    "委员履职档案管理",
    "协商活动记录规范",
]
HOLIDAY_WEEKS = {datetime.date(2021, 2, 12), datetime.date(2021, 10, 1)}
SPEAKERS = 20  # staff01 … staff20 speak; the others have not yet (they stand out)


def seed(ctx: SeedContext) -> None:
    ensure_rows(ctx, PointRule, read_fixture("point_rules.json"), ("year", "code"))
    ensure_rows(ctx, GradeThreshold, read_fixture("grade_thresholds.json"), ("year", "label"))
    ensure_rows(ctx, OfficeRule, read_fixture("office_rules.json"), ("year", "code"))
    meetings = _meetings(ctx)
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE).order_by(
            "member_no"
        )
    )
    if members:
        _rotation(ctx, meetings)
        _attendance(ctx, meetings, members)
        _attendance_methods(meetings)
        _duty_reports(ctx, meetings, members)
    _study_sessions(ctx, members)
    _derive(ctx)


def _derive(ctx: SeedContext) -> None:
    """Derive the year's ledger and evaluations, counting the rows created. Not the
    derivation's own numbers: its `evaluations` are those written (created or changed),
    and the seed derives twice (here and after the demo links), so a changed evaluation
    was counted again (+257 printed for 256 rows)."""
    entries = PointEntry.objects.filter(year=YEAR)
    evaluations = Evaluation.objects.filter(year=YEAR)
    before = entries.count(), evaluations.count()
    ledger_derive(year=YEAR)
    ctx.count("point entries", max(entries.count() - before[0], 0))
    ctx.count("evaluations", max(evaluations.count() - before[1], 0))
    # The venues' scores of the year (office rules, office_scores.py).
    scores = OfficeScore.objects.filter(year=YEAR)
    before_scores = scores.count()
    office_scores_derive(year=YEAR)
    ctx.count("office scores", max(scores.count() - before_scores, 0))


def _meetings(ctx: SeedContext) -> list[Meeting]:
    rows = [
        {
            "kind": kind,
            "date": datetime.date.fromisoformat(date),
            "number": number,
            "title": title,
            "place": place,
            "agenda": agenda,
            "term": settings.CURRENT_TERM,
        }
        for kind, date, number, title, place, agenda in MEETINGS
    ]
    return list(ensure_rows(ctx, Meeting, rows, ("kind", "date")).values())


def _rotation(ctx: SeedContext, meetings: list[Meeting]) -> None:
    standing = [m for m in meetings if m.kind == Meeting.Kind.STANDING]
    if AttendanceBatch.objects.filter(meeting__in=standing).exists():
        return
    batches = rotation_plan(term=settings.CURRENT_TERM, meetings=standing)
    ctx.count("attendance batches", len(batches))


def _status(ctx: SeedContext) -> Mark:
    roll = ctx.rng.random()
    if roll < 0.88:
        return Mark(Attendance.Status.PRESENT)
    if roll < 0.93:
        return Mark(Attendance.Status.LEAVE, leave_approved=True, note="因公请假")
    if roll < 0.95:
        return Mark(Attendance.Status.LEAVE, note="事后请假")
    if roll < 0.98:
        return Mark(Attendance.Status.ABSENT)
    return Mark(Attendance.Status.LATE)


def _attendance(ctx: SeedContext, meetings: list[Meeting], members: list[Member]) -> None:
    recorded = set(
        Attendance.objects.filter(meeting__in=meetings).values_list("meeting_id", flat=True)
    )
    chairs = [m for m in members if m.is_standing][:7]
    for meeting in sorted(meetings, key=lambda m: m.date):
        if meeting.pk in recorded:
            continue
        roster: list[tuple[Member, str]]
        if meeting.kind == Meeting.Kind.CHAIRS:
            roster = [(member, Attendance.Role.MEMBER) for member in chairs]
        else:
            roster = [(member, role) for member, role, _a in meeting_roster(meeting)]
        marks = {}
        for member, role in roster:
            mark = _status(ctx)
            marks[member.pk] = Mark(mark.status, role, mark.leave_approved, mark.note)
        result = attendance_mark(meeting=meeting, marks=marks)
        ctx.count("attendances", result.created)


QR_SINCE = datetime.date(YEAR, 7, 1)  # the county began signing in by QR code mid-2021


def _attendance_methods(meetings: list[Meeting]) -> None:
    """How the 2021 attendance was taken: approved leave by a leave request; from July, the
    present and late by QR code and the absent at closing; before, the staff's sheet.
    Updates only (a second run changes nothing)."""
    rows = Attendance.objects.filter(meeting__in=meetings, method=Attendance.Method.SHEET)
    rows.filter(status=Attendance.Status.LEAVE, leave_approved=True).update(
        method=Attendance.Method.LEAVE
    )
    later = rows.filter(meeting__date__gte=QR_SINCE)
    later.filter(status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE]).update(
        method=Attendance.Method.QR
    )
    later.filter(status=Attendance.Status.ABSENT).update(method=Attendance.Method.CLOSING)


def _upcoming(ctx: SeedContext, member: Member, office_head: User | None) -> None:
    """So that the phone flow can be tried on `make run`: a standing meeting tomorrow with
    the demo member in its 列席 batch (leave, the invitation), and a session at a liaison
    office starting in half an hour, its sign-in open now, the demo member invited. None
    is added while one is still to come."""
    from apps.consultation.models import Session, Topic
    from apps.venues.models import Venue

    from .signin.tokens import default_duration

    now = timezone.now()
    today = timezone.localdate()
    if not Meeting.objects.inviting(member).filter(date__gt=today).exists():
        meeting = Meeting.objects.create(
            kind=Meeting.Kind.STANDING,
            term=settings.CURRENT_TERM,
            number="演示",
            title="政协襄城县常务委员会会议（演示）",
            date=today + datetime.timedelta(days=1),
            start_time=datetime.time(9),
            end_time=datetime.time(11, 30),
            place=PLACE,
            agenda="协商年度重点工作；通报委员履职情况；审议列席委员名单。",
        )
        batch = AttendanceBatch.objects.create(meeting=meeting, note="演示批次")
        batch.members.add(member)
        ctx.count("upcoming meetings", True)
    if not Session.objects.filter(
        members=member, started_at__gte=now - default_duration()
    ).exists():
        venue = (office_head.managed_venues.first() if office_head else None) or (
            Venue.objects.active().order_by("pk").first()
        )
        topic = Topic.objects.exclude(status=Topic.Status.DONE).order_by("-year", "pk").first()
        if venue is None or topic is None:
            return
        start = (now + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
        session = Session.objects.create(
            venue=venue,
            topic=topic,
            form=Session.Form.SYMPOSIUM,
            started_at=start,
            place=f"{venue.name}会议室",
            created_by=office_head,
        )
        session.members.add(member)
        ctx.count("upcoming sessions", True)


def _duty_reports(ctx: SeedContext, meetings: list[Meeting], members: list[Member]) -> None:
    review = max((m for m in meetings if m.kind == Meeting.Kind.STANDING), key=lambda m: m.date)
    done = set(DutyReport.objects.filter(year=YEAR).values_list("member_id", flat=True))
    for member in members:
        if not member.is_standing or member.pk in done:
            continue
        # A generator per member, so that who has not reported stays the same run after run.
        rng = random.Random(f"duty-{YEAR}-{member.member_no}")
        if rng.random() < 0.1:  # has not reported yet: stands out on the list
            continue
        rating = rng.choices(
            [
                DutyReport.Rating.SATISFIED,
                DutyReport.Rating.FAIRLY,
                DutyReport.Rating.UNSATISFIED,
            ],
            weights=[80, 18, 2],
        )[0]
        submitted = datetime.date(YEAR, 11, 1) + datetime.timedelta(days=rng.randrange(50))
        DutyReport.objects.create(
            member=member,
            year=YEAR,
            text=(
                f"{member.name}同志{YEAR}年度履职情况报告：按时出席全体会议和常委会议，"
                "参加专题协商和调研活动，联系界别群众，反映社情民意，提出意见建议。"
            ),
            submitted_on=submitted,
            review_meeting=review,
            rating=rating,
            status=DutyReport.Status.REVIEWED,
        )
        ctx.count("duty reports", True)


def _study_sessions(ctx: SeedContext, members: list[Member]) -> None:
    # The seeded staff accounts (staff01 …), not the demo or benchmark users.
    staff = list(
        User.objects.filter(
            groups__name=roles.COUNTY_STAFF, username__regex=r"^staff\d+$"
        ).order_by("username")
    )
    if not staff:
        return
    existing = set(StudySession.objects.of_year(YEAR).values_list("date", flat=True))
    friday = datetime.date(YEAR, 1, 8)
    week = 0
    while friday.year == YEAR:
        if friday not in HOLIDAY_WEEKS:
            business = week % 4 == 3
            speaker = staff[week % min(SPEAKERS, len(staff))]
            if friday not in existing:
                session = StudySession.objects.create(
                    kind=StudySession.Kind.BUSINESS_TALK
                    if business
                    else StudySession.Kind.WEEKLY_LECTURE,
                    date=friday,
                    speaker=speaker,
                    subject=(
                        BUSINESS_TALKS[(week // 4) % len(BUSINESS_TALKS)]
                        if business
                        else LECTURES[week % len(LECTURES)]
                    ),
                )
                session.staff_attendees.set(
                    [u for u in staff if u != speaker and ctx.rng.random() < 0.85]
                )
                if members:
                    session.attendees.set(ctx.rng.sample(members, k=min(3, len(members))))
                ctx.count("study sessions", True)
            week += 1
        friday += datetime.timedelta(days=7)


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """Give the demo member a member record (if the members seed did not) so that
    "My points" shows a ledger; then derive again, because the other apps' demo links
    (runs earlier) add records that earn points. The seed's result is complete inside
    its own transaction, without waiting for the on-commit derivation."""
    user = users.get("member")
    if user is not None and not Member.objects.filter(user=user).exists():
        member = (
            Member.objects.filter(
                term=settings.CURRENT_TERM,
                status=Member.Status.ACTIVE,
                is_standing=False,
                user__isnull=True,
            )
            .order_by("member_no")
            .first()
        )
        if member is not None:
            member.user = user
            member.save(update_fields=["user"])
            ctx.count("demo member links", True)
    mine = Member.objects.filter(user=user).first() if user is not None else None
    if mine is not None:
        _upcoming(ctx, mine, users.get("office1"))
    _derive(ctx)
