"""The one date rule on the meetings' page and in the admin: meetings dated 1900-01-01
and 2999-12-31 are refused next to the field with the input kept; typed years and
terms are bounded in the database too."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from apps.performance.models import Meeting, PointRule
from tests.performance.factories import MeetingFactory, PointRuleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("date", ["1900-01-01", "2999-12-31", "1999-12-31"])
def test_the_meeting_page_refuses_a_date_outside_the_era(client_for, date):
    response = client_for("staff_user").post(
        reverse("performance:meeting_create"),
        {"kind": "standing", "term": 11, "title": "常委会议", "date": date},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"date"} and "请输入 2000-01-01 至" in str(errors["date"])
    html = response.content.decode()
    assert f'value="{date}"' in html and 'value="常委会议"' in html
    assert not Meeting.objects.exists()


def test_the_meeting_page_refuses_an_absurd_term(client_for):
    response = client_for("staff_user").post(
        reverse("performance:meeting_create"),
        {"kind": "standing", "term": 10**12, "title": "常委会议", "date": "2021-06-30"},
    )
    assert response.status_code == 200
    assert "请输入不大于 99 的数" in str(response.context["form"].errors["term"])
    assert not Meeting.objects.exists()


def test_the_admin_refuses_a_meeting_dated_2999(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:performance_meeting_add"),
        {"kind": "standing", "term": 11, "title": "常委会议", "date": "2999-12-31"},
    )
    assert response.status_code == 200
    assert "请输入 2000-01-01 至" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("value", "error"), [(10**12, DatabaseError), (100, IntegrityError)])
def test_the_database_refuses_a_meeting_term_out_of_bounds(value, error):
    meeting = MeetingFactory()
    meeting.term = value
    with pytest.raises(error), transaction.atomic():
        meeting.save()


def test_the_database_refuses_a_point_rule_year_outside_its_guard():
    rule = PointRuleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PointRule.objects.filter(pk=rule.pk).update(year=1999)
