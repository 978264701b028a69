"""Proposal points: individual, joint lead and co-signers, registered, key, outstanding;
each line links to the proposal, and the ledger follows the proposal's steps."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal, ProposalSigner
from apps.performance.ledger import Code, attach_links, collect_proposals
from apps.performance.models import PointEntry
from apps.performance.services import ledger_derive
from tests.consultation.factories import ProposalFactory, SubmittedProposalFactory
from tests.members.factories import MemberFactory, SectorFactory

from .factories import YEAR, standard_rules

pytestmark = pytest.mark.django_db


def codes(member):
    return sorted(
        e.rule.code
        for e in PointEntry.objects.filter(member=member, year=YEAR).select_related("rule")
    )


@pytest.fixture
def proposals(staff_user, leader_user):
    standard_rules()
    lead, cosigner, declined, solo = (MemberFactory() for _ in range(4))
    joint = SubmittedProposalFactory(proposer=lead, kind=Proposal.Kind.JOINT)
    ProposalSigner.objects.create(
        proposal=joint, member=cosigner, state="confirmed", responded_on=datetime.date(YEAR, 1, 10)
    )
    ProposalSigner.objects.create(
        proposal=joint, member=declined, state="declined", responded_on=datetime.date(YEAR, 1, 10)
    )
    individual = SubmittedProposalFactory(proposer=solo)
    ProposalFactory(proposer=solo, title="草稿")  # a draft earns nothing
    SubmittedProposalFactory(kind=Proposal.Kind.COLLECTIVE, proposer=None, sector=SectorFactory())
    on = datetime.date(YEAR, 2, 5)
    services.proposal_register(proposal=joint, user=staff_user, on=on)
    services.proposal_mark_key(proposal=joint, user=leader_user, instruction="请重点办理")
    services.proposal_mark_outstanding(
        proposal=joint, user=staff_user, on=datetime.date(YEAR, 12, 20)
    )
    return {
        "joint": joint,
        "individual": individual,
        "lead": lead,
        "cosigner": cosigner,
        "declined": declined,
        "solo": solo,
    }


def test_each_rule_earns_its_points(proposals):
    ledger_derive(year=YEAR)
    assert codes(proposals["lead"]) == sorted(
        [
            Code.PROPOSAL_JOINT_LEAD,
            Code.PROPOSAL_REGISTERED,
            Code.PROPOSAL_KEY,
            Code.PROPOSAL_OUTSTANDING,
        ]
    )
    assert codes(proposals["cosigner"]) == sorted(
        [Code.PROPOSAL_COSIGNED, Code.PROPOSAL_OUTSTANDING]
    )
    assert codes(proposals["declined"]) == []
    assert codes(proposals["solo"]) == [Code.PROPOSAL_INDIVIDUAL]
    lead_total = sum(
        (e.points for e in PointEntry.objects.filter(member=proposals["lead"])), Decimal(0)
    )
    assert lead_total == Decimal("21.0")  # 3 + 3 + 5 + 10


def test_the_ledger_follows_registration(proposals, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_register(
            proposal=proposals["individual"], user=staff_user, on=datetime.date(YEAR, 2, 6)
        )
    assert Code.PROPOSAL_REGISTERED in codes(proposals["solo"])


def test_collecting_takes_one_query(proposals, django_assert_num_queries):
    Proposal.objects.all()  # warm the content type cache
    list(collect_proposals(year=YEAR, members=None))
    with django_assert_num_queries(1):
        facts = list(collect_proposals(year=YEAR, members=None))
    assert len(facts) == 7


def test_every_line_links_to_the_proposal(proposals, member_user, client):
    ledger_derive(year=YEAR)
    cosigner = proposals["cosigner"]
    cosigner.user = member_user
    cosigner.save()
    entries = list(
        PointEntry.objects.filter(member=cosigner)
        .select_related("source_type")
        .prefetch_related("source")
    )
    attach_links(entries, member_user)
    url = reverse("consultation:proposal_detail", args=[proposals["joint"].pk])
    assert {e.link for e in entries} == {url}
    client.force_login(member_user)
    assert client.get(url).status_code == 200
