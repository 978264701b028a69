"""Home-page figures and the member's profile card; fixed query counts on 300 members."""

import datetime

import pytest
from django.urls import reverse

from apps.members.models import Member
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
    PartyGroupMemberFactory,
    SectorFactory,
    SectorLinkFactory,
)

pytestmark = pytest.mark.django_db
from tests.fixtures import HOME_QUERY_BUDGET  # noqa: E402

HOME = reverse("home")


def figures(response) -> dict[str, str]:
    return {str(f.label): str(f.value) for f in response.context["figures"]}


@pytest.mark.parametrize("role", ["staff_user", "leader_user"])
def test_staff_and_leaders_see_the_roster_figures(client_for, role, django_assert_max_num_queries):
    PairingFactory.create_batch(2, cpc_member__is_standing=True)
    MemberFactory()  # unpaired
    client = client_for(role)
    with django_assert_max_num_queries(HOME_QUERY_BUDGET):
        response = client.get(HOME)
    values = figures(response)
    assert values["委员"] == "5"
    assert values["常委"] == "2"
    assert values["党外委员结对覆盖"] == "2/3"
    assert values["久未联系的结对"] == "2"  # started 2021, never contacted
    hints = {str(f.label): str(f.hint) for f in response.context["figures"]}
    assert hints["委员"] == "中共党员 2 / 党外 3"


def test_a_member_sees_their_profile_card(client_for, linked_cpc_member):
    html = client_for("member_user").get(HOME).content.decode()
    assert "我的委员信息" in html and "张三" in html
    assert reverse("members:my_pairings") in html
    assert "figures-heading" not in html


def test_an_unlinked_member_is_told_so(client_for):
    html = client_for("member_user").get(HOME).content.decode()
    assert "尚未关联委员名册中的委员" in html


def test_navigation_follows_the_role(client_for):
    staff = client_for("staff_user").get(HOME).content.decode()
    member = client_for("member_user").get(HOME).content.decode()
    office = client_for("office_head_user").get(HOME).content.decode()
    for url in ["members:list", "members:coverage", "members:sector_links"]:
        href = f'href="{reverse(url)}"'
        assert href in staff
        assert href not in member and href not in office
    assert f'href="{reverse("members:my_pairings")}"' in member
    assert "我的结对" not in staff


@pytest.fixture
def roster(db):
    """300 members: 100 CPC (10 in the party group), 200 others; 150 pairings with
    contacts; sector links."""
    cpc_sector, other = SectorFactory(name="中共"), SectorFactory(name="无党派人士")
    sectors = [SectorFactory(name=f"界别{i}") for i in range(10)]
    cpc = [CpcMemberFactory(sector=cpc_sector) for _ in range(90)]
    cpc += [PartyGroupMemberFactory(sector=cpc_sector) for _ in range(10)]
    others = [MemberFactory(sector=other) for _ in range(200)]
    for index, partner in enumerate(others[:150]):
        pairing = PairingFactory(cpc_member=cpc[index % 100], partner=partner)
        ContactRecordFactory(
            pairing=pairing, date=datetime.date(2021, 5, 1) + datetime.timedelta(index)
        )
    for index, sector in enumerate(sectors):
        SectorLinkFactory(party_member=cpc[90 + index], sector=sector)
    return cpc


def _count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    return response


# Budgets: session, user, permissions (2), the page's own queries, the session save (3).
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (reverse("members:list"), 14),
        (reverse("members:list") + "?q=z&affiliation=cpc&is_standing=false", 14),
        (reverse("members:coverage"), 12),
        (reverse("members:sector_links"), 14),
        # + the "export" security event (apps.core.audit: its INSERT in a transaction).
        (reverse("members:export"), 13),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    client_for, roster, url, budget, django_assert_max_num_queries
):
    assert Member.objects.count() == 300
    _count_queries(client_for("staff_user"), url, django_assert_max_num_queries, budget)


def test_detail_runs_a_fixed_number_of_queries(client_for, roster, django_assert_max_num_queries):
    client = client_for("staff_user")
    busy = roster[95]  # party group, with pairings and a sector link
    # 14 of the page itself + 3 of the consultation section (sessions, teams, suggestions).
    response = _count_queries(client, busy.get_absolute_url(), django_assert_max_num_queries, 17)
    assert len(response.context["pairings"]) >= 1 and response.context["sector_links"]


def test_home_figures_run_a_fixed_number_of_queries(
    client_for, roster, django_assert_max_num_queries
):
    _count_queries(
        client_for("leader_user"), HOME, django_assert_max_num_queries, HOME_QUERY_BUDGET
    )


def test_pairing_detail_and_my_pairings_run_a_fixed_number_of_queries(
    client_for, roster, member_user, django_assert_max_num_queries
):
    lead = roster[0]
    lead.user = member_user
    lead.save()
    client = client_for("member_user")
    pairing = lead.pairings_led.first()
    _count_queries(client, pairing.get_absolute_url(), django_assert_max_num_queries, 12)
    _count_queries(client, reverse("members:my_pairings"), django_assert_max_num_queries, 12)
