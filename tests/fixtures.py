"""Fixtures shared by every test module: one user per role (the groups come from
the data migration), plus an anonymous client."""

import pytest

from apps.accounts import roles
from tests.accounts.factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(username="t_staff", roles=[roles.COUNTY_STAFF])


@pytest.fixture
def leader_user(db):
    return UserFactory(username="t_leader", roles=[roles.LEADER])


@pytest.fixture
def office_head_user(db):
    return UserFactory(username="t_office1", roles=[roles.OFFICE_HEAD])


@pytest.fixture
def other_office_head_user(db):
    return UserFactory(username="t_office2", roles=[roles.OFFICE_HEAD])


@pytest.fixture
def member_user(db):
    return UserFactory(username="t_member", roles=[roles.MEMBER])


@pytest.fixture
def superuser(db):
    return UserFactory(username="t_admin", is_superuser=True, is_staff=True)


# The home page of staff and leaders gathers a fixed number of queries from each app's
# figures (about three each); it does not grow with rows.
HOME_QUERY_BUDGET = 28

ROLE_FIXTURES = ["staff_user", "leader_user", "office_head_user", "member_user", "superuser"]


@pytest.fixture
def client_for(client, request):
    """`client_for("staff_user")` returns a client signed in as that fixture's user;
    `client_for(None)` the anonymous client."""

    def make(fixture_name):
        from django.test import Client

        c = Client()
        if fixture_name:
            c.force_login(request.getfixturevalue(fixture_name))
        return c

    return make
