"""The proposal pages: who may open each, what a form keeps on bad input, the export,
and query-count pins on the register, the member's page, a proposal, the compilation and
the statistics."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal, ProposalSigner
from tests.consultation.factories import (
    DepartmentFactory,
    ProposalCategoryFactory,
    ProposalFactory,
    SubmittedProposalFactory,
)
from tests.members.factories import MemberFactory, SectorFactory
from tests.xlsx import table_sheet, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(staff_user, member_user, other_member_user):
    """A member's joint proposal (registered, assigned, replied), a co-signer, and more
    proposals of other members and a sector."""
    lead = MemberFactory(user=member_user, name="张领衔")
    cosigner = MemberFactory(user=other_member_user, name="李附议")
    joint = SubmittedProposalFactory(
        proposer=lead, kind=Proposal.Kind.JOINT, title="关于联名的提案"
    )
    ProposalSigner.objects.create(
        proposal=joint, member=cosigner, state="confirmed", responded_on=datetime.date(2021, 1, 11)
    )
    services.proposal_register(proposal=joint, user=staff_user)
    referral = services.proposal_assign(
        proposal=joint, user=staff_user, department=DepartmentFactory(name="县甲局")
    )
    referral.reply_text, referral.replied_on, referral.implementation = (
        "答复",
        referral.referred_on,
        "B",
    )
    referral.save()
    for _ in range(3):
        services.proposal_register(proposal=SubmittedProposalFactory(), user=staff_user)
    SubmittedProposalFactory(
        kind=Proposal.Kind.COLLECTIVE, proposer=None, sector=SectorFactory(name="民盟")
    )
    return {"joint": joint, "lead": lead, "cosigner": cosigner}


STAFF_PAGES = [
    "consultation:proposal_list",
    "consultation:proposal_statistics",
    "consultation:proposal_compilation",
    "consultation:proposal_export",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_user", 200),
        ("leader_user", 200),
        ("office_head_user", 403),
        ("member_user", 403),
        (None, 302),
    ],
)
def test_register_pages_by_role(client_for, sitting, name, who, status):
    assert client_for(who).get(reverse(name)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member_user", 200),  # the lead
        ("other_member_user", 200),  # the co-signer
        ("staff_user", 200),
        ("leader_user", 200),
        ("office_head_user", 404),
        (None, 302),
    ],
)
def test_proposal_page_by_role(client_for, sitting, who, status):
    url = sitting["joint"].get_absolute_url()
    assert client_for(who).get(url).status_code == status


def test_another_member_does_not_find_it(client, sitting, django_user_model):
    from apps.accounts import roles
    from tests.accounts.factories import UserFactory

    third = UserFactory(username="t_member3", roles=[roles.MEMBER])
    MemberFactory(user=third)
    client.force_login(third)
    assert client.get(sitting["joint"].get_absolute_url()).status_code == 404
    url = reverse("consultation:proposal_rate", args=[sitting["joint"].pk])
    assert client.post(url, {"rating": "satisfied"}).status_code == 404


def test_only_the_proposer_opens_the_rating(client_for, sitting):
    url = reverse("consultation:proposal_rate", args=[sitting["joint"].pk])
    assert client_for("other_member_user").get(url).status_code == 403
    assert client_for("staff_user").get(url).status_code == 403
    lead = client_for("member_user")
    assert lead.get(url).status_code == 200
    response = lead.post(url, {"rating": "basically"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=sitting["joint"].pk).rating == "basically"


def test_a_rating_outside_the_choices_stays_on_the_form(client_for, sitting):
    url = reverse("consultation:proposal_rate", args=[sitting["joint"].pk])
    response = client_for("member_user").post(url, {"rating": "great"})
    assert response.status_code == 200
    assert response.context["form"].errors["rating"]


def test_member_drafts_on_the_page_and_keeps_input_on_error(client_for, member_user):
    MemberFactory(user=member_user)
    category = ProposalCategoryFactory()
    client = client_for("member_user")
    url = reverse("consultation:proposal_create")
    page = client.get(url)
    assert page.status_code == 200
    key = page.context.get("submission_key")
    data = {
        "kind": "joint",
        "sitting": "1",
        "category": category.pk,
        "title": "关于某事的提案",
        "background": "案据",
        "measures": "办法",
    }
    if key:
        data["submission_key"] = key
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cosigners" in response.context["form"].errors
    assert "关于某事的提案" in response.content.decode()
    data["kind"] = "individual"
    response = client.post(url, data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.proposer.user_id) == ("draft", member_user.pk)


@pytest.mark.parametrize("who", ["leader_user", "office_head_user"])
def test_no_draft_page_for_those_who_do_not_propose(client_for, who):
    assert client_for(who).get(reverse("consultation:proposal_create")).status_code == 403


def test_staff_step_pages_refuse_members(client_for, sitting):
    submitted = SubmittedProposalFactory(proposer=sitting["lead"])
    for name in ("proposal_not_register", "proposal_merge"):
        url = reverse(f"consultation:{name}", args=[submitted.pk])
        assert client_for("member_user").get(url).status_code == 403
        assert client_for("staff_user").get(url).status_code == 200
    response = client_for("member_user").post(
        reverse("consultation:proposal_register", args=[submitted.pk])
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).state == "submitted"


def test_register_filters(client_for, sitting):
    client = client_for("staff_user")
    url = reverse("consultation:proposal_list")
    assert client.get(url).context["paginator"].count == 5
    assert client.get(url, {"state": "replied"}).context["paginator"].count == 1
    assert client.get(url, {"proposer": "李附议"}).context["paginator"].count == 1
    assert client.get(url, {"sector": sitting["lead"].sector_id}).context["paginator"].count == 4
    department = sitting["joint"].referrals.get().department_id
    assert client.get(url, {"department": department}).context["paginator"].count == 1
    assert client.get(url, {"state": "nonsense", "year": "x"}).status_code == 200
    # Key proposals: the box ticked lists them; unticked, it filters nothing.
    Proposal.objects.filter(pk=sitting["joint"].pk).update(is_key=True)
    assert client.get(url, {"key": "on"}).context["paginator"].count == 1
    assert client.get(url, {"year": "2021"}).context["paginator"].count == 5


def test_export_lists_what_the_filter_lists(client_for, sitting):
    response = client_for("staff_user").get(
        reverse("consultation:proposal_export"), {"state": "replied"}
    )
    sheet = table_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][2] == "关于联名的提案"
    assert "李附议" in rows[1][6]
    title = workbook(response).worksheets[0].cell(row=1, column=1).value
    assert "提案" in title and "已答复" in title  # the filter is named in the title row


def test_statistics_counts_the_sitting(client_for, sitting):
    stats = (
        client_for("staff_user").get(reverse("consultation:proposal_statistics")).context["stats"]
    )
    assert stats["totals"]["submitted"] == 5
    assert stats["totals"]["registered"] == 4
    assert stats["registered_rate"] == 80.0
    assert stats["totals"]["replied"] == 1


# --- query pins --------------------------------------------------------------------------


def _more(staff_user, n):
    for _ in range(n):
        proposal = SubmittedProposalFactory(kind=Proposal.Kind.JOINT)
        ProposalSigner.objects.create(
            proposal=proposal,
            member=MemberFactory(),
            state="confirmed",
            responded_on=datetime.date(2021, 1, 10),
        )
        services.proposal_register(proposal=proposal, user=staff_user)
        services.proposal_assign(proposal=proposal, user=staff_user, department=DepartmentFactory())


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("consultation:proposal_list", 14),
        ("consultation:proposal_statistics", 10),
        ("consultation:proposal_compilation", 10),
        ("consultation:proposal_export", 12),  # + the export event (apps.core.audit)
    ],
)
def test_pages_do_not_grow_with_rows(
    client_for, sitting, staff_user, django_assert_max_num_queries, name, budget
):
    client = client_for("staff_user")
    client.get(reverse(name))
    _more(staff_user, 6)
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200


def test_member_pages_do_not_grow_with_rows(client_for, sitting, django_assert_max_num_queries):
    client = client_for("member_user")
    for _ in range(5):
        ProposalFactory(proposer=sitting["lead"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("consultation:my_proposals")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(sitting["joint"].get_absolute_url()).status_code == 200
