"""The one date rule and the attendee-count bound on the session form: sessions dated
1999 or 2999 and an attendee count of 10^12 are refused next to the field (no 500), and
a raw save of 10^12 fails on SQLite as it does on PostgreSQL."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from apps.consultation.models import Session, Topic
from apps.core.numbers import COUNT_MAX
from tests.consultation.factories import SessionFactory, TopicFactory
from tests.consultation.test_session_form import form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("consultation:create")


@pytest.fixture
def head(client_for, venue):
    return client_for("office_head_user")


@pytest.mark.parametrize("value", ["1999-12-31T09:00", "2999-12-31T09:00", "1900-01-01T09:00"])
def test_a_session_outside_the_era_is_refused_next_to_the_field(head, venue, value):
    response = head.post(CREATE, form_data(venue, topic=TopicFactory(), started_at=value))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"started_at"} and "请输入 2000-01-01 至" in str(errors["started_at"])
    assert f'value="{value}"' in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("count", [str(10**12), str(COUNT_MAX + 1)])
def test_an_absurd_attendee_count_is_refused_next_to_the_field(head, venue, count):
    response = head.post(CREATE, form_data(venue, topic=TopicFactory(), other_attendee_count=count))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "other_attendee_count" in errors
    assert f"请输入不大于 {COUNT_MAX} 的数" in str(errors["other_attendee_count"])
    assert f'value="{count}"' in response.content.decode()
    assert not Session.objects.exists()


def test_the_largest_attendee_count_is_kept(head, venue):
    head.post(CREATE, form_data(venue, topic=TopicFactory(), other_attendee_count=COUNT_MAX))
    assert Session.objects.get().other_attendee_count == COUNT_MAX


@pytest.mark.parametrize(
    ("value", "error"), [(10**12, DatabaseError), (COUNT_MAX + 1, IntegrityError)]
)
def test_a_raw_save_of_an_absurd_count_fails_on_every_engine(value, error):
    """SQLite: the constraint's IntegrityError; PostgreSQL: 10^12 overflows the small
    integer first (a DataError), COUNT_MAX + 1 meets the constraint (IntegrityError)."""
    session = SessionFactory()
    session.other_attendee_count = value
    with pytest.raises(error), transaction.atomic():
        session.save()
    session.refresh_from_db()
    assert session.other_attendee_count == 0


def test_a_topic_year_past_next_year_is_refused_in_chinese(client_for):
    response = client_for("staff_user").post(
        reverse("consultation:topic_create"),
        {"title": "远期议题", "year": "2999", "category": "livelihood", "source": "other"},
    )
    assert response.status_code == 200
    assert "请输入 2000 年至" in str(response.context["form"].errors["year"])
    assert not Topic.objects.filter(title="远期议题").exists()


@pytest.mark.parametrize("raw", ["²", "١٢", "３", "1²"])
def test_a_venue_in_other_digits_is_refused_not_an_error(head, venue, raw):
    """ "²" is a digit to `str.isdigit` but not to `int()`: it answered 500."""
    assert head.get(CREATE, {"venue": raw}).status_code == 404
    assert (
        head.post(CREATE, form_data(venue, topic=TopicFactory()) | {"venue": raw}).status_code
        == 403
    )
