import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.venues import services
from apps.venues.models import Assignment
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, MemberHomeFactory, VenueFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_station_a_member():
    office = VenueFactory()
    member = MemberFactory()
    assignment = services.assignment_start(venue=office, member=member, started_on=D(2021, 1, 1))
    assert assignment.is_open
    assert list(office.assignments.all()) == [assignment]


def test_moving_a_member_ends_the_previous_stationing_the_day_before():
    first, second = VenueFactory(), VenueFactory()
    member = MemberFactory()
    old = AssignmentFactory(venue=first, member=member, started_on=D(2021, 1, 1))
    services.assignment_start(venue=second, member=member, started_on=D(2021, 7, 1))
    old.refresh_from_db()
    assert old.ended_on == D(2021, 6, 30)
    assert Assignment.objects.open().get(member=member).venue == second


def test_refusals_change_nothing():
    office = VenueFactory()
    member = MemberFactory()
    AssignmentFactory(venue=office, member=member, started_on=D(2021, 3, 1))
    with pytest.raises(ValidationError):
        services.assignment_start(venue=office, member=member, started_on=D(2021, 5, 1))
    with pytest.raises(ValidationError):  # not after the current one started
        services.assignment_start(venue=VenueFactory(), member=member, started_on=D(2021, 3, 1))
    with pytest.raises(ValidationError):
        services.assignment_start(
            venue=MemberHomeFactory(), member=MemberFactory(), started_on=D(2021, 3, 1)
        )
    assert Assignment.objects.count() == 1
    assert Assignment.objects.get().ended_on is None


def test_end_a_stationing():
    assignment = AssignmentFactory(started_on=D(2021, 3, 1))
    with pytest.raises(ValidationError):
        services.assignment_end(assignment=assignment, ended_on=D(2021, 2, 1))
    services.assignment_end(assignment=assignment, ended_on=D(2021, 12, 31))
    assignment.refresh_from_db()
    assert assignment.ended_on == D(2021, 12, 31)
