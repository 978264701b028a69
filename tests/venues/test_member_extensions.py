"""What venues add to the members app: office heads read their venues' members; the
roster filters by the venue and township of stationing."""

import pytest
from django.urls import reverse

from tests.members.factories import CpcMemberFactory, MemberFactory
from tests.venues.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stationed(venue, other_venue):
    here = AssignmentFactory(venue=venue, member=MemberFactory(name="本室委员")).member
    there = AssignmentFactory(venue=other_venue, member=MemberFactory(name="他室委员")).member
    return here, there


def test_office_head_reads_the_members_of_their_venue_only(client_for, stationed, venue):
    here, there = stationed
    director = CpcMemberFactory(name="本室主任")
    venue.director = director
    venue.save()
    client = client_for("office_head_user")
    assert client.get(reverse("members:detail", args=[here.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[director.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[there.pk])).status_code == 404
    other = client_for("other_office_head_user")
    assert other.get(reverse("members:detail", args=[there.pk])).status_code == 200
    assert other.get(reverse("members:detail", args=[here.pk])).status_code == 404


def test_a_member_who_left_the_venue_is_out_of_scope(client_for, venue):
    import datetime

    gone = AssignmentFactory(
        venue=venue, member=MemberFactory(), ended_on=datetime.date(2021, 6, 30)
    ).member
    response = client_for("office_head_user").get(reverse("members:detail", args=[gone.pk]))
    assert response.status_code == 404


def test_members_and_anonymous_do_not_gain_venue_scope(client_for, stationed):
    here, _there = stationed
    assert (
        client_for("member_user").get(reverse("members:detail", args=[here.pk])).status_code == 404
    )
    assert client_for(None).get(reverse("members:detail", args=[here.pk])).status_code == 302


def test_roster_filters_by_venue_and_township(client_for, stationed, venue, other_venue):
    stationed_here, stationed_there = stationed
    assert stationed_here.name == "本室委员" and stationed_there.name == "他室委员"
    client = client_for("staff_user")
    by_venue = client.get(reverse("members:list"), {"venue": venue.pk})
    names = [m.name for m in by_venue.context["members"]]
    assert names == ["本室委员"]
    by_township = client.get(reverse("members:list"), {"township": other_venue.township.pk})
    assert [m.name for m in by_township.context["members"]] == ["他室委员"]
    html = client.get(reverse("members:list")).content.decode()
    assert 'name="township"' in html and 'name="venue"' in html
