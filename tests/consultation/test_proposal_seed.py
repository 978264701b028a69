"""The seeded first plenary sitting of the 11th committee (2021): proposals in every state,
replies A/B/C, ratings of all three grades, overdue and re-handled ones, key proposals with
instructions; the demo member's own; a second seed adds nothing."""

from collections import Counter

import pytest
from django.core.management import call_command

from apps.consultation.models import (
    Proposal,
    ProposalCategory,
    ProposalInstruction,
    ProposalSigner,
    Referral,
    ReferralRound,
)

pytestmark = pytest.mark.django_db


def test_the_sitting_is_seeded(seeded_county):
    sitting = Proposal.objects.filter(term=11, year=2021, sitting=1).exclude(
        proposer__user__username="member"
    )
    assert 120 <= sitting.count() <= 150
    states = Counter(sitting.values_list("state", flat=True))
    assert states["closed"] + states["assigned"] > 100
    assert 3 <= states["not_registered"] <= 8 and 3 <= states["merged"] <= 8
    kinds = Counter(sitting.values_list("kind", flat=True))
    assert kinds["joint"] and kinds["collective"] and kinds["individual"]
    whole = Proposal.objects.filter(term=11, year=2021, sitting=1)  # the demo member's too
    numbers = list(whole.registered().order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    referrals = Referral.objects.filter(proposal__in=sitting)
    assert set(referrals.exclude(implementation="").values_list("implementation", flat=True)) == {
        "A",
        "B",
        "C",
    }
    ratings = set(sitting.exclude(rating="").values_list("rating", flat=True))
    ratings |= set(referrals.exclude(satisfaction="").values_list("satisfaction", flat=True))
    assert ratings == {"satisfied", "basically", "unsatisfied"}
    assert 3 <= sitting.with_status().filter(is_overdue=True).count() <= 10
    assert ReferralRound.objects.filter(referral__proposal__in=sitting).count() >= 3
    assert sitting.filter(is_key=True).count() == 10
    assert ProposalInstruction.objects.filter(proposal__is_key=True).count() >= 10
    assert sitting.filter(is_outstanding=True).exists()
    assert ProposalCategory.objects.count() == 6
    assert sitting.filter(state="not_registered", converted_suggestion__isnull=False).exists()


def test_the_demo_member_has_proposals_in_several_states(seeded_county):
    mine = Proposal.objects.filter(proposer__user__username="member").with_status()
    statuses = {p.status for p in mine}
    assert {"draft", "submitted", "replied", "closed"} <= statuses
    waiting = ProposalSigner.objects.filter(member__user__username="member", state="invited")
    assert waiting.count() == 1


def test_seeding_again_adds_no_proposal(seeded_county):
    models = (Proposal, ProposalSigner, ProposalInstruction, ProposalCategory, Referral)
    counts = [m.objects.count() for m in models]
    call_command("seed_xiangcheng", "--demo-users")
    assert [m.objects.count() for m in models] == counts
