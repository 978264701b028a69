"""QR sign-in and leave: the code's validity, scans, closing, leave, and every role."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from apps.accounts import roles
from apps.members.models import Member
from apps.performance.models import Attendance, AttendanceBatch, LeaveRequest, SessionCheckIn
from apps.performance.signin import services
from apps.performance.signin.tokens import SALT, InvalidCode, make_token, read_token
from tests.accounts.factories import UserFactory
from tests.consultation.factories import SessionFactory
from tests.members.factories import MemberFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
DAY = datetime.date(2026, 6, 10)
START = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=TZ)


def at(hour, minute=0, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def other_member_user(db):
    return UserFactory(username="t_member2", roles=[roles.MEMBER])


@pytest.fixture
def meeting(member_user, other_member_user):
    """A standing meeting 09:00–11:30: a standing member (the user's), another standing
    member, and the other user, non-standing, invited by the 列席 batch."""
    meeting = MeetingFactory(
        date=DAY, start_time=datetime.time(9), end_time=datetime.time(11, 30), place="二楼会议室"
    )
    MemberFactory(name="王本人", user=member_user, is_standing=True)
    MemberFactory(name="赵常委", is_standing=True)
    observer = MemberFactory(name="李列席", user=other_member_user, is_standing=False)
    MemberFactory(name="钱未邀", is_standing=False)
    batch = AttendanceBatch.objects.create(meeting=meeting)
    batch.members.add(observer)
    return meeting


def url_of(target, **kwargs):
    return reverse("signin:signin", args=[make_token(target, **kwargs)])


# --------------------------------------------------------------------------- the code


def test_code_valid_from_an_hour_before_to_the_end(meeting):
    token = make_token(meeting)
    assert read_token(token, now=at(8, 0)).target == meeting
    assert read_token(token, now=at(11, 30)).target == meeting
    with pytest.raises(InvalidCode, match="early"):
        read_token(token, now=at(7, 59))
    with pytest.raises(InvalidCode, match="over"):
        read_token(token, now=at(11, 31))
    with pytest.raises(InvalidCode, match="over"):  # the photo taken home, next day
        read_token(token, now=at(9, 0, DAY + datetime.timedelta(days=1)))


def test_window_follows_the_settings(meeting, settings):
    settings.SIGNIN_OPENS_BEFORE = datetime.timedelta(minutes=15)
    with pytest.raises(InvalidCode):
        read_token(make_token(meeting), now=at(8, 30))
    assert read_token(make_token(meeting), now=at(8, 50)).target == meeting


def test_without_end_time_the_default_duration(meeting, settings):
    meeting.end_time = None
    meeting.save()
    settings.SIGNIN_DEFAULT_DURATION = datetime.timedelta(hours=2)
    token = make_token(meeting)
    assert read_token(token, now=at(10, 59)).target == meeting
    with pytest.raises(InvalidCode):
        read_token(token, now=at(11, 1))


def test_forged_and_tampered_codes_fail(meeting):
    other = MeetingFactory(date=DAY, start_time=datetime.time(9))
    token = make_token(meeting)
    with pytest.raises(InvalidCode, match="forged"):
        read_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), now=at(9))
    # A payload naming the other meeting signed without the key, or with another salt.
    forged = signing.dumps({"k": "meeting", "pk": other.pk, "s": 0}, key="x" * 50, salt=SALT)
    with pytest.raises(InvalidCode, match="forged"):
        read_token(forged, now=at(9))
    wrong_salt = signing.dumps({"k": "meeting", "pk": other.pk, "s": 0}, salt="other")
    with pytest.raises(InvalidCode, match="forged"):
        read_token(wrong_salt, now=at(9))
    # A code is bound to its own meeting.
    assert read_token(make_token(other), now=at(9)).target == other
    assert read_token(token, now=at(9)).target == meeting


def test_rescheduled_meeting_voids_old_codes(meeting):
    token = make_token(meeting)
    meeting.date = DAY + datetime.timedelta(days=1)
    meeting.save()
    with pytest.raises(InvalidCode, match="stale"):
        read_token(token, now=at(9, 0, DAY + datetime.timedelta(days=1)))


# --------------------------------------------------------------------------- scanning


def test_scan_records_present_then_a_second_scan_changes_nothing(client, member_user, meeting):
    client.force_login(member_user)
    url = url_of(meeting)
    with time_machine.travel(at(8, 45), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert "王本人" in page.content.decode()
        assert Attendance.objects.count() == 0  # GET records nothing
        first = client.post(url)
    with time_machine.travel(at(9, 20), tick=False):
        second = client.post(url)
    row = Attendance.objects.get()
    assert (row.member.name, row.status, row.method) == ("王本人", "present", "qr")
    assert row.signed_in_at == at(8, 45)
    assert "08:45" in first.content.decode()
    assert "已签到" in second.content.decode() or "未作更改" in second.content.decode()
    assert Attendance.objects.count() == 1
    assert Attendance.objects.get().status == "present"


def test_after_the_start_is_late(client, other_member_user, meeting):
    client.force_login(other_member_user)
    with time_machine.travel(at(9, 10), tick=False):
        client.post(url_of(meeting))
    row = Attendance.objects.get()
    assert (row.status, row.role, row.method) == ("late", "observer", "qr")


def test_uninvited_member_is_refused(client, meeting):
    user = UserFactory(username="t_member3", roles=[roles.MEMBER])
    MemberFactory(name="孙未邀", user=user, is_standing=False)
    client.force_login(user)
    with time_machine.travel(at(9), tick=False):
        response = client.post(url_of(meeting))
    assert response.status_code == 403
    assert "不在" in response.content.decode()
    assert not Attendance.objects.exists()


def test_signs_in_only_as_oneself(client, member_user, meeting):
    """Nothing in the request names the member: a posted member id is ignored."""
    other = meeting.batch.members.get()
    client.force_login(member_user)
    with time_machine.travel(at(9), tick=False):
        client.post(url_of(meeting), {"member": other.pk})
    assert list(Attendance.objects.values_list("member__name", flat=True)) == ["王本人"]


def test_outside_the_window_nothing_is_recorded(client, member_user, meeting):
    client.force_login(member_user)
    with time_machine.travel(at(12), tick=False):
        response = client.post(url_of(meeting))
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_anonymous_is_sent_to_log_in_and_back(client, meeting):
    url = url_of(meeting)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url


def test_staff_without_member_record_cannot_sign_in(client, staff_user, meeting):
    client.force_login(staff_user)
    with time_machine.travel(at(9), tick=False):
        assert client.post(url_of(meeting)).status_code == 403


def test_rate_limited(client, member_user, meeting, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIGNIN_RATE_LIMIT = 3
    client.force_login(member_user)
    url = url_of(meeting)
    with time_machine.travel(at(9), tick=False):
        codes = [client.get(url).status_code for _ in range(4)]
        blocked = client.post(url)
    assert codes == [200, 200, 200, 429]
    assert blocked.status_code == 429
    assert not Attendance.objects.exists()
    # another user at the same address keeps their own counter
    other = UserFactory(username="t_member9", roles=[roles.MEMBER])
    client.force_login(other)
    with time_machine.travel(at(9), tick=False):
        assert client.get(url).status_code == 403  # no member record, but not limited
    cache.clear()


# --------------------------------------------------------------------------- sessions


@pytest.fixture
def session(venue, member_user):
    mine = MemberFactory(name="王本人", user=member_user)
    session = SessionFactory(venue=venue, started_at=at(14, 30))
    session.members.add(mine, MemberFactory(name="周参加"))
    return session


def test_session_sign_in_and_walk_in(client, session, other_member_user, member_user):
    walker = MemberFactory(name="吴路过", user=other_member_user)
    client.force_login(other_member_user)
    with time_machine.travel(at(14), tick=False):
        refused = client.post(url_of(session))
        joined = client.post(url_of(session, walk_in=True))
    assert refused.status_code == 403
    assert joined.status_code == 200
    assert session.members.filter(pk=walker.pk).exists()
    assert SessionCheckIn.objects.get(member=walker).walk_in
    client.force_login(member_user)
    with time_machine.travel(at(14), tick=False):
        client.post(url_of(session))
        client.post(url_of(session))
    assert SessionCheckIn.objects.filter(session=session).count() == 2


def test_session_screen_permissions(client_for, session, other_office_head_user):
    url = reverse("performance:session_signin", args=[session.pk])
    assert client_for("office_head_user").get(url).status_code == 200
    assert client_for("staff_user").get(url).status_code == 200
    assert client_for("other_office_head_user").get(url).status_code == 403
    assert client_for("member_user").get(url).status_code == 403
    assert client_for("leader_user").get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


# --------------------------------------------------------------------------- the screen


def test_screen_shows_qr_url_count_and_missing(client_for, meeting, django_assert_max_num_queries):
    client = client_for("staff_user")
    live_url = reverse("performance:meeting_signin_live", args=[meeting.pk])
    with time_machine.travel(at(8, 30), tick=False):
        page = client.get(reverse("performance:meeting_signin", args=[meeting.pk]))
        with django_assert_max_num_queries(10):
            live = client.get(live_url).content.decode()
    html = page.content.decode()
    assert "<svg" in html and 'hx-trigger="every 5s"' in html
    url = re.search(r'id="signin-url" href="([^"]+)"', html).group(1)
    assert "/signin/" in url
    assert read_token(url.rstrip("/").rsplit("/", 1)[1], now=at(8, 30)).target == meeting
    assert re.search(r'id="signin-present">0<', live)
    assert re.search(r'id="signin-invited">3<', live)  # 2 standing + 1 列席
    assert "李列席" in live and "钱未邀" not in live


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff_user", 200),
        ("leader_user", 403),
        ("office_head_user", 403),
        ("member_user", 403),
        (None, 302),
    ],
)
def test_meeting_screen_permissions(client_for, meeting, role, status):
    for name in ("meeting_signin", "meeting_signin_live", "meeting_signin_close"):
        response = client_for(role).get(reverse(f"performance:{name}", args=[meeting.pk]))
        assert response.status_code == status, name


# --------------------------------------------------------------------------- closing


def test_closing_marks_the_rest_absent(client_for, meeting, member_user, staff_user):
    me = meeting.batch.members.get()  # the 列席 observer signs in
    services.signin_record(code=read_token(make_token(meeting), now=at(9)), member=me, now=at(9))
    leave = LeaveRequest.objects.create(
        meeting=meeting, member=Member.objects.get(user=member_user), reason="出差"
    )
    services.leave_decide(request=leave, user=staff_user, approve=True)
    client = client_for("staff_user")
    url = reverse("performance:meeting_signin_close", args=[meeting.pk])
    confirm = client.get(url)
    assert "1" in confirm.content.decode() and not Attendance.objects.filter(status="absent")
    client.post(url)
    rows = {a.member.name: (a.status, a.method) for a in Attendance.objects.all()}
    assert rows == {
        "李列席": ("present", "qr"),
        "王本人": ("leave", "leave"),
        "赵常委": ("absent", "closing"),
    }
    meeting.refresh_from_db()
    assert meeting.signin_closed_at is not None
    # closed: the code no longer works, and a second closing adds nothing
    with pytest.raises(InvalidCode, match="closed"):
        read_token(make_token(meeting), now=at(9, 30))
    client.post(url)
    assert Attendance.objects.count() == 3


def test_hand_correction_is_the_sheets_and_audited(meeting):
    from apps.performance.services import Mark, attendance_mark

    services.signin_close(meeting=meeting, user=None)
    row = Attendance.objects.get(member__name="赵常委")
    attendance_mark(meeting=meeting, marks={row.member_id: Mark("present", "member")})
    row.refresh_from_db()
    assert (row.status, row.method) == ("present", "sheet")
    assert [h.method for h in row.history.order_by("history_date")] == ["closing", "sheet"]


# --------------------------------------------------------------------------- leave


def test_leave_flow(client_for, meeting, member_user):
    member_client = client_for("member_user")
    url = reverse("performance:leave_create", args=[meeting.pk])
    with time_machine.travel(at(8, 0, DAY - datetime.timedelta(days=1)), tick=False):
        assert member_client.post(url, {"reason": "赴省里出差"}).status_code == 302
        again = member_client.post(url, {"reason": "再问一次"})
    assert again.status_code == 200  # the open request stands, said on the form
    leave = LeaveRequest.objects.get()
    assert leave.state == "requested" and leave.member.user == member_user
    decide = reverse("performance:leave_decide", args=[leave.pk])
    # neither the member, the leader nor an office head decides
    for role in ("member_user", "leader_user", "office_head_user"):
        assert client_for(role).post(decide, {"decision": "approve"}).status_code == 403
    staff = client_for("staff_user")
    listing = staff.get(reverse("performance:leave_list")).content.decode()
    assert "赴省里出差" in listing
    staff.post(decide, {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.state == "approved" and leave.decided_by.username == "t_staff"
    row = Attendance.objects.get()
    assert (row.status, row.leave_approved, row.method) == ("leave", True, "leave")
    # the member sees the decision on their home page
    with time_machine.travel(at(8, 0, DAY - datetime.timedelta(days=1)), tick=False):
        home = member_client.get(reverse("home")).content.decode()
    assert "请假：已批准" in home


def test_refused_leave_stays_off_the_attendance(meeting, member_user, staff_user):
    leave = services.leave_request(
        meeting=meeting,
        member=Member.objects.get(user=member_user),
        reason="家中有事",
        now=at(8, 0, DAY - datetime.timedelta(days=2)),
    )
    services.leave_decide(request=leave, user=staff_user, approve=False)
    assert LeaveRequest.objects.get().state == "refused"
    assert not Attendance.objects.exists()


def test_leave_after_the_start_is_refused_with_a_message(client_for, meeting):
    client = client_for("member_user")
    with time_machine.travel(at(9, 5), tick=False):
        response = client.post(
            reverse("performance:leave_create", args=[meeting.pk]), {"reason": "临时有事"}
        )
    assert response.status_code == 200
    assert "已开始" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_uninvited_cannot_ask_leave_or_see_the_invitation(client, meeting):
    user = UserFactory(username="t_member3", roles=[roles.MEMBER])
    MemberFactory(name="孙未邀", user=user, is_standing=False)
    client.force_login(user)
    assert client.get(reverse("performance:leave_create", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("performance:invitation", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff_user", 200),
        ("leader_user", 200),
        ("office_head_user", 403),
        ("member_user", 403),
        (None, 302),
    ],
)
def test_leave_list_permissions(client_for, role, status, django_assert_max_num_queries):
    client = client_for(role)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("performance:leave_list"))
    assert response.status_code == status


# --------------------------------------------------------------------------- the home page


def test_member_home_shows_upcoming_meetings_and_own_turn(
    client_for, meeting, django_assert_max_num_queries
):
    client = client_for("other_member_user")
    with time_machine.travel(at(8, 0, DAY - datetime.timedelta(days=3)), tick=False):
        # 25 + the invitation to-dos (apps/performance/todos.py, three queries) + the
        # proposal to-dos (co-sign requests, replies to rate: two) + the evaluated year
        # (`latest_year()`, one query more than the latest point rule's) of the member's
        # card and of their duty-report to-do + the 社情民意 to-do (returned items: one)
        with django_assert_max_num_queries(33):
            html = client.get(reverse("home")).content.decode()
        invitation = client.get(reverse("performance:invitation", args=[meeting.pk]))
        rotation = client.get(reverse("performance:batch_list"))
    assert meeting.title in html and "二楼会议室" in html
    assert "列席" in html  # their own turn
    assert reverse("performance:leave_create", args=[meeting.pk]) in html
    assert invitation.status_code == 200 and "<svg" in invitation.content.decode()
    # the full rotation stays with staff and leaders
    assert rotation.status_code == 403


def test_ledger_line_says_how_attendance_was_recorded(meeting):
    from apps.performance.ledger import collect_attendance

    services.signin_close(meeting=meeting, user=None)
    facts = list(collect_attendance(year=DAY.year, members=None))
    assert facts and all(f.description.endswith("缺席 · 结束签到时缺席") for f in facts)


def test_closing_before_the_start_is_refused(client_for, meeting):
    with time_machine.travel(at(8, 30), tick=False):
        client = client_for("staff_user")
        url = reverse("performance:meeting_signin_close", args=[meeting.pk])
        assert "尚未开始" in client.get(url).content.decode()
        response = client.post(url)
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    meeting.refresh_from_db()
    assert meeting.signin_closed_at is None


@pytest.mark.parametrize(
    ("role", "signin", "invitation", "leave"),
    [
        ("member_user", 200, 200, 200),  # invited (a standing member)
        ("staff_user", 403, 200, 404),  # no member record: never signs in nor asks leave
        ("leader_user", 403, 404, 404),
        ("office_head_user", 403, 404, 404),
        (None, 302, 302, 302),
    ],
)
def test_member_pages_per_role(client_for, meeting, role, signin, invitation, leave):
    with time_machine.travel(at(8, 30), tick=False):
        client = client_for(role)
        assert client.get(url_of(meeting)).status_code == signin
        invitation_url = reverse("performance:invitation", args=[meeting.pk])
        assert client.get(invitation_url).status_code == invitation
        leave_url = reverse("performance:leave_create", args=[meeting.pk])
        assert client.get(leave_url).status_code == leave


# --------------------------------------------------------------------------- to-dos

MINE = ("invitation", "leave_decided")


def test_invitations_and_leave_are_on_the_to_dos_of_the_people_they_wait_on(
    meeting, member_user, other_member_user, staff_user, leader_user
):
    from apps.core.models import Notification
    from apps.core.todos import todos

    before = DAY - datetime.timedelta(days=2)
    invitation = reverse("performance:invitation", args=[meeting.pk])
    # Both invitees are told of the meeting in the coming week; the uninvited are not.
    for user in (member_user, other_member_user):
        (item,) = [i for i in todos.for_user(user, before) if i.kind in MINE]
        assert (item.kind, item.url, item.due) == ("invitation", invitation, DAY)
    assert not [
        i for i in todos.for_user(member_user, DAY - datetime.timedelta(days=8)) if i.kind in MINE
    ]
    leave = services.leave_request(
        meeting=meeting,
        member=Member.objects.get(user=member_user),
        reason="赴省里出差",
        now=at(8, 0, before),
    )
    # Asked: the member's invitation is answered; staff have one request to decide.
    assert not [i for i in todos.for_user(member_user, before) if i.kind in MINE]
    (waiting,) = [i for i in todos.for_user(staff_user, before) if i.kind == "leave_requested"]
    assert (waiting.count, waiting.url) == (1, reverse("performance:leave_list"))
    assert not [i for i in todos.for_user(leader_user, before) if i.kind == "leave_requested"]
    services.leave_decide(request=leave, user=staff_user, approve=False)
    # Decided: off the staff's list; the member is told, in the inbox and on the to-dos.
    assert not [i for i in todos.for_user(staff_user, before) if i.kind == "leave_requested"]
    (decided,) = [i for i in todos.for_user(member_user, before) if i.kind in MINE]
    assert (decided.kind, decided.urgent) == ("leave_decided", True)
    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.url) == (member_user, "leave_decided", invitation)
    assert "未获批准" in note.title
