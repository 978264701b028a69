"""The to-dos are computed once per data version and user (`TodoRegistry.for_user`,
`apps.core.versions.cached`) and stay exactly right after every write: a to-do added or
done shows at once on the home page and in the navigation's badge."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.consultation.models import Session
from apps.core import versions
from apps.core.todos import todos
from tests.accounts.factories import UserFactory
from tests.consultation.factories import (
    ReferralFactory,
    ReturnedSessionFactory,
    SubmittedSessionFactory,
)
from tests.venues.factories import VenueFactory

BADGE = reverse("core:badge")


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once_and_reads_are_cached(client_for, staff_user):
    client = client_for("staff_user")
    assert client.get(BADGE).context["todo_count"] == 0
    with CaptureQueriesContext(connection) as cached:
        assert client.get(BADGE).context["todo_count"] == 0
    session = SubmittedSessionFactory()  # autocommit: committed, the version moved
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(BADGE).context["todo_count"] == 1
    assert [i.url for i in todos.for_user(staff_user)] == [session.get_absolute_url()]
    # The cached visit asked no provider; the one after the write asked them all.
    assert len(cached) + 5 < len(fresh)

    with transaction.atomic():  # a transaction's writes count once it commits
        session.state = Session.State.PUBLISHED
        session.published_at = session.started_at
        session.save()
    assert client.get(BADGE).context["todo_count"] == 0
    second = SubmittedSessionFactory()
    assert [i.url for i in todos.for_user(staff_user)] == [second.get_absolute_url()]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_todo_behind(staff_user):
    assert todos.for_user(staff_user) == []
    with pytest.raises(RuntimeError), transaction.atomic():
        session = SubmittedSessionFactory()
        # Inside the writing transaction: its own records, computed afresh, not stored.
        assert [i.url for i in todos.for_user(staff_user)] == [session.get_absolute_url()]
        raise RuntimeError
    assert todos.for_user(staff_user) == []


@pytest.mark.django_db(transaction=True)
def test_each_user_and_day_has_their_own_todos(staff_user, leader_user):
    # given a referral due on 08-31: due soon (staff) on 08-25, overdue (leader) on 09-02
    ReferralFactory(due_on=datetime.date(2021, 8, 31))
    before, after = datetime.date(2021, 8, 25), datetime.date(2021, 9, 2)
    assert [(i.kind, i.urgent) for i in todos.for_user(staff_user, before)] == [
        ("referral_due", False)
    ]
    assert [(i.kind, i.urgent) for i in todos.for_user(staff_user, after)] == [
        ("referral_due", True)
    ]

    def overdue(day):
        return [i.count for i in todos.for_user(leader_user, day) if i.kind == "referral_overdue"]

    assert (overdue(before), overdue(after)) == ([], [1])
    # A user without a role has nothing, though another user's list is cached.
    assert todos.for_user(UserFactory(), after) == []


@pytest.mark.django_db(transaction=True)
def test_a_role_given_shows_its_todos_at_once(staff_user):
    SubmittedSessionFactory()
    newcomer = UserFactory()
    assert todos.for_user(newcomer) == []
    newcomer.groups.set(staff_user.groups.all())
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # a new request's user
    assert [i.kind for i in todos.for_user(newcomer)] == ["session_review"]


@pytest.mark.django_db(transaction=True)
def test_office_heads_with_the_same_permissions_keep_their_own_todos(
    office_head_user, other_office_head_user
):
    # given two office heads of two offices (one permission set), a returned session at
    # the first one's office
    mine = VenueFactory(managers=[office_head_user])
    VenueFactory(managers=[other_office_head_user])
    session = ReturnedSessionFactory(venue=mine)
    assert versions.permissions_key(office_head_user) == versions.permissions_key(
        other_office_head_user
    )
    # when the other office head's (empty) list is cached first, then theirs: each their own
    assert todos.for_user(other_office_head_user) == []
    assert [i.url for i in todos.for_user(office_head_user)] == [session.get_absolute_url()]
    assert todos.for_user(other_office_head_user) == []
