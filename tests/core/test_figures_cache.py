"""The overview's figures are computed once per data version (`apps.core.versions`,
`Registry.cached_figures_for`) and stay exactly right after every write."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts import roles
from apps.consultation.models import Session
from apps.core import versions
from apps.core.registry import registry
from tests.accounts.factories import PASSWORD, UserFactory
from tests.consultation.factories import PublishedSessionFactory, SubmittedSessionFactory
from tests.members.factories import MemberFactory

HOME = reverse("home")


def waiting(response) -> int:
    """The figure "sessions awaiting review" of an overview page."""
    (figure,) = [
        f for f in response.context["figures"] if f"state={Session.State.SUBMITTED}" in f.url
    ]
    return figure.value


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once_and_reads_are_cached(client_for, settings):
    # The figures under the page: the page itself computed on each visit (it is kept per
    # user and version too, apps.core.pagecache; tests/core/test_pagecache.py).
    settings.PAGE_CACHE = False
    client = client_for("staff_user")
    assert waiting(client.get(HOME)) == 0
    with CaptureQueriesContext(connection) as cached:
        assert waiting(client.get(HOME)) == 0
    session = SubmittedSessionFactory()  # autocommit: committed, version moved
    with CaptureQueriesContext(connection) as fresh:
        assert waiting(client.get(HOME)) == 1
    # The second visit read no figure; the one after the write read them all again.
    assert len(cached) + 10 < len(fresh)

    with transaction.atomic():  # a transaction's writes count once it commits
        session.members.add(MemberFactory())
        session.state = Session.State.PUBLISHED
        session.published_at = session.started_at
        session.save()
    assert waiting(client.get(HOME)) == 0
    session.delete()
    SubmittedSessionFactory.create_batch(2)
    assert waiting(client.get(HOME)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_figure_behind(staff_user):
    before = registry.cached_figures_for(staff_user)
    with pytest.raises(RuntimeError), transaction.atomic():
        SubmittedSessionFactory()
        # Inside the writing transaction: its own records, computed afresh, not stored.
        inside = registry.cached_figures_for(staff_user)
        assert [f.value for f in inside] != [f.value for f in before]
        raise RuntimeError
    assert registry.cached_figures_for(staff_user) == before


def test_figures_are_right_inside_a_test_transaction(client_for):
    """Under the test settings (each test one transaction, no commit) nothing stale
    shows either: a transaction that wrote reads no cached figure."""
    client = client_for("staff_user")
    assert waiting(client.get(HOME)) == 0
    PublishedSessionFactory()
    SubmittedSessionFactory()
    assert waiting(client.get(HOME)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_once_per_committed_transaction():
    start = versions.data_version()
    with transaction.atomic():
        MemberFactory.create_batch(3)
        assert versions.data_version() == start  # nothing committed yet
    assert versions.data_version() == start + 1
    MemberFactory()
    assert versions.data_version() == start + 2
    versions.bump_data_version()  # a write outside Django (restore), in autocommit
    assert versions.data_version() == start + 3


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_leaves_the_version_and_the_caches_alone(client):
    """Signing in writes the user's last_login, which no figure counts: the county's
    morning sign-ins must not throw every cached figure, to-do and choice list away."""
    user = UserFactory(username="t_signin", roles=[roles.COUNTY_STAFF])
    start = versions.data_version()
    response = client.post(reverse("login"), {"username": "t_signin", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert versions.data_version() == start
    user.first_name = "改名"
    user.save()  # any other change of the user still counts
    assert versions.data_version() == start + 1
