"""Every view of the members app for every role, anonymous included. An object out of
a user's scope answers 404; a page a role may not open answers 403."""

import pytest
from django.urls import reverse

from tests.members.factories import CpcMemberFactory, MemberFactory, PairingFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_user", "leader_user", "office_head_user", "member_user", "superuser"]


@pytest.fixture
def objects(linked_cpc_member, other_pairing):
    own_pairing = linked_cpc_member.pairings_led.get()
    return {
        "own": linked_cpc_member,
        "own_pairing": own_pairing,
        "other": other_pairing.partner,
        "other_pairing": other_pairing,
    }


def _client(client_for, role):
    return client_for(None if role == "anonymous" else role)


# (url name, args from objects, expected per role: anonymous, staff, leader, office head,
#  member linked to `own`, superuser). 302 for anonymous is the sign-in redirect.
GET_MATRIX = [
    ("members:list", None, [302, 200, 200, 403, 403, 200]),
    ("members:create", None, [302, 200, 403, 403, 403, 200]),
    ("members:export", None, [302, 200, 200, 403, 403, 200]),
    # Members pick the co-signers of a joint proposal (by name; never by phone).
    ("members:search", None, [302, 200, 403, 200, 200, 200]),
    ("members:import", None, [302, 200, 403, 403, 403, 200]),
    ("members:import_template", None, [302, 200, 403, 403, 403, 200]),
    ("members:detail", "other", [302, 200, 200, 404, 404, 200]),
    ("members:detail", "own", [302, 200, 200, 404, 200, 200]),
    ("members:update", "other", [302, 200, 403, 403, 403, 200]),
    ("members:delete", "other", [302, 200, 403, 403, 403, 200]),
    ("members:me", None, [302, 404, 404, 404, 302, 404]),
    ("members:my_contact", None, [302, 404, 404, 404, 200, 404]),
    ("members:coverage", None, [302, 200, 200, 403, 403, 200]),
    ("members:pairing_create", None, [302, 200, 403, 403, 403, 200]),
    ("members:pairing_detail", "own_pairing", [302, 200, 200, 404, 200, 200]),
    ("members:pairing_detail", "other_pairing", [302, 200, 200, 404, 404, 200]),
    ("members:my_pairings", None, [302, 200, 200, 200, 200, 200]),
    ("members:sector_links", None, [302, 200, 200, 403, 403, 200]),
]


@pytest.mark.parametrize(("name", "key", "expected"), GET_MATRIX, ids=lambda v: str(v))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_get_permissions(client_for, objects, name, key, expected, role_index):
    url = reverse(name, args=[objects[key].pk] if key else [])
    response = _client(client_for, ROLES[role_index]).get(url)
    assert response.status_code == expected[role_index]
    if ROLES[role_index] == "anonymous":
        assert response["Location"].startswith(reverse("login"))


POST_MATRIX = [
    # name, object key, data, expected per role (anonymous … superuser)
    ("members:archive", "other", {}, [302, 302, 403, 403, 403, 302]),
    ("members:restore", "other", {}, [302, 302, 403, 403, 403, 302]),
    (
        "members:pairing_end",
        "other_pairing",
        {"ended_on": "2021-06-01"},
        [302, 302, 403, 403, 403, 302],
    ),
    (
        "members:contact_create",
        "own_pairing",
        {"date": "2021-06-01", "way": "phone", "content": "电话沟通"},
        [302, 302, 403, 404, 302, 302],
    ),
    (
        "members:contact_create",
        "other_pairing",
        {"date": "2021-06-01", "way": "phone", "content": "电话沟通"},
        [302, 302, 403, 404, 404, 302],
    ),
]


@pytest.mark.parametrize(("name", "key", "data", "expected"), POST_MATRIX, ids=lambda v: str(v))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_permissions(client_for, objects, name, key, data, expected, role_index):
    url = reverse(name, args=[objects[key].pk])
    response = _client(client_for, ROLES[role_index]).post(url, data)
    assert response.status_code == expected[role_index]


@pytest.mark.parametrize("role", ["leader_user", "office_head_user", "member_user"])
def test_sector_link_writes_are_refused(client_for, role):
    link_create = reverse("members:sector_link_create")
    assert client_for(role).post(link_create, {}).status_code == 403
    assert client_for(role).post(reverse("members:sector_link_delete", args=[1])).status_code == 403


def test_photo_is_served_only_to_those_who_may_see_the_member(client_for, member_user, settings):
    from django.core.files.base import ContentFile

    from tests.members.test_member_pages import png_bytes

    own = CpcMemberFactory(user=member_user)
    other = MemberFactory()
    for member in (own, other):
        member.photo.save("x.png", ContentFile(png_bytes()), save=True)
    expected = {
        None: (302, 302),
        "staff_user": (200, 200),
        "leader_user": (200, 200),
        "office_head_user": (404, 404),
        "member_user": (200, 404),
    }
    for role, (own_status, other_status) in expected.items():
        client = client_for(role)
        assert client.get(reverse("members:photo", args=[own.pk])).status_code == own_status
        assert client.get(reverse("members:photo", args=[other.pk])).status_code == other_status
    response = client_for("staff_user").get(reverse("members:photo", args=[own.pk]))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert "private" in response["Cache-Control"]
    assert not own.photo.name.startswith("members/photos/x")  # a random name


def test_a_member_without_a_photo_has_none_to_serve(client_for):
    member = MemberFactory()
    assert (
        client_for("staff_user").get(reverse("members:photo", args=[member.pk])).status_code == 404
    )


def test_the_cpc_partner_cannot_add_records_but_sees_the_pairing(client_for, member_user):
    pairing = PairingFactory(partner=MemberFactory(user=member_user))
    client = client_for("member_user")
    page = client.get(reverse("members:pairing_detail", args=[pairing.pk]))
    assert page.status_code == 200
    assert "contact_form" not in page.context
    response = client.post(
        reverse("members:contact_create", args=[pairing.pk]),
        {"date": "2021-06-01", "way": "phone", "content": "x"},
    )
    assert response.status_code == 403
    assert not pairing.contacts.exists()
