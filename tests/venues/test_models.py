import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.venues.models import Assignment, Venue
from tests.members.factories import MemberFactory
from tests.venues.factories import (
    AssignmentFactory,
    MemberHomeFactory,
    TownshipFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def test_each_township_has_at_most_one_liaison_office():
    township = TownshipFactory(name="城关镇")
    VenueFactory(township=township)
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(name="第二个联络室", kind=Venue.Kind.LIAISON_OFFICE, township=township)
    # A member home may sit in the same township.
    MemberHomeFactory(township=township)
    assert Venue.objects.filter(township=township).count() == 2


def test_a_liaison_office_belongs_to_a_township():
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(name="无乡镇联络室", kind=Venue.Kind.LIAISON_OFFICE, township=None)
    with pytest.raises(ValidationError) as caught:
        Venue(name="无乡镇联络室", kind=Venue.Kind.LIAISON_OFFICE).full_clean()
    assert "township" in caught.value.message_dict


def test_validation_message_of_the_one_office_constraint():
    township = TownshipFactory()
    VenueFactory(township=township)
    with pytest.raises(ValidationError) as caught:
        Venue(name="另一个", kind=Venue.Kind.LIAISON_OFFICE, township=township).full_clean()
    assert "该乡镇已有政协委员联络室" in str(caught.value)


def test_a_member_has_one_open_assignment_at_a_time():
    member = MemberFactory()
    AssignmentFactory(member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(member=member)


def test_assignment_dates_are_ordered_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(started_on=datetime.date(2021, 5, 1), ended_on=datetime.date(2021, 4, 1))


def test_clean_refuses_overlapping_periods_and_member_homes():
    member = MemberFactory(name="王磊")
    AssignmentFactory(
        member=member,
        started_on=datetime.date(2021, 1, 1),
        ended_on=datetime.date(2021, 6, 30),
        venue=VenueFactory(township__name="麦岭镇"),
    )
    overlapping = Assignment(
        venue=VenueFactory(), member=member, started_on=datetime.date(2021, 6, 1)
    )
    with pytest.raises(ValidationError, match="麦岭镇"):
        overlapping.full_clean()
    after = Assignment(venue=overlapping.venue, member=member, started_on=datetime.date(2021, 7, 1))
    after.full_clean()
    at_home = Assignment(
        venue=MemberHomeFactory(), member=MemberFactory(), started_on=after.started_on
    )
    with pytest.raises(ValidationError) as caught:
        at_home.full_clean()
    assert "venue" in caught.value.message_dict


def test_current_assignments_follow_the_dates():
    today = datetime.date(2021, 6, 1)
    current = AssignmentFactory(started_on=datetime.date(2021, 1, 1))
    AssignmentFactory(started_on=datetime.date(2021, 1, 1), ended_on=datetime.date(2021, 5, 31))
    AssignmentFactory(started_on=datetime.date(2021, 7, 1))  # not yet
    ends_today = AssignmentFactory(
        started_on=datetime.date(2021, 1, 1), ended_on=datetime.date(2021, 6, 1)
    )
    assert set(Assignment.objects.current(today)) == {current, ends_today}


def test_history_records_venue_managers(office_head_user):
    venue = VenueFactory()
    assert venue.history.count() == 1
    venue.managers.add(office_head_user)
    assert venue.history.count() == 2
    latest = venue.history.latest()
    assert [m.user_id for m in latest.managers.all()] == [office_head_user.pk]
