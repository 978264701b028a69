"""The performance pages for every role, their scoping and their query budgets."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts import roles
from apps.performance.models import (
    Attendance,
    AttendanceBatch,
    DutyReport,
    Evaluation,
    Meeting,
    PointEntry,
)
from apps.performance.services import ledger_derive, rotation_plan
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
    SectorFactory,
)

from .factories import (
    YEAR,
    AttendanceFactory,
    DutyReportFactory,
    MeetingFactory,
    StudySessionFactory,
    standard_rules,
)

pytestmark = pytest.mark.django_db

ROLES_STATUS = ["anonymous", "staff_user", "leader_user", "office_head_user", "member_user"]


@pytest.fixture
def other_member_user(db):
    return UserFactory(username="t_member2", roles=[roles.MEMBER])


@pytest.fixture
def county(member_user, other_member_user):
    """Two members with accounts, a standing meeting each attended, a pairing."""
    standard_rules()
    mine = CpcMemberFactory(name="王本人", user=member_user, is_standing=True)
    theirs = MemberFactory(name="李他人", user=other_member_user)
    pairing = PairingFactory(cpc_member=mine, partner=theirs)
    meeting = MeetingFactory(title="常务委员会第二十二次会议")
    AttendanceFactory(meeting=meeting, member=mine)
    AttendanceFactory(
        meeting=meeting,
        member=theirs,
        role=Attendance.Role.OBSERVER,
        status=Attendance.Status.ABSENT,
    )
    ContactRecordFactory(pairing=pairing)
    report = DutyReportFactory(member=mine)
    study = StudySessionFactory(attendees=[theirs])
    ledger_derive(year=YEAR)
    return {
        "mine": mine,
        "theirs": theirs,
        "meeting": meeting,
        "report": report,
        "study": study,
    }


def get(client_for, role, url, **params):
    return client_for(None if role == "anonymous" else role).get(url, params)


# --------------------------------------------------------------------------- permissions

LIST_PAGES = {
    "performance:meeting_list": {"staff_user": 200, "leader_user": 200},
    "performance:batch_list": {"staff_user": 200, "leader_user": 200},
    "performance:dutyreport_list": {"staff_user": 200, "leader_user": 200},
    "performance:study_list": {"staff_user": 200, "leader_user": 200},
    "performance:meeting_create": {"staff_user": 200},
    "performance:dutyreport_create": {"staff_user": 200},
    "performance:study_create": {"staff_user": 200},
    "performance:rotation_plan": {"staff_user": 200},
}


@pytest.mark.parametrize("role", [*ROLES_STATUS, "superuser"])
@pytest.mark.parametrize("url_name", list(LIST_PAGES))
def test_list_and_create_pages_per_role(client_for, county, role, url_name):
    response = get(client_for, role, reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "superuser":
        assert response.status_code == 200
    else:
        assert response.status_code == LIST_PAGES[url_name].get(role, 403)


@pytest.mark.parametrize(
    ("role", "status", "rows"),
    [
        ("anonymous", 302, None),
        ("staff_user", 200, 2),
        ("leader_user", 200, 2),
        ("superuser", 200, 2),
        ("office_head_user", 200, 0),  # their venues' members, once venues exist
        ("member_user", 403, None),
    ],
)
def test_year_table_per_role(client_for, county, role, status, rows):
    url = reverse("performance:evaluation_list", args=[YEAR])
    response = get(client_for, role, url)
    assert response.status_code == status
    if rows is not None:
        assert len(response.context["evaluations"]) == rows
    export = get(client_for, role, reverse("performance:evaluation_export", args=[YEAR]))
    assert export.status_code == status


@pytest.mark.parametrize(
    ("role", "mine", "theirs"),
    [
        ("anonymous", 302, 302),
        ("staff_user", 200, 200),
        ("leader_user", 200, 200),
        ("superuser", 200, 200),
        ("office_head_user", 404, 404),
        ("member_user", 200, 404),
    ],
)
def test_a_member_never_sees_another_members_ledger(client_for, county, role, mine, theirs):
    for member, status in ((county["mine"], mine), (county["theirs"], theirs)):
        url = reverse("performance:ledger", args=[YEAR, member.pk])
        assert get(client_for, role, url).status_code == status


@pytest.mark.parametrize(
    ("role", "mine", "theirs"),
    [
        ("staff_user", 200, 200),
        ("leader_user", 200, 200),
        ("office_head_user", 404, 404),
        ("member_user", 200, 404),
    ],
)
def test_ledger_sources_open_for_their_member_only(client_for, county, role, mine, theirs):
    # the member attended the meeting and wrote the report; the other attended the study
    assert get(client_for, role, county["meeting"].get_absolute_url()).status_code == mine
    assert get(client_for, role, county["report"].get_absolute_url()).status_code == mine
    assert get(client_for, role, county["study"].get_absolute_url()).status_code == theirs


def test_the_members_own_ledger_links_each_line_to_its_source(client_for, county):
    response = client_for("member_user").get(reverse("performance:my_ledger"), follow=True)
    html = response.content.decode()
    assert response.context["member"] == county["mine"]
    attendance = Attendance.objects.get(member=county["mine"])
    assert attendance.get_absolute_url() in html
    assert county["report"].get_absolute_url() in html
    assert "李他人" in html  # the contact line names the partner
    assert response.context["evaluation"].total == Decimal("11.0")
    # nothing of the other member's ledger
    assert "study_attend" not in html and county["study"].get_absolute_url() not in html
    assert (
        "Adjust" not in html
        and reverse("performance:adjust", args=[YEAR, county["mine"].pk]) not in html
    )


def test_a_member_sees_only_their_own_line_of_a_meeting(client_for, county):
    response = client_for("member_user").get(county["meeting"].get_absolute_url())
    names = [member.name for member, _role, _a in response.context["roster"]]
    assert names == ["王本人"]
    staff = client_for("staff_user").get(county["meeting"].get_absolute_url())
    assert {m.name for m, _r, _a in staff.context["roster"]} >= {"王本人", "李他人"}


def test_my_points_without_a_member_record(client_for, leader_user):
    response = client_for("leader_user").get(reverse("performance:my_ledger"))
    assert response.status_code == 200
    assert "not linked" in response.content.decode() or "尚未" in response.content.decode()


def test_home_shows_members_their_points_and_staff_the_figures(client_for, county):
    member_home = client_for("member_user").get("/").content.decode()
    assert reverse("performance:ledger", args=[YEAR, county["mine"].pk]) in member_home
    assert "11.0" in member_home
    staff = client_for("staff_user").get("/")
    labels = [str(f.label) for f in staff.context["figures"]]
    assert any(str(YEAR) in label for label in labels)


# --------------------------------------------------------------------------- the year table


def test_year_table_sorts_filters_and_exports(client_for, county):
    client = client_for("staff_user")
    url = reverse("performance:evaluation_list", args=[YEAR])
    by_total = client.get(url, {"sort": "-total"}).context["evaluations"]
    assert [e.member.name for e in by_total] == ["王本人", "李他人"]
    ascending = client.get(url, {"sort": "total"}).context["evaluations"]
    assert [e.member.name for e in ascending] == ["李他人", "王本人"]
    standing = client.get(url, {"standing": "true"}).context["evaluations"]
    assert [e.member.name for e in standing] == ["王本人"]
    by_name = client.get(url, {"q": "他人"}).context["evaluations"]
    assert [e.member.name for e in by_name] == ["李他人"]
    # bad input never yields a 500
    assert client.get(url, {"sort": "nonsense", "sector": "x", "grade": "-1"}).status_code == 200

    from tests.xlsx import table_sheet

    response = client.get(
        reverse("performance:evaluation_export", args=[YEAR]), {"standing": "true"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(table_sheet(response).values)
    assert len(rows) == 2
    assert rows[1][1] == "王本人" and rows[1][-2] == 11.0


def test_year_table_query_count_does_not_grow(client_for, county, django_assert_max_num_queries):
    sectors = [SectorFactory(name=f"界别{i}") for i in range(5)]
    for i in range(60):
        member = MemberFactory(sector=sectors[i % 5])
        AttendanceFactory(member=member, meeting=county["meeting"])
    ledger_derive(year=YEAR)
    client = client_for("staff_user")
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("performance:evaluation_list", args=[YEAR]), {"sort": "-total"}
        )
    assert len(response.context["evaluations"]) == 50
    with django_assert_max_num_queries(10):
        assert client.get(reverse("performance:evaluation_export", args=[YEAR])).status_code == 200


def test_ledger_query_count_does_not_grow(client_for, county, django_assert_max_num_queries):
    mine = county["mine"]
    for month in range(1, 13):
        AttendanceFactory(member=mine, meeting=MeetingFactory(date=datetime.date(YEAR, month, 3)))
        ContactRecordFactory(pairing=mine.pairings_led.first(), date=datetime.date(YEAR, month, 9))
        StudySessionFactory(date=datetime.date(YEAR, month, 12), attendees=[mine])
    ledger_derive(year=YEAR)
    client = client_for("member_user")
    # 18, plus one per kind of source for the reading rights of its links (three here)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("performance:ledger", args=[YEAR, mine.pk]))
    assert len(response.context["entries"]) > 36


# --------------------------------------------------------------------------- attendance


def sheet_data(response, **statuses):
    """The sheet's current values with `statuses` ({member pk: status}) applied."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name.startswith("approved_"):
            if value:
                data[name] = "on"
        elif value not in (None, "") and name not in ("add_members",):
            data[name] = value
    for pk, status in statuses.items():
        data[f"status_{pk}"] = status
    return data


def test_staff_mark_attendance_and_the_evaluation_follows(
    client_for, county, django_capture_on_commit_callbacks
):
    client = client_for("staff_user")
    url = reverse("performance:attendance_sheet", args=[county["meeting"].pk])
    page = client.get(url)
    assert page.status_code == 200
    theirs = county["theirs"]
    before = Evaluation.objects.get(member=theirs, year=YEAR).total

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, sheet_data(page, **{str(theirs.pk): "present"}))

    assert response.status_code == 302
    assert Attendance.objects.get(member=theirs).status == "present"
    after = Evaluation.objects.get(member=theirs, year=YEAR).total
    assert after - before == Decimal("10.0")  # -5 absence gone, +5 attendance


def test_the_sheet_rejects_bad_input_and_saves_nothing(client_for, county):
    client = client_for("staff_user")
    url = reverse("performance:attendance_sheet", args=[county["meeting"].pk])
    page = client.get(url)
    mine = county["mine"]
    data = sheet_data(page, **{str(mine.pk): "present"})
    data[f"approved_{mine.pk}"] = "on"  # approval only for leave
    data[f"status_{county['theirs'].pk}"] = "present"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Attendance.objects.get(member=county["theirs"]).status == "absent"
    data[f"status_{mine.pk}"] = "teleported"
    assert client.post(url, data).status_code == 200


def test_the_sheet_adds_members_and_clears_a_line(client_for, county):
    client = client_for("staff_user")
    meeting = MeetingFactory(kind=Meeting.Kind.CHAIRS, date=datetime.date(YEAR, 3, 9))
    url = reverse("performance:attendance_sheet", args=[meeting.pk])
    page = client.get(url)
    assert page.context["form"].rows() == []
    response = client.post(
        url, {"add_members": [county["mine"].pk], "add_role": Attendance.Role.MEMBER}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting)
    assert (attendance.member, attendance.status) == (county["mine"], "present")
    page = client.get(url)
    client.post(url, sheet_data(page, **{str(county["mine"].pk): ""}))
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize("role", ["leader_user", "office_head_user", "member_user"])
def test_only_staff_mark_attendance(client_for, county, role):
    url = reverse("performance:attendance_sheet", args=[county["meeting"].pk])
    assert client_for(role).post(url, {}).status_code == 403
    assert Attendance.objects.count() == 2


def test_meeting_pages_query_count_does_not_grow(client_for, county, django_assert_max_num_queries):
    plenary = MeetingFactory(kind=Meeting.Kind.PLENARY, date=datetime.date(YEAR, 2, 23))
    for _ in range(40):
        AttendanceFactory(meeting=plenary, member=MemberFactory())
    for i in range(30):
        MeetingFactory(date=datetime.date(YEAR, 1 + i % 12, 1 + i))
    client = client_for("staff_user")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("performance:meeting_list")).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(plenary.get_absolute_url())
    assert len(response.context["roster"]) >= 42
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("performance:attendance_sheet", args=[plenary.pk])).status_code
            == 200
        )


def test_staff_create_and_edit_a_meeting(client_for):
    client = client_for("staff_user")
    response = client.post(
        reverse("performance:meeting_create"),
        {"kind": "standing", "term": 11, "title": "常委会议", "date": "2021-06-30"},
    )
    meeting = Meeting.objects.get(title="常委会议")
    assert response["Location"] == meeting.get_absolute_url()
    bad = client.post(
        reverse("performance:meeting_update", args=[meeting.pk]),
        {"kind": "standing", "term": 11, "title": "", "date": "not a date"},
    )
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"title", "date"}


# --------------------------------------------------------------------------- rotation


def test_plan_the_rotation_and_see_invited_but_absent(client_for, county):
    sectors = [SectorFactory(name=f"界别{i}") for i in range(3)]
    for i in range(12):
        MemberFactory(sector=sectors[i % 3])
    meetings = [MeetingFactory(date=datetime.date(YEAR, m, 28)) for m in (6, 9, 12)]
    client = client_for("staff_user")

    response = client.post(
        reverse("performance:rotation_plan"), {"meetings": [m.pk for m in meetings]}
    )

    assert response.status_code == 302
    batches = list(AttendanceBatch.objects.order_by("meeting__date"))
    sizes = [b.members.count() for b in batches]
    assert len(batches) == 3 and max(sizes) - min(sizes) <= 1
    # 13 non-standing members (李他人 included) each in one batch
    assert sum(sizes) == 13
    invited = batches[0].members.first()
    AttendanceFactory(
        meeting=batches[0].meeting,
        member=invited,
        role=Attendance.Role.OBSERVER,
        status=Attendance.Status.ABSENT,
    )
    page = client.get(batches[0].get_absolute_url())
    assert page.content.decode().count("invited-absent") == 1
    overview = client.get(reverse("performance:batch_list"))
    assert [b.n_missed for b in overview.context["batches"]] == [1, 0, 0]


def test_an_absent_invitee_is_queued_again_when_replanning(county):
    meetings = [MeetingFactory(date=datetime.date(YEAR, m, 28)) for m in (6, 9)]
    for _ in range(3):
        MemberFactory()
    first, _second = rotation_plan(term=11, meetings=meetings)
    absent = first.members.first()
    for member in first.members.all():
        AttendanceFactory(
            meeting=first.meeting,
            member=member,
            role=Attendance.Role.OBSERVER,
            status="absent" if member == absent else "present",
        )
    later = MeetingFactory(date=datetime.date(YEAR, 12, 28))

    (replanned_second, third) = rotation_plan(term=11, meetings=[meetings[1], later])

    invited_now = set(replanned_second.members.all()) | set(third.members.all())
    assert absent in invited_now
    assert not (set(first.members.all()) - {absent}) & invited_now


def test_staff_adjust_a_batch_by_hand(client_for, county):
    (batch,) = rotation_plan(term=11, meetings=[MeetingFactory(date=datetime.date(YEAR, 6, 1))])
    extra = MemberFactory(name="赵补充")
    client = client_for("staff_user")
    url = reverse("performance:batch_update", args=[batch.pk])
    response = client.post(url, {"members": [county["theirs"].pk, extra.pk], "note": "调整"})
    assert response.status_code == 302
    assert set(batch.members.all()) == {county["theirs"], extra}
    # standing members are not invited (they attend anyway)
    bad = client.post(url, {"members": [county["mine"].pk]})
    assert bad.status_code == 200 and "members" in bad.context["form"].errors
    assert client_for("leader_user").post(url, {"members": []}).status_code == 403


def test_rotation_pages_query_count(client_for, county, django_assert_max_num_queries):
    for _ in range(40):
        MemberFactory()
    meetings = [MeetingFactory(date=datetime.date(YEAR, m, 28)) for m in range(1, 7)]
    rotation_plan(term=11, meetings=meetings)
    client = client_for("staff_user")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("performance:batch_list")).status_code == 200
    batch = AttendanceBatch.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(batch.get_absolute_url()).status_code == 200


# --------------------------------------------------------------------------- duty reports


def test_duty_report_list_shows_who_has_not_reported(client_for, county):
    late = CpcMemberFactory(name="陈未交", is_standing=True)
    response = client_for("staff_user").get(reverse("performance:dutyreport_list"), {"year": YEAR})
    assert list(response.context["missing"]) == [late]
    assert [r.member for r in response.context["reports"]] == [county["mine"]]


def test_staff_record_a_duty_report_with_a_file_and_members_read_only_their_own(
    client_for, county, other_member_user
):
    standing = MemberFactory(name="刘常委", is_standing=True, user=None)
    client = client_for("staff_user")
    url = reverse("performance:dutyreport_create")
    data = {"member": standing.pk, "year": YEAR, "status": "submitted"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert {"text", "submitted_on"} <= set(response.context["form"].errors)

    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    response = client.post(url, {**data, "submitted_on": "2021-12-01", "attachment": upload})
    assert response.status_code == 302
    report = DutyReport.objects.get(member=standing)
    file_url = reverse("performance:dutyreport_file", args=[report.pk])
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    assert client_for("member_user").get(file_url).status_code == 404

    wrong = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("performance:dutyreport_update", args=[report.pk]),
        {**data, "submitted_on": "2021-12-01", "attachment": wrong},
    )
    assert "attachment" in response.context["form"].errors


def test_a_rating_needs_a_review(client_for, county):
    client = client_for("staff_user")
    response = client.post(
        reverse("performance:dutyreport_update", args=[county["report"].pk]),
        {
            "member": county["mine"].pk,
            "year": YEAR,
            "status": "submitted",
            "submitted_on": "2021-12-01",
            "text": "报告",
            "rating": "satisfied",
        },
    )
    assert response.status_code == 200 and "rating" in response.context["form"].errors


# --------------------------------------------------------------------------- study


def test_study_list_by_week_with_staff_yet_to_speak(client_for, county, staff_user):
    quiet = UserFactory(username="quiet", full_name="钱未讲", roles=[roles.COUNTY_STAFF])
    speaker = UserFactory(username="talker", full_name="孙已讲", roles=[roles.COUNTY_STAFF])
    StudySessionFactory(speaker=speaker, date=datetime.date(YEAR, 3, 12))
    response = client_for("staff_user").get(reverse("performance:study_list"), {"year": YEAR})
    not_spoken = set(response.context["not_spoken"])
    assert quiet in not_spoken and speaker not in not_spoken
    assert [week for week, _s in response.context["weeks"]] == [(YEAR, 10), (YEAR, 9)]


def test_staff_record_a_study_session(client_for, staff_user, county):
    client = client_for("staff_user")
    response = client.post(
        reverse("performance:study_create"),
        {
            "kind": "weekly",
            "date": "2021-04-02",
            "speaker": staff_user.pk,
            "subject": "协商民主",
            "staff_attendees": [staff_user.pk],
            "attendees": [county["mine"].pk],
        },
    )
    assert response.status_code == 302
    outsider = UserFactory(username="outsider")  # not staff: cannot speak
    bad = client.post(
        reverse("performance:study_create"),
        {"kind": "weekly", "date": "2021-04-09", "speaker": outsider.pk, "subject": "x"},
    )
    assert "speaker" in bad.context["form"].errors


# --------------------------------------------------------------------------- adjustments


def test_staff_adjust_points_with_a_reason(client_for, county, staff_user):
    client = client_for("staff_user")
    theirs = county["theirs"]
    url = reverse("performance:adjust", args=[YEAR, theirs.pk])
    missing = client.post(url, {"category": "other", "points": "2", "date": "2021-12-31"})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    wrong_year = client.post(
        url, {"category": "other", "points": "2", "date": "2020-12-31", "reason": "表扬"}
    )
    assert "date" in wrong_year.context["form"].errors

    response = client.post(
        url, {"category": "other", "points": "2", "date": "2021-12-31", "reason": "表扬"}
    )
    assert response.status_code == 302
    entry = PointEntry.objects.adjustments().get()
    assert (entry.member, entry.created_by, entry.reason) == (theirs, staff_user, "表扬")
    ledger = client.get(reverse("performance:ledger", args=[YEAR, theirs.pk])).content.decode()
    assert "表扬" in ledger

    delete = reverse("performance:adjust_delete", args=[YEAR, theirs.pk, entry.pk])
    assert client_for("leader_user").post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert not PointEntry.objects.adjustments().exists()


@pytest.mark.parametrize("role", ["leader_user", "office_head_user", "member_user"])
def test_only_staff_adjust_or_rederive(client_for, county, role):
    client = client_for(role)
    mine = county["mine"]
    data = {"category": "other", "points": "50", "date": "2021-12-31", "reason": "自己加分"}
    assert client.post(reverse("performance:adjust", args=[YEAR, mine.pk]), data).status_code == 403
    assert client.post(reverse("performance:derive", args=[YEAR])).status_code == 403
    assert not PointEntry.objects.adjustments().exists()


def test_staff_rederive_from_the_year_table(client_for, county):
    client = client_for("staff_user")
    PointEntry.objects.filter(member=county["mine"]).delete()
    response = client.post(reverse("performance:derive", args=[YEAR]), follow=True)
    assert response.status_code == 200
    assert PointEntry.objects.filter(member=county["mine"]).count() == 3
    assert client.get(reverse("performance:derive", args=[YEAR])).status_code == 405
    empty = client.post(reverse("performance:derive", args=[YEAR + 3]), follow=True)
    assert empty.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/performance/meetings/?year=99999",
        "/performance/meetings/?year=-5&kind=nope",
        "/performance/duty-reports/?year=abc",
        "/performance/study/?year=99999",
        "/performance/rotation/?term=x",
        "/performance/evaluation/2021/export/?sector=abc&grade=zz",
        "/performance/duty-reports/new/?member=abc",
    ],
)
def test_bad_query_parameters_never_yield_a_500(client_for, county, url):
    assert client_for("staff_user").get(url).status_code == 200


@pytest.mark.parametrize("url", ["/performance/evaluation/99999/", "/performance/ledger/0/1/"])
def test_implausible_years_are_not_found(client_for, county, url):
    assert client_for("staff_user").get(url).status_code == 404


def test_office_heads_see_their_venues_members_and_the_table_shows_townships(
    client_for, county, venue, other_office_head_user
):
    from tests.venues.factories import AssignmentFactory, VenueFactory

    mine, theirs = county["mine"], county["theirs"]
    # `theirs` is stationed at the office head's venue (城关镇), `mine` at another one's
    AssignmentFactory(venue=venue, member=theirs)
    AssignmentFactory(
        venue=VenueFactory(township__name="麦岭镇", managers=[other_office_head_user]),
        member=mine,
    )
    office = client_for("office_head_user")
    table = office.get(reverse("performance:evaluation_list", args=[YEAR]))
    assert [e.member for e in table.context["evaluations"]] == [theirs]
    assert office.get(reverse("performance:ledger", args=[YEAR, theirs.pk])).status_code == 200
    assert office.get(reverse("performance:ledger", args=[YEAR, mine.pk])).status_code == 404

    staff = client_for("staff_user").get(
        reverse("performance:evaluation_list", args=[YEAR]), {"township": "麦岭镇"}
    )
    assert [e.member for e in staff.context["evaluations"]] == [mine]
    assert "麦岭镇" in staff.content.decode()


def test_export_writes_formula_looking_names_as_text(client_for, county):
    from apps.members.models import Member
    from tests.xlsx import table_sheet

    Member.objects.filter(name="王本人").update(name='=HYPERLINK("http://evil.example")')
    response = client_for("staff_user").get(
        reverse("performance:evaluation_export", args=[YEAR]), {"standing": "true"}
    )
    sheet = table_sheet(response)
    name = sheet.cell(row=2, column=2)
    assert name.value == '=HYPERLINK("http://evil.example")'
    assert name.data_type == "s"  # a string cell, never a formula ("f")
    assert name.quotePrefix
