"""The annual report is computed once per data version (`apps.reports.chapters.report`,
`apps.core.versions.cached`) and stays exactly right after every write."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.reports import chapters
from tests.consultation.factories import PublishedSessionFactory

REPORT_2021 = reverse("reports:year", args=[2021])
TODAY = datetime.date(2021, 12, 31)


def values(user) -> list:
    return [
        (figure.label, figure.value)
        for chapter in chapters.report(user, year=2021, today=TODAY)
        for part in chapter.parts
        for figure in part.figures
    ]


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once_and_reads_are_cached(client_for, staff_user):
    client = client_for("staff_user")
    assert client.get(REPORT_2021).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(REPORT_2021).status_code == 200
    before = values(staff_user)
    PublishedSessionFactory()  # autocommit: committed, the version moved
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(REPORT_2021).status_code == 200
    after = values(staff_user)
    assert after != before  # the session counts at once
    assert len(cached) + 10 < len(fresh)  # the cached visit computed nothing

    with pytest.raises(RuntimeError), transaction.atomic():
        PublishedSessionFactory()
        # Inside the writing transaction: its own records, computed afresh, not stored.
        assert values(staff_user) != after
        raise RuntimeError
    assert values(staff_user) == after


@pytest.mark.django_db(transaction=True)
def test_each_reader_has_their_own_report(staff_user, leader_user, member_user):
    PublishedSessionFactory()
    assert values(staff_user)
    assert values(leader_user)
    # a member may not read the report's parts: nothing of the staff's cached report
    assert values(member_user) != values(staff_user)
