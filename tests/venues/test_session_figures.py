"""Pins of what the venue pages show of sessions, as a person reads them: the year's
figures, the latest sessions and photos of a venue, and on the list each row's sessions in
the year, last session and idle flag (desktop table and phone list). Whatever code
assembles them, these words and numbers stay."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.consultation.factories import (
    PublishedSessionFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, MemberHomeFactory, VenueFactory

pytestmark = pytest.mark.django_db

LIST = reverse("venues:list")


def words(html: str) -> str:
    return " ".join(strip_tags(html).split())


def row_cells(html: str, venue) -> tuple[str, list[str]]:
    """The class attribute and the cells' text of `venue`'s row in the desktop table."""
    row = re.search(rf'<tr id="venue-{venue.pk}" class="([^"]*)">(.*?)</tr>', html, re.S)
    assert row, venue
    return " ".join(row[1].split()), [
        words(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row[2], re.S)
    ]


def phone_item(html: str, venue) -> tuple[str, str]:
    """The class attribute and the text of `venue`'s entry in the phone list."""
    item = re.search(
        rf'<a href="{venue.get_absolute_url()}" class="([^"]*venue-item[^"]*)">(.*?)</a>',
        html,
        re.S,
    )
    assert item, venue
    return " ".join(item[1].split()), words(item[2])


def at(year, month, day):
    return datetime.datetime(year, month, day, 9, tzinfo=timezone.get_current_timezone())


def ago(county, days: int) -> str:
    """The local date, as the pages print it, of `days` before the county was made."""
    return timezone.localtime(county["now"] - datetime.timedelta(days=days)).strftime("%Y-%m-%d")


@pytest.fixture
def county():
    now = timezone.now()
    active = VenueFactory(township__name="麦岭镇", name="麦岭镇联络室")
    idle = VenueFactory(township__name="王洛镇", name="王洛镇联络室")
    never = VenueFactory(township__name="紫云镇", name="紫云镇联络室")
    home = MemberHomeFactory(name="委员之家甲")
    active.director = MemberFactory(name="麦主任")
    active.save()
    PublishedSessionFactory(venue=active, started_at=at(2021, 3, 1))
    SubmittedSessionFactory(venue=active, started_at=at(2021, 5, 1))
    SessionFactory(venue=active, started_at=at(2021, 6, 1))  # a draft: not held, not counted
    PublishedSessionFactory(venue=active, started_at=at(2022, 1, 1))
    PublishedSessionFactory(venue=active, started_at=now - datetime.timedelta(days=10))
    PublishedSessionFactory(venue=idle, started_at=at(2021, 7, 1))
    PublishedSessionFactory(venue=idle, started_at=now - datetime.timedelta(days=90))
    SessionFactory(venue=idle, started_at=now - datetime.timedelta(days=1))  # a draft
    PublishedSessionFactory(venue=home, started_at=now - datetime.timedelta(days=400))
    AssignmentFactory(venue=active)
    AssignmentFactory(venue=active)
    return {"now": now, "active": active, "idle": idle, "never": never, "home": home}


def test_venue_list_rows_show_sessions_of_the_year_last_session_and_idle_flag(
    client, staff_user, county
):
    """A past year is seen as it stood on its last day: its sessions, its last session up
    to 31 December, and idle offices counted then (not against today)."""
    client.force_login(staff_user)
    html = client.get(LIST, {"year": "2021"}).content.decode()
    assert row_cells(html, county["active"]) == (
        "venue-row table-warning idle",  # its last 2021 session was in May
        ["麦岭镇联络室", "麦岭镇", "麦主任", "2", "2", "2021-05-01 60 天未开展活动"],
    )
    assert row_cells(html, county["idle"]) == (
        "venue-row table-warning idle",
        ["王洛镇联络室", "王洛镇", "—", "0", "1", "2021-07-01 60 天未开展活动"],
    )
    assert row_cells(html, county["never"]) == (
        "venue-row table-warning idle",
        ["紫云镇联络室", "紫云镇", "—", "0", "0", "— 60 天未开展活动"],
    )
    assert row_cells(html, county["home"]) == ("venue-row", ["委员之家甲", "—", "—", "—", "0", "—"])
    assert "2021 年活动次数" in html and "最近一次活动" in html
    assert "有 3 个联络室已 60 天未开展协商活动" in html


def test_venue_list_of_this_year_flags_idle_offices_against_today(client, staff_user, county):
    client.force_login(staff_user)
    html = client.get(LIST).content.decode()  # the latest year with records: this year
    assert row_cells(html, county["active"])[0] == "venue-row"
    assert row_cells(html, county["active"])[1][-1] == ago(county, 10)
    assert row_cells(html, county["idle"])[0] == "venue-row table-warning idle"
    assert row_cells(html, county["idle"])[1][-1] == f"{ago(county, 90)} 60 天未开展活动"
    assert row_cells(html, county["never"])[0] == "venue-row table-warning idle"
    assert row_cells(html, county["home"])[1][-1] == ago(county, 400)
    assert "有 2 个联络室已 60 天未开展协商活动" in html


def test_venue_list_phone_items_show_the_same_figures(client, staff_user, county):
    client.force_login(staff_user)
    year = timezone.localdate().year
    html = client.get(LIST, {"year": year}).content.decode()
    last_active = ago(county, 10)
    css, text = phone_item(html, county["active"])
    assert "list-group-item-warning" not in css
    assert "驻乡镇委员 2" in text
    assert f"{year} 年活动次数" in text
    assert f"最近一次活动 {last_active}" in text
    assert "天未开展活动" not in text
    css, text = phone_item(html, county["never"])
    assert "list-group-item-warning" in css
    assert f"{year} 年活动次数 0" in text
    assert "最近一次活动 — 60 天未开展活动" in text


def test_venue_page_shows_the_years_figures_latest_sessions_and_photos(client, staff_user):
    office = VenueFactory(township__name="山头店镇")
    members = [MemberFactory(name=f"委员{i}") for i in range(3)]
    first = PublishedSessionFactory(
        venue=office, started_at=at(2021, 3, 1), topic=TopicFactory(title="春耕议题")
    )
    second = SubmittedSessionFactory(
        venue=office, started_at=at(2021, 9, 1), topic=TopicFactory(title="秋收议题")
    )
    SessionFactory(venue=office, started_at=at(2021, 10, 1), topic=TopicFactory(title="草稿议题"))
    PublishedSessionFactory(
        venue=office, started_at=at(2022, 2, 1), topic=TopicFactory(title="来年议题")
    )
    first.members.set(members[:2])
    second.members.set(members[1:])
    SuggestionFactory(session=first)
    SuggestionFactory(session=first)
    SuggestionFactory(session=second)
    SessionPhotoFactory(session=first)
    SessionPhotoFactory(session=second)
    client.force_login(staff_user)

    response = client.get(office.get_absolute_url(), {"year": "2021"})

    html = response.content.decode()
    figures = re.findall(r'<div class="fs-3 fw-semibold">(\d+)</div><div>([^<]+)</div>', html)
    assert figures == [
        ("2", "开展协商活动"),
        ("3", "参加委员"),
        ("3", "意见建议"),
        ("2", "照片"),
    ]
    topics = re.findall(r"(春耕议题|秋收议题|草稿议题|来年议题)", html)
    assert topics[:4] == ["来年议题", "草稿议题", "秋收议题", "春耕议题"]
    assert html.count("photo-thumb") == 2
    assert f"{reverse('consultation:list')}?venue={office.pk}" in html
    assert f"{reverse('consultation:create')}?venue={office.pk}" in html
    figures_2022 = client.get(office.get_absolute_url(), {"year": "2022"}).context["figures"]
    assert figures_2022 == {"sessions": 1, "members": 0, "suggestions": 0, "photos": 0}


def test_an_office_with_sessions_keeps_its_kind_and_township(venue):
    # given an office with no stationed member but a session
    PublishedSessionFactory(venue=venue)
    # when it is turned into a member home
    venue.kind = "home"
    venue.township = None
    # then the model refuses, next to both fields, with the rule's message
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert set(error.value.message_dict) == {"kind", "township"}
    assert "不能更改" in error.value.message_dict["kind"][0]


def test_an_office_without_sessions_or_members_may_change(venue, other_venue):
    PublishedSessionFactory(venue=other_venue)
    venue.kind = "home"
    venue.township = None
    venue.full_clean()


def test_office_head_home_shows_their_venues_sessions_of_the_year(
    client_for, venue, other_venue, office_head_user
):
    year = timezone.localdate().year
    PublishedSessionFactory(venue=venue, started_at=at(year, 1, 2))
    SubmittedSessionFactory(venue=venue, started_at=at(year, 1, 3))
    SessionFactory(venue=venue, started_at=at(year, 1, 4))  # a draft: not held
    PublishedSessionFactory(venue=other_venue, started_at=at(year, 1, 2))
    AssignmentFactory(venue=venue)
    html = client_for("office_head_user").get("/").content.decode()
    assert f"{year} 年协商活动 2 次 · 驻乡镇委员 1 名" in words(html)
    assert other_venue.name not in html
