"""Review findings on the members app: the picker search and the member page."""

import pytest
from django.urls import reverse

from tests.members.factories import CpcMemberFactory, MemberFactory, PairingFactory
from tests.venues.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("members:search")


def test_search_with_a_nul_byte_is_no_error(client_for):
    """PostgreSQL refuses NUL in text parameters: the search must not pass it on."""
    member = MemberFactory(name="张三")
    client = client_for("staff_user")
    for query in ("\x00", "张\x00三", "zs\x00", "138\x00"):
        assert client.get(SEARCH, {"q": query}).status_code == 200
    found = client.get(SEARCH, {"q": "张\x00三"}).json()["results"]
    assert [r["id"] for r in found] == [member.pk]


def test_office_heads_cannot_find_members_by_phone(client_for, venue, other_venue):
    """Office heads pick any member by name, but the phone prefix search would let them
    read every member's mobile number digit by digit."""
    outsider = MemberFactory(name="王外人", phone="13912345678")
    AssignmentFactory(venue=other_venue, member=outsider)
    office_head = client_for("office_head_user")
    for prefix in ("139", "1391234", "13912345678"):
        assert office_head.get(SEARCH, {"q": prefix}).json() == {"results": []}
    # By name they still find them (the session form's member picker).
    found = office_head.get(SEARCH, {"q": "王外人"}).json()["results"]
    assert [r["id"] for r in found] == [outsider.pk]
    # Staff, who read the roster, search by phone.
    staff = client_for("staff_user").get(SEARCH, {"q": "1391234"}).json()["results"]
    assert [r["id"] for r in staff] == [outsider.pk]


def test_office_heads_do_not_read_the_pairings_of_their_venue_members(
    client_for, venue, other_venue
):
    """An office head reads their venue's members, not the members' pairings (the pairing
    pages are closed to them): the member page must not list them either."""
    stationed = MemberFactory(name="周驻点")
    AssignmentFactory(venue=venue, member=stationed)
    pairing = PairingFactory(cpc_member=CpcMemberFactory(name="吴联系人"), partner=stationed)
    response = client_for("office_head_user").get(stationed.get_absolute_url())
    assert response.status_code == 200
    assert response.context["pairings"] == []
    assert "吴联系人" not in response.content.decode()
    assert client_for("office_head_user").get(pairing.get_absolute_url()).status_code == 404
    # Staff and the member themself still see it.
    staff = client_for("staff_user").get(stationed.get_absolute_url())
    assert [p.pk for p in staff.context["pairings"]] == [pairing.pk]
