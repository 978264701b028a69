"""Session list filters, calendar, export, home page and the query budgets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.consultation.models import Session
from tests.consultation.factories import (
    PublishedSessionFactory,
    ReturnedSessionFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory
from tests.venues.factories import MemberHomeFactory, VenueFactory
from tests.xlsx import table_sheet

pytestmark = pytest.mark.django_db

LIST = reverse("consultation:list")
TZ = timezone.get_current_timezone()


def at(year, month, day=1, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def sample(venue, other_venue):
    parking = TopicFactory(title="停车难")
    return {
        "a": PublishedSessionFactory(
            venue=venue, topic=parking, started_at=at(2021, 6, 5), form="on_site"
        ),
        "b": SubmittedSessionFactory(venue=venue, started_at=at(2021, 7, 5)),
        "c": PublishedSessionFactory(venue=other_venue, topic=parking, started_at=at(2021, 6, 20)),
        "d": SessionFactory(venue=other_venue, started_at=at(2022, 1, 3)),
    }


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {s.pk for s in response.context["sessions"]}


def test_filters(client_for, sample, venue, other_venue):
    client = client_for("staff_user")
    ids = {k: s.pk for k, s in sample.items()}
    assert listed(client) == set(ids.values())
    assert listed(client, venue=venue.pk) == {ids["a"], ids["b"]}
    assert listed(client, township=other_venue.township_id) == {ids["c"], ids["d"]}
    assert listed(client, form="on_site") == {ids["a"]}
    assert listed(client, topic=sample["a"].topic_id) == {ids["a"], ids["c"]}
    assert listed(client, month="2021-06") == {ids["a"], ids["c"]}
    assert listed(client, year="2022") == {ids["d"]}
    assert listed(client, state="submitted") == {ids["b"]}
    assert listed(client, month="2021-06", venue=venue.pk) == {ids["a"]}


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2021-13"},
        {"month": "junk"},
        {"venue": "abc"},
        {"year": "x"},
        {"state": "nope"},
        {"page": "999"},
    ],
)
def test_bad_filter_values_never_500(client_for, sample, params):
    response = client_for("staff_user").get(LIST, params)
    assert response.status_code in (200, 404)


def test_the_venue_filter_offers_only_readable_venues(client_for, venue, other_venue):
    closed = VenueFactory(is_active=False, name="停用联络室")
    html = client_for("office_head_user").get(LIST).content.decode()
    assert venue.name in html and other_venue.name in html and closed.name not in html


def test_an_office_head_lists_own_sessions_and_published_ones_elsewhere(client_for, sample):
    assert listed(client_for("other_office_head_user")) == {
        sample["a"].pk,
        sample["c"].pk,
        sample["d"].pk,
    }


def test_calendar_shows_the_month(client_for, sample, venue):
    client = client_for("staff_user")
    response = client.get(reverse("consultation:calendar"), {"month": "2021-06"})
    assert response.status_code == 200
    days = dict(response.context["days"])
    assert [s.pk for s in days[datetime.date(2021, 6, 5)]] == [sample["a"].pk]
    assert [s.pk for s in days[datetime.date(2021, 6, 20)]] == [sample["c"].pk]
    assert response.context["previous_month"] == "2021-05"
    assert response.context["next_month"] == "2021-07"
    assert len(response.context["weeks"]) in (4, 5, 6)
    only_a = client.get(reverse("consultation:calendar"), {"month": "2021-06", "venue": venue.pk})
    assert [s.pk for _day, items in only_a.context["days"] for s in items] == [sample["a"].pk]
    for bad in ["2021-00", "abc", ""]:
        assert client.get(reverse("consultation:calendar"), {"month": bad}).status_code == 200


CALENDAR = reverse("consultation:calendar")


def on_calendar(client, **params):
    response = client.get(CALENDAR, params)
    assert response.status_code == 200
    return {s.pk for _day, items in response.context["days"] for s in items}


def test_calendar_applies_the_lists_filters(client_for, sample, venue, other_venue):
    client = client_for("staff_user")
    ids = {k: s.pk for k, s in sample.items()}
    june = {"month": "2021-06"}
    assert on_calendar(client, **june) == {ids["a"], ids["c"]}
    assert on_calendar(client, **june, form="on_site") == {ids["a"]}
    assert on_calendar(client, **june, township=other_venue.township_id) == {ids["c"]}
    assert on_calendar(client, **june, topic=sample["a"].topic_id, venue=other_venue.pk) == {
        ids["c"]
    }
    assert on_calendar(client, month="2021-07", state="submitted") == {ids["b"]}
    assert on_calendar(client, month="2021-07", state="published") == set()
    # a year alone shows its January; the month of the filter is the calendar's month
    response = client.get(CALENDAR, {"year": "2022"})
    assert response.context["month_start"] == datetime.date(2022, 1, 1)
    assert {s.pk for _d, items in response.context["days"] for s in items} == {ids["d"]}
    # invalid filters show nothing (as the list and the export), never a 500
    assert on_calendar(client, **june, state="nope") == set()
    assert on_calendar(client, **june, venue="abc") == set()


def test_the_calendar_keeps_the_users_scope(client_for, sample):
    # d is a draft of another office's venue: not for this office head, filtered or not
    head = client_for("office_head_user")
    assert sample["d"].pk not in on_calendar(head, month="2022-01")
    assert on_calendar(head, month="2022-01", state="draft") == set()


def test_list_and_calendar_link_each_other_with_the_filters(client_for, sample, venue):
    client = client_for("staff_user")
    html = client.get(LIST, {"venue": venue.pk, "form": "on_site", "page": "1"}).content.decode()
    assert f'href="{CALENDAR}?venue={venue.pk}&amp;form=on_site" id="list-calendar-link"' in html
    response = client.get(CALENDAR, {"venue": venue.pk, "form": "on_site", "month": "2021-06"})
    html = response.content.decode()
    query = f"venue={venue.pk}&amp;form=on_site"
    assert f'href="{LIST}?{query}&amp;month=2021-06" id="calendar-list-link"' in html
    assert f'href="?{query}&amp;month=2021-05" rel="prev"' in html
    assert f'href="?{query}&amp;month=2021-07" rel="next"' in html


def test_calendar_query_count_does_not_grow(
    client_for, sample, venue, other_venue, django_assert_max_num_queries
):
    make_sessions([venue, other_venue], 200)
    client = client_for("staff_user")
    params = {
        "month": "2021-01",
        "venue": venue.pk,
        "township": venue.township_id,
        "topic": Session.objects.filter(venue=venue).last().topic_id,
        "form": "symposium",
        "state": "published",
    }
    # 8 for the session, user, permissions and saving the session; the page: the venue,
    # township and topic the filter checks, and the sessions.
    with django_assert_max_num_queries(13):
        response = client.get(CALENDAR, params)
    expected = Session.objects.filter(venue=venue, form="symposium").in_month(2021, 1).count()
    assert expected > 20
    assert sum(len(items) for _day, items in response.context["days"]) == expected


def test_calendar_uses_local_dates(client_for, venue):
    # 23:30 on June 30 in Shanghai is still June there (15:30 UTC).
    late = PublishedSessionFactory(venue=venue, started_at=at(2021, 6, 30, 23))
    response = client_for("staff_user").get(reverse("consultation:calendar"), {"month": "2021-06"})
    assert dict(response.context["days"])[datetime.date(2021, 6, 30)] == [late]


def test_export_follows_the_filters(client_for, sample, venue):
    member = MemberFactory(name="导出委员")
    sample["a"].members.add(member)
    SuggestionFactory(session=sample["a"], text='=HYPERLINK("http://x")')
    Session.objects.filter(pk=sample["a"].pk).update(place="=1+1", other_attendees="@SUM(A1)")
    response = client_for("staff_user").get(reverse("consultation:export"), {"venue": venue.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(table_sheet(response).iter_rows(values_only=True))
    assert rows[0][0] == "开始时间"
    assert len(rows) == 3
    row_a = next(r for r in rows if r[3] == "停车难")
    assert row_a[6] == "导出委员" and row_a[7] == 1
    assert row_a[4] == "实地共商"
    assert row_a[11].startswith("1. =HYPERLINK")  # numbered: never a formula
    assert row_a[13] == "已发布"
    assert (row_a[5], row_a[10]) == ("=1+1", "@SUM(A1)")  # kept as typed
    sheet = table_sheet(response)
    typed = [
        c
        for r in sheet.iter_rows(min_row=2)
        for c in (r[5], r[10])
        if c.value in ("=1+1", "@SUM(A1)")
    ]
    assert len(typed) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in typed)  # text, never a formula


def test_export_of_an_invalid_filter_is_empty(client_for, sample):
    response = client_for("staff_user").get(reverse("consultation:export"), {"month": "junk"})
    assert len(list(table_sheet(response).iter_rows())) == 1


def make_sessions(venues, count):
    topic = TopicFactory()
    Session.objects.bulk_create(
        Session(
            venue=venues[i % len(venues)],
            topic=topic,
            form=Session.Form.SYMPOSIUM,
            started_at=at(2021, 1) + datetime.timedelta(hours=i * 13),
            place="会议室",
            state=Session.State.PUBLISHED,
            published_at=at(2021, 1),
        )
        for i in range(count)
    )


@pytest.mark.parametrize("role", ["staff_user", "office_head_user"])
def test_session_list_query_count_does_not_grow(
    client_for, venue, role, django_assert_max_num_queries
):
    venues = [venue] + [VenueFactory() for _ in range(15)] + [MemberHomeFactory() for _ in range(5)]
    make_sessions(venues, 500)
    for session in Session.objects.all()[:30]:
        session.members.add(MemberFactory())
        SuggestionFactory(session=session)
    client = client_for(role)
    # 8 for the session, user, permissions and saving the session; the page: venues of
    # the filter, townships, topics, the count and the rows (+ managed venues).
    with django_assert_max_num_queries(14):
        response = client.get(LIST, {"year": "2021"})
    assert response.context["paginator"].count == 500
    assert len(response.context["sessions"]) == 25


def test_session_page_query_count_does_not_grow(client_for, venue, django_assert_max_num_queries):
    session = PublishedSessionFactory(venue=venue, members=[MemberFactory() for _ in range(20)])
    for _ in range(10):
        SuggestionFactory(session=session).members.set(session.members.all()[:3])
    for _ in range(5):
        SessionPhotoFactory(session=session)
    client = client_for("staff_user")
    # 8 for the session, user, permissions and saving the session; the page: the session,
    # members, suggestions with their members, photos and the history.
    with django_assert_max_num_queries(14):
        response = client.get(session.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="img-fluid rounded photo-thumb"') == 5
    assert len(response.context["session"].suggestions.all()) == 10


def test_calendar_and_export_query_counts(client_for, venue, django_assert_max_num_queries):
    make_sessions([venue, VenueFactory()], 200)
    client = client_for("staff_user")
    with django_assert_max_num_queries(9):
        assert client.get(reverse("consultation:calendar"), {"month": "2021-02"}).status_code == 200
    with django_assert_max_num_queries(11):
        response = client.get(reverse("consultation:export"), {"year": "2021"})
    assert len(list(table_sheet(response).iter_rows())) == 201


def test_session_page_shows_history_to_staff_only(client_for, venue):
    session = SessionFactory(venue=venue)
    assert "修改记录" in client_for("staff_user").get(session.get_absolute_url()).content.decode()
    assert (
        "修改记录"
        not in client_for("office_head_user").get(session.get_absolute_url()).content.decode()
    )


def test_session_page_buttons_follow_the_rules(client_for, venue):
    draft = SessionFactory(venue=venue)
    submitted = SubmittedSessionFactory(venue=venue)
    returned = ReturnedSessionFactory(venue=venue, return_reason="请补充纪要。")
    head = client_for("office_head_user")
    staff = client_for("staff_user")
    draft_html = head.get(draft.get_absolute_url()).content.decode()
    assert reverse("consultation:submit", args=[draft.pk]) in draft_html
    assert reverse("consultation:update", args=[draft.pk]) in draft_html
    submitted_html = head.get(submitted.get_absolute_url()).content.decode()
    assert reverse("consultation:update", args=[submitted.pk]) not in submitted_html
    assert reverse("consultation:publish", args=[submitted.pk]) not in submitted_html
    assert (
        reverse("consultation:publish", args=[submitted.pk])
        in staff.get(submitted.get_absolute_url()).content.decode()
    )
    assert "请补充纪要。" in head.get(returned.get_absolute_url()).content.decode()


def test_return_through_the_page(client_for, venue):
    submitted = SubmittedSessionFactory(venue=venue)
    staff = client_for("staff_user")
    url = reverse("consultation:return", args=[submitted.pk])
    blank = staff.post(url, {"reason": "  "})
    assert blank.status_code == 200 and "reason" in blank.context["form"].errors
    assert staff.post(url, {"reason": "请补充照片"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Session.State.RETURNED and submitted.return_reason == "请补充照片"
    # Returning again is refused with a message, not an error page.
    response = staff.post(url, {"reason": "再次"}, follow=True)
    assert "只有已提交的协商活动可以退回" in response.content.decode()


def test_submitting_without_minutes_shows_a_message(client_for, venue):
    draft = SessionFactory(venue=venue, minutes="")
    response = client_for("office_head_user").post(
        reverse("consultation:submit", args=[draft.pk]), follow=True
    )
    assert "请先填写活动纪要再提交" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Session.State.DRAFT


def test_office_head_home_lists_their_venue_and_work_in_progress(client_for, venue, other_venue):
    ReturnedSessionFactory(venue=venue, topic=TopicFactory(title="被退回的活动"))
    PublishedSessionFactory(venue=other_venue, topic=TopicFactory(title="别人的活动"))
    html = client_for("office_head_user").get("/").content.decode()
    assert venue.name in html and "被退回的活动" in html
    assert "别人的活动" not in html
    assert f"{reverse('consultation:create')}?venue={venue.pk}" in html
    assert "我管理的阵地" not in client_for("member_user").get("/").content.decode()


def test_staff_figures(client_for, venue):
    this_year = timezone.localdate().year
    SubmittedSessionFactory(venue=venue, started_at=at(this_year, 1, 2))
    PublishedSessionFactory(venue=venue, started_at=at(this_year, 1, 3))
    SessionFactory(venue=venue, started_at=at(this_year, 1, 4))
    response = client_for("staff_user").get("/", {"year": this_year})
    figures = {str(f.label): f for f in response.context["figures"]}
    assert f"{this_year}年协商活动" in figures, [str(k) for k in figures]
    assert figures[f"{this_year}年协商活动"].value == 2
    assert figures[f"{this_year}年协商活动"].hint == "已发布 1 次"
    assert figures["待审核的协商活动"].value == 1 and figures["待审核的协商活动"].warn
