"""Fixtures shared by every test module: one user per role (the groups come from
the data migration), plus an anonymous client, and the seeded county."""

import io

import pytest
from django.core.management import call_command

from apps.accounts import roles
from tests.accounts.factories import UserFactory
from tests.shared_seed import SharedSeed


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
# figures (about three each), its charts (one or two each) and the to-dos (apps.core.todos:
# about ten for staff); it does not grow with rows. (In production the figures, charts and
# to-dos come from the cache: apps.core.versions.) 48 for staff: the year's leaders'
# instructions and contact records are figures, the offices' ranking is a chart, the
# duty-report to-do reads `latest_year()`, and the 社情民意 to-dos read one query.
HOME_QUERY_BUDGET = 48

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


def seed_the_county() -> str:
    """`seed_xiangcheng --demo-users` on an empty database; returns what it printed."""
    out = io.StringIO()
    call_command("seed_xiangcheng", "--demo-users", stdout=out)
    return out.getvalue()


county_seed = SharedSeed("seeded_county", seed_the_county)


@pytest.fixture(scope="session")
def _seeded_county_session(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from county_seed.session(django_db_blocker, tmp_path_factory)


@pytest.fixture
def seeded_county(_seeded_county_session, request, settings, db):
    """The county as `make run` seeds it (with the demo users), seeded once per worker
    (tests/shared_seed.py); the value is what that seed printed (the demo passwords)."""
    return county_seed.get(request, settings)
