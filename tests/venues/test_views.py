import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.consultation.models import Session
from apps.venues.models import Assignment, Venue
from tests.consultation.factories import (
    PublishedSessionFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory
from tests.venues.factories import (
    AssignmentFactory,
    MemberHomeFactory,
    TownshipFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("venues:list")
ALL_ROLES = [
    None,
    "staff_user",
    "leader_user",
    "superuser",
    "office_head_user",
    "other_office_head_user",
    "member_user",
]
READERS = {"staff_user", "leader_user", "superuser", "office_head_user", "other_office_head_user"}
EDITORS = {"staff_user", "superuser"}


def expected(role, allowed):
    if role is None:
        return 302
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_and_detail_by_role(client_for, venue, other_venue, role):
    client = client_for(role)
    assert client.get(LIST).status_code == expected(role, READERS)
    assert client.get(venue.get_absolute_url()).status_code == expected(role, READERS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_edit_and_stationing_pages_by_role(client_for, venue, role):
    assignment = AssignmentFactory(venue=venue)
    client = client_for(role)
    for url in [
        reverse("venues:update", args=[venue.pk]),
        reverse("venues:assignment_create", args=[venue.pk]),
        reverse("venues:assignment_end", args=[assignment.pk]),
    ]:
        assert client.get(url).status_code == expected(role, EDITORS), url


@pytest.mark.parametrize("role", ["office_head_user", "leader_user", "member_user"])
def test_crafted_posts_of_non_staff_change_nothing(client_for, venue, role):
    assignment = AssignmentFactory(venue=venue)
    client = client_for(role)
    response = client.post(
        reverse("venues:update", args=[venue.pk]),
        {"name": "改名", "kind": "office", "township": venue.township_id, "sort_order": 1},
    )
    assert response.status_code == 403
    client.post(reverse("venues:assignment_end", args=[assignment.pk]), {"ended_on": "2021-02-01"})
    venue.refresh_from_db()
    assignment.refresh_from_db()
    assert venue.name != "改名"
    assert assignment.ended_on is None


def test_inactive_venues_are_hidden_from_office_heads_but_not_staff(client_for, venue):
    closed = VenueFactory(is_active=False)
    assert client_for("office_head_user").get(closed.get_absolute_url()).status_code == 404
    assert client_for("staff_user").get(closed.get_absolute_url()).status_code == 200


def test_stationed_members_are_shown_to_the_venues_own_office_heads(client_for, venue):
    AssignmentFactory(venue=venue, member=MemberFactory(name="驻点甲"))
    AssignmentFactory(
        venue=venue, member=MemberFactory(name="已离开"), ended_on=datetime.date(2021, 3, 1)
    )
    for role in ["office_head_user", "staff_user", "leader_user"]:
        html = client_for(role).get(venue.get_absolute_url()).content.decode()
        assert "驻点甲" in html, role
        assert "已离开" not in html
    html = client_for("other_office_head_user").get(venue.get_absolute_url()).content.decode()
    assert "驻点甲" not in html
    assert "仅向本联络室负责人显示" in html


def test_venue_page_shows_only_sessions_the_user_may_read(client_for, venue, other_venue):
    SessionFactory(venue=venue, topic=TopicFactory(title="草稿议题"))
    PublishedSessionFactory(venue=venue, topic=TopicFactory(title="已发布议题"))
    own = client_for("office_head_user").get(venue.get_absolute_url()).content.decode()
    other = client_for("other_office_head_user").get(venue.get_absolute_url()).content.decode()
    assert "草稿议题" in own and "已发布议题" in own
    assert "草稿议题" not in other and "已发布议题" in other
    assert "登记协商活动" in own and "登记协商活动" not in other


def test_list_shows_the_year_and_flags_idle_offices(client, staff_user):
    now = timezone.now()
    active = VenueFactory(township__name="麦岭镇")
    idle = VenueFactory(township__name="王洛镇")
    never = VenueFactory(township__name="紫云镇")
    home = MemberHomeFactory(name="委员之家甲")
    PublishedSessionFactory(venue=active, started_at=now - datetime.timedelta(days=10))
    SubmittedSessionFactory(venue=active, started_at=now - datetime.timedelta(days=20))
    PublishedSessionFactory(venue=idle, started_at=now - datetime.timedelta(days=90))
    SessionFactory(venue=idle, started_at=now - datetime.timedelta(days=1))  # a draft: not held
    PublishedSessionFactory(venue=home, started_at=now - datetime.timedelta(days=400))
    AssignmentFactory(venue=active)
    AssignmentFactory(venue=active)
    client.force_login(staff_user)
    response = client.get(LIST)
    rows = {v.pk: v for v in response.context["venues"]}
    assert not rows[active.pk].is_idle
    assert rows[idle.pk].is_idle and rows[never.pk].is_idle
    assert not rows[home.pk].is_idle  # only liaison offices stand out
    assert rows[active.pk].stationed_count == 2
    assert rows[idle.pk].last_session_at.date() == (now - datetime.timedelta(days=90)).date()
    html = response.content.decode()
    assert html.count("venue-row table-warning idle") == 2
    assert "有 2 个联络室已 60 天未开展协商活动" in html


def test_list_counts_sessions_of_the_chosen_year(client, staff_user):
    office = VenueFactory()
    tz = timezone.get_current_timezone()
    for month in (3, 5):
        PublishedSessionFactory(
            venue=office, started_at=datetime.datetime(2021, month, 1, tzinfo=tz)
        )
    PublishedSessionFactory(venue=office, started_at=datetime.datetime(2022, 1, 1, tzinfo=tz))
    client.force_login(staff_user)
    counts = {
        year: client.get(LIST, {"year": year}).context["venues"][0].sessions_in_year
        for year in ("2021", "2022")
    }
    assert counts == {"2021": 2, "2022": 1}
    for bad in ("abc", "1900", "-1", "2021' OR 1=1"):
        response = client.get(LIST, {"year": bad})
        assert response.status_code == 200
        assert response.context["year"] == 2022  # the latest year with records


def make_county(sessions: int):
    """16 offices, 5 homes, `sessions` sessions spread over them (bulk, for speed)."""
    tz = timezone.get_current_timezone()
    offices = [VenueFactory(township=TownshipFactory(name=f"乡镇{i}")) for i in range(16)]
    homes = [MemberHomeFactory() for _ in range(5)]
    venues = offices + homes
    topic = TopicFactory()
    start = datetime.datetime(2021, 1, 1, 9, tzinfo=tz)
    Session.objects.bulk_create(
        Session(
            venue=venues[i % len(venues)],
            topic=topic,
            form=Session.Form.SYMPOSIUM,
            started_at=start + datetime.timedelta(hours=i * 13),
            place="会议室",
            state=Session.State.PUBLISHED,
            published_at=start,
        )
        for i in range(sessions)
    )
    for office in offices:
        for _ in range(3):
            AssignmentFactory(venue=office)
    return offices, homes


def test_venue_list_query_count_does_not_grow(client, staff_user, django_assert_max_num_queries):
    make_county(500)
    client.force_login(staff_user)
    # 5 for the session, user and permissions, 3 for saving the session; the page: 2.
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"year": "2021"})
    assert len(response.context["venues"]) == 21
    assert sum(v.sessions_in_year for v in response.context["venues"]) > 0


def test_venue_page_query_count_does_not_grow(client, staff_user, django_assert_max_num_queries):
    offices, _homes = make_county(500)
    office = offices[0]
    members = [a.member for a in office.assignments.all()]
    for session in Session.objects.filter(venue=office)[:10]:
        session.members.set(members)
        SuggestionFactory(session=session)
        SessionPhotoFactory(session=session)
    office.conveners.set(members)
    client.force_login(staff_user)
    # 8 for session, user, permissions and saving the session; the page: 7; the venue's
    # score (performance): 1; 社情民意: 2.
    with django_assert_max_num_queries(18):
        response = client.get(office.get_absolute_url(), {"year": "2021"})
    assert response.status_code == 200
    assert (
        response.context["figures"]["sessions"]
        == Session.objects.filter(venue=office, started_at__year=2021).count()
    )
    assert response.context["figures"]["photos"] == 10
    assert len(response.context["photos"]) == 10


def test_staff_edit_a_venue_and_the_change_is_recorded(client, staff_user, venue, office_head_user):
    director = MemberFactory(name="李主任")
    client.force_login(staff_user)
    url = reverse("venues:update", args=[venue.pk])
    response = client.post(
        url,
        {
            "name": venue.name,
            "kind": "office",
            "township": venue.township_id,
            "address": "新地址",
            "director": director.pk,
            "conveners": [director.pk],
            "managers": [office_head_user.pk],
            "sort_order": 5,
            "is_active": "on",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    venue.refresh_from_db()
    assert venue.address == "新地址" and venue.director == director
    assert list(venue.conveners.all()) == [director]
    assert venue.history.latest().history_user == staff_user


def test_edit_refuses_a_second_office_in_a_township(client, staff_user, venue, other_venue):
    client.force_login(staff_user)
    response = client.post(
        reverse("venues:update", args=[other_venue.pk]),
        {
            "name": other_venue.name,
            "kind": "office",
            "township": venue.township_id,
            "sort_order": 1,
        },
    )
    assert response.status_code == 200
    assert "该乡镇已有政协委员联络室" in response.content.decode()


@pytest.mark.parametrize("change", [{"kind": "home", "township": ""}, {"township": "other"}])
def test_an_office_with_stationed_members_keeps_its_kind_and_township(
    client, staff_user, venue, change
):
    # given an office with a member stationed at it
    AssignmentFactory(venue=venue)
    elsewhere = TownshipFactory(name="另一乡")
    data = {
        "name": venue.name,
        "kind": "office",
        "township": venue.township_id,
        "address": "原地址",
        "sort_order": 1,
        "is_active": "on",
    }
    data.update({k: (elsewhere.pk if v == "other" else v) for k, v in change.items()})
    before = (venue.kind, venue.township_id, venue.address)
    client.force_login(staff_user)
    # when staff turn it into a member home or move it to another township
    response = client.post(reverse("venues:update", args=[venue.pk]), data)
    # then the form refuses, next to the changed field, keeping what was typed
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == set(change)
    assert all("不能更改" in str(form.errors[field]) for field in change)
    assert "原地址" in response.content.decode()
    venue.refresh_from_db()
    assert (venue.kind, venue.township_id, venue.address) == before


def test_a_new_office_without_members_may_still_be_corrected(client, staff_user, venue):
    elsewhere = TownshipFactory(name="另一乡")
    client.force_login(staff_user)
    response = client.post(
        reverse("venues:update", args=[venue.pk]),
        {"name": venue.name, "kind": "office", "township": elsewhere.pk, "sort_order": 1},
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.township == elsewhere


def test_station_and_end_through_the_pages(client, staff_user, venue, other_venue):
    member = MemberFactory(name="调动委员")
    AssignmentFactory(venue=other_venue, member=member)
    client.force_login(staff_user)
    response = client.post(
        reverse("venues:assignment_create", args=[venue.pk]),
        {"member": member.pk, "started_on": "2021-07-01"},
    )
    assert response.status_code == 302
    moved = Assignment.objects.open().get(member=member)
    assert moved.venue == venue
    again = client.post(
        reverse("venues:assignment_create", args=[venue.pk]),
        {"member": member.pk, "started_on": "2021-08-01"},
    )
    assert again.status_code == 200
    assert "已驻" in again.content.decode()
    response = client.post(
        reverse("venues:assignment_end", args=[moved.pk]), {"ended_on": "2021-12-31"}
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.ended_on == datetime.date(2021, 12, 31)
    # Ended: the end page is gone; a member home has no stationing page.
    assert client.get(reverse("venues:assignment_end", args=[moved.pk])).status_code == 404
    home = MemberHomeFactory()
    assert client.get(reverse("venues:assignment_create", args=[home.pk])).status_code == 404


def test_bad_dates_are_form_errors(client, staff_user, venue):
    client.force_login(staff_user)
    response = client.post(
        reverse("venues:assignment_create", args=[venue.pk]),
        {"member": "999999", "started_on": "not-a-date"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"member", "started_on"}


def test_staff_and_leader_home_figures(client_for, venue, other_venue):
    MemberHomeFactory()
    AssignmentFactory(venue=venue)
    AssignmentFactory(venue=venue)
    figures = {str(f.label): f for f in client_for("leader_user").get("/").context["figures"]}
    assert figures["委员之家"].value == 1
    offices = figures["乡镇政协委员联络室"]
    assert (offices.value, offices.hint) == (2, "覆盖 2 个乡镇")
    stationed = figures["驻乡镇委员"]
    assert (stationed.value, stationed.hint) == (2, "分驻 1 个阵地")
    assert figures["60 天未开展活动的联络室"].value == 2


def test_navigation_entry_follows_permission(client_for, venue):
    assert LIST in client_for("office_head_user").get("/").content.decode()
    assert LIST not in client_for("member_user").get("/").content.decode()


def test_venue_kinds():
    assert {c for c, _ in Venue.Kind.choices} == {"home", "office"}
