"""A proposal in the handling chain: the department of the referral reads it and replies
(with a letter) on its pages; another department sees nothing of it; the proposer reads
the reply and rates it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal
from tests.consultation.factories import DepartmentAccountFactory, SubmittedProposalFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(staff_user, member_user):
    lead = MemberFactory(user=member_user)
    proposal = SubmittedProposalFactory(proposer=lead, title="关于承办测试的提案")
    services.proposal_register(proposal=proposal, user=staff_user)
    account = DepartmentAccountFactory(user__username="t_dept1")
    other = DepartmentAccountFactory(user__username="t_dept2")
    referral = services.proposal_assign(
        proposal=proposal,
        user=staff_user,
        department=account.department,
        assigned_on=datetime.date(2021, 2, 20),
    )
    return {"proposal": proposal, "referral": referral, "dept": account.user, "other": other.user}


def test_the_department_reads_and_replies_with_a_letter(client, assigned):
    client.force_login(assigned["dept"])
    referral = assigned["referral"]
    page = client.get(reverse("consultation:handling_detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "关于承办测试的提案" in page.content.decode()
    assert client.get(reverse("consultation:handling_list")).status_code == 200
    letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(
        reverse("consultation:handling_reply", args=[referral.pk]),
        {"text": "已落实。", "replied_on": "2021-04-01", "implementation": "A", "letter": letter},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.replied_on == datetime.date(2021, 4, 1) and not referral.reply_on_behalf
    proposal = Proposal.objects.with_status().get(pk=assigned["proposal"].pk)
    assert proposal.status == Proposal.State.REPLIED
    # The department reads the proposal itself too (the register rule), nothing else.
    assert client.get(proposal.get_absolute_url()).status_code == 200
    assert client.get(reverse("consultation:proposal_list")).status_code == 403


def test_another_department_sees_nothing_of_it(client, assigned):
    client.force_login(assigned["other"])
    referral = assigned["referral"]
    assert (
        client.get(reverse("consultation:handling_detail", args=[referral.pk])).status_code == 404
    )
    assert client.get(assigned["proposal"].get_absolute_url()).status_code == 404
    response = client.post(
        reverse("consultation:handling_reply", args=[referral.pk]),
        {"text": "冒名答复", "replied_on": "2021-04-01", "implementation": "A"},
    )
    assert response.status_code == 404
    assert (
        "关于承办测试的提案"
        not in client.get(reverse("consultation:handling_list")).content.decode()
    )


@pytest.mark.parametrize("who", ["dept", "other"])
def test_departments_neither_rate_nor_take_staff_steps(client, assigned, who):
    user = assigned[who]
    client.force_login(user)
    proposal = assigned["proposal"]
    for name in ("proposal_rate", "proposal_assign", "proposal_not_register"):
        status = client.get(reverse(f"consultation:{name}", args=[proposal.pk])).status_code
        assert status in (403, 404)
    with pytest.raises(PermissionDenied):
        services.proposal_rate(proposal=proposal, user=user, rating="satisfied")
    with pytest.raises(PermissionDenied):
        services.proposal_close(proposal=proposal, user=user)


def test_staff_close_a_proposals_handling_on_the_proposal_not_on_the_chains_page(
    client_for, assigned, staff_user
):
    """The chain's own close and reopen pages refuse a proposal's referral: closing it
    there would leave the proposal's state behind (it closes after the proposer's rating,
    on the proposal page)."""
    referral = assigned["referral"]
    services_reply = {"text": "已落实。", "replied_on": datetime.date(2021, 4, 1)}
    from apps.consultation import handling

    handling.referral_reply(
        referral=referral, user=staff_user, implementation="A", **services_reply
    )
    staff = client_for("staff_user")
    close = reverse("consultation:referral_close", args=[referral.pk])
    assert staff.get(close).status_code == 403
    assert (
        staff.post(close, {"satisfaction": "satisfied", "closed_on": "2021-04-10"}).status_code
        == 403
    )
    referral.refresh_from_db()
    assert referral.closed_on is None
    reopen = reverse("consultation:referral_reopen", args=[referral.pk])
    assert staff.get(reopen).status_code == 403
