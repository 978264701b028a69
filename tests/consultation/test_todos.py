"""Each role's consultation to-dos are exactly the records waiting on that user (never
another venue's), each one tap from where it is done; and the services notify the right
people only."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.consultation import handling, services
from apps.consultation.models import Referral
from apps.core.models import Notification
from apps.core.todos import todos
from tests.consultation.factories import (
    ClosedReferralFactory,
    InstructionFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    ReturnedSessionFactory,
    SessionFactory,
    SubmittedSessionFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

# Referrals of the factories are due 2021-08-31: due soon on this day.
TODAY = datetime.date(2021, 8, 25)
NOW = datetime.datetime(2021, 8, 25, 10, tzinfo=datetime.UTC)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone()
    )


def kinds(user, today=TODAY):
    return sorted((item.kind, item.url) for item in todos.for_user(user, today))


def urls_of(user, kind, today=TODAY):
    return {item.url for item in todos.for_user(user, today) if item.kind == kind}


def test_the_leader_sees_reports_without_an_instruction_and_overdue_referrals(users):
    waiting = ReportFactory()
    instructed = InstructionFactory().report  # not waiting
    ReferralFactory(suggestion__report=instructed, due_on=datetime.date(2021, 8, 1))  # overdue
    ReferralFactory(suggestion__report=instructed)  # due 08-31: not overdue
    items = todos.for_user(users["leader"], TODAY)
    assert urls_of(users["leader"], "report_instruction") == {
        reverse("consultation:instruction_create", args=[waiting.pk])
    }
    (overdue,) = [i for i in items if i.kind == "referral_overdue"]
    assert (overdue.count, overdue.urgent) == (1, True)
    # None of it is anyone else's to-do.
    for other in ("staff", "office_head", "member"):
        assert "report_instruction" not in {i.kind for i in todos.for_user(users[other], TODAY)}


def test_staff_see_sessions_to_review_referrals_due_and_replies_to_close(users, venue):
    submitted = SubmittedSessionFactory(venue=venue)
    SessionFactory(venue=venue)  # a draft: the office head's, not staff's
    overdue = ReferralFactory(due_on=datetime.date(2021, 8, 20))
    soon = ReferralFactory(due_on=datetime.date(2021, 8, 31))
    ReferralFactory(due_on=datetime.date(2021, 12, 31))  # far off
    replied = RepliedReferralFactory()
    ClosedReferralFactory()
    staff = users["staff"]
    assert urls_of(staff, "session_review") == {submitted.get_absolute_url()}
    assert urls_of(staff, "referral_due") == {
        reverse("consultation:referral_reply", args=[overdue.pk]),
        reverse("consultation:referral_reply", args=[soon.pk]),
    }
    assert urls_of(staff, "referral_close") == {
        reverse("consultation:referral_close", args=[replied.pk])
    }
    items = todos.for_user(staff, TODAY)
    assert items[0].urgent  # the overdue one leads
    # Each is one tap from where it is done.
    client_pages = [item.url for item in items]
    from django.test import Client

    client = Client()
    client.force_login(staff)
    assert all(client.get(url).status_code == 200 for url in client_pages)


def test_a_long_list_ends_with_one_item_to_the_rest(users):
    for _n in range(8):
        ReferralFactory(due_on=datetime.date(2021, 8, 20))
    items = [i for i in todos.for_user(users["staff"], TODAY) if i.kind == "referral_due"]
    assert len(items) == 6
    assert items[-1].count == 3
    assert todos.count_for(users["staff"], TODAY) == 8


def test_the_office_head_sees_only_their_venues_work(users, venue, other_venue):
    returned = ReturnedSessionFactory(venue=venue, started_at=at(datetime.date(2021, 8, 20)))
    late = SessionFactory(venue=venue, started_at=at(datetime.date(2021, 8, 1)))
    recent = SessionFactory(venue=venue, started_at=at(datetime.date(2021, 8, 23)))
    upcoming = SessionFactory(venue=venue, started_at=at(datetime.date(2021, 9, 2)))
    SubmittedSessionFactory(venue=venue)  # with staff now
    SessionFactory(venue=other_venue, started_at=at(datetime.date(2021, 8, 1)))
    ReturnedSessionFactory(venue=other_venue)
    items = todos.for_user(users["office_head"], TODAY)
    assert {i.url: (i.kind, i.urgent) for i in items} == {
        returned.get_absolute_url(): ("session_returned", True),
        late.get_absolute_url(): ("session_draft", True),
        recent.get_absolute_url(): ("session_draft", False),
        upcoming.get_absolute_url(): ("session_upcoming", False),
    }
    assert {i.url for i in todos.for_user(users["other_office_head"], TODAY)} & {
        i.url for i in items
    } == set()


def test_members_and_anonymous_have_no_consultation_to_dos(users, venue):
    from django.contrib.auth.models import AnonymousUser

    SubmittedSessionFactory(venue=venue)
    ReportFactory()
    assert todos.for_user(users["member"], TODAY) == []
    assert todos.for_user(AnonymousUser(), TODAY) == []


@time_machine.travel(NOW, tick=False)
def test_the_home_page_lists_the_to_dos_and_the_navigation_counts_them(
    client_for, venue, django_assert_max_num_queries
):
    for _n in range(12):
        ReturnedSessionFactory(venue=venue)
    client = client_for("office_head_user")
    with django_assert_max_num_queries(24):
        page = client.get(reverse("home"))
    html = page.content.decode()
    assert 'id="todos"' in html
    assert html.count('class="list-group-item px-0"') == 12
    assert reverse("core:badge") in html  # fetched after the page loads
    assert "12项待办" in client.get(reverse("core:badge")).content.decode()


# --- notifications from the services ---------------------------------------------------


def test_returning_and_publishing_tell_the_office_head_who_logged_it(
    users, venue, django_capture_on_commit_callbacks
):
    users["office_head"].email = "o1@example.gov.cn"
    users["office_head"].save()
    first = SubmittedSessionFactory(venue=venue, created_by=users["office_head"])
    second = SubmittedSessionFactory(venue=venue, created_by=users["office_head"])
    with django_capture_on_commit_callbacks(execute=True):
        services.session_return(session=first, user=users["staff"], reason="请补充照片")
        services.session_publish(session=second, user=users["staff"])
    rows = Notification.objects.order_by("pk")
    assert [(n.recipient, n.kind) for n in rows] == [
        (users["office_head"], "session_returned"),
        (users["office_head"], "session_published"),
    ]
    assert rows[0].body == "请补充照片"
    assert "被退回" in rows[0].title
    assert [m.to for m in mail.outbox] == [["o1@example.gov.cn"]] * 2
    assert "https://zx.example.gov.cn" + first.get_absolute_url() in mail.outbox[0].body


def test_an_instruction_tells_the_reports_team_only(users, other_member_user):
    author = MemberFactory(user=users["member"])
    MemberFactory(user=other_member_user)  # on no team
    report = ReportFactory(project=ResearchProjectFactory(team=[author]))
    services.instruction_add(
        report=report,
        user=users["leader"],
        leader_name="李振华",
        leader_title="县政协主席",
        instructed_on=datetime.date(2021, 7, 1),
        text="请认真研究。",
    )
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (users["member"].pk, "instruction_written")
    ]


def test_a_leaders_position_fills_their_profile_once(users):
    leader = users["leader"]
    assert leader.title == ""
    services.instruction_add(
        report=ReportFactory(),
        user=leader,
        leader_name="李振华",
        leader_title="县政协主席",
        instructed_on=datetime.date(2021, 7, 1),
        text="请认真研究。",
    )
    leader.refresh_from_db()
    assert leader.title == "县政协主席"


def test_a_reply_tells_the_proposers_once(users, other_member_user):
    proposer = MemberFactory(user=users["member"])
    MemberFactory(user=other_member_user)
    referral = ReferralFactory(suggestion=ReportSuggestionFactory(members=[proposer]))
    for text in ("已研究落实。", "已研究落实（更正）。"):
        handling.referral_reply(
            referral=referral,
            user=users["staff"],
            text=text,
            replied_on=datetime.date(2021, 8, 1),
            implementation=Referral.Implementation.SOLVED,
        )
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (users["member"].pk, "referral_replied")
    ]
