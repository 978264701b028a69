"""The contact records of the pairs as one list (issue 16: the annual report's "contact
records of the pairs" links to it): `?year=` and the other filters, who may read it,
pagination and a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from apps.members.models import ContactRecord
from tests.consultation.factories import DepartmentAccountFactory
from tests.members.factories import ContactRecordFactory, CpcMemberFactory, PairingFactory

pytestmark = pytest.mark.django_db

CONTACTS = reverse("members:contact_list")


@pytest.fixture
def contacts(linked_cpc_member, other_pairing):
    """The member's pair contacted in 2021 by phone; another pair in 2021 by visit and
    in 2022."""
    own = linked_cpc_member.pairings_led.get()
    return {
        "own": ContactRecordFactory(pairing=own, content="本人结对电话联系"),
        "visit": ContactRecordFactory(
            pairing=other_pairing, way=ContactRecord.Way.VISIT, date=datetime.date(2021, 9, 1)
        ),
        "later": ContactRecordFactory(pairing=other_pairing, date=datetime.date(2022, 3, 1)),
    }


def listed(response):
    return {record.pk for record in response.context["contacts"]}


@pytest.mark.parametrize("role", ["staff_user", "leader_user", "superuser"])
def test_staff_and_leaders_read_every_pairs_records(client_for, contacts, role):
    response = client_for(role).get(CONTACTS)
    assert response.status_code == 200
    assert listed(response) == {r.pk for r in contacts.values()}
    html = response.content.decode()
    assert contacts["own"].pairing.get_absolute_url() in html
    assert "本人结对电话联系" in html


@pytest.mark.parametrize(("role", "status"), [("office_head_user", 403), ("member_user", 403)])
def test_office_heads_and_members_are_refused(client_for, contacts, role, status):
    """Office heads see no pairing anywhere; a member reads their own pairs' records on
    "My pairings", not the office's list."""
    response = client_for(role).get(CONTACTS, {"year": 2021})
    assert response.status_code == status
    assert "本人结对电话联系" not in response.content.decode()


def test_departments_and_anonymous_are_refused(client, client_for, contacts):
    anonymous = client_for(None).get(CONTACTS)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    client.force_login(DepartmentAccountFactory().user)
    assert client.get(CONTACTS).status_code == 403


def test_the_filters(client_for, contacts):
    client = client_for("leader_user")
    assert listed(client.get(CONTACTS, {"year": 2021})) == {
        contacts["own"].pk,
        contacts["visit"].pk,
    }
    assert listed(client.get(CONTACTS, {"year": 2022})) == {contacts["later"].pk}
    assert listed(client.get(CONTACTS, {"way": "visit"})) == {contacts["visit"].pk}
    # A member of the pair, either side, by name.
    assert listed(client.get(CONTACTS, {"q": "张三"})) == {contacts["own"].pk}
    assert listed(client.get(CONTACTS, {"q": "赵六"})) == {
        contacts["visit"].pk,
        contacts["later"].pk,
    }
    assert client.get(CONTACTS, {"year": "x", "way": "nope"}).status_code == 200


def test_the_coverage_page_links_to_the_years_records(client_for, contacts):
    html = client_for("staff_user").get(reverse("members:coverage"), {"year": 2021})
    assert f'href="{CONTACTS}?year=2021"' in html.content.decode()


def test_the_list_paginates_and_reads_a_fixed_number_of_queries(
    client_for, settings, django_assert_max_num_queries
):
    pairings = [PairingFactory(cpc_member=CpcMemberFactory()) for _ in range(20)]
    for i in range(3 * settings.PAGINATE_BY):
        ContactRecordFactory(
            pairing=pairings[i % 20], date=datetime.date(2021, 1 + i % 12, 1 + i % 28)
        )
    client = client_for("staff_user")
    # 8 for the session, user, permissions and saving the session; the page: the count
    # and the rows (both members and who recorded them joined).
    with django_assert_max_num_queries(10):
        response = client.get(CONTACTS, {"year": 2021, "page": 2})
    assert response.context["paginator"].count == 3 * settings.PAGINATE_BY
    assert len(response.context["contacts"]) == settings.PAGINATE_BY
    assert client.get(CONTACTS, {"page": 99}).context["page_obj"].number == 3
