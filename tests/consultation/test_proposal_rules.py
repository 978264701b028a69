"""Proposal states and who may take each step: member proposer, co-signer, other member,
staff, leader, office head, department of the referral, other department, anonymous."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from apps.accounts import roles
from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal, ProposalSigner, Referral, Suggestion, default_due
from tests.accounts.factories import UserFactory
from tests.consultation.factories import (
    DepartmentFactory,
    ProposalCategoryFactory,
    ProposalFactory,
    SubmittedProposalFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
State = Proposal.State


@pytest.fixture
def people(staff_user, leader_user, office_head_user, member_user, other_member_user):
    lead = MemberFactory(user=member_user)
    cosigner = MemberFactory(user=other_member_user)
    outsider = MemberFactory(user=UserFactory(username="t_member3", roles=[roles.MEMBER]))
    return {
        "staff": staff_user,
        "leader": leader_user,
        "office_head": office_head_user,
        "lead": member_user,
        "cosigner": other_member_user,
        "outsider": outsider.user,
        "anonymous": AnonymousUser(),
        "members": (lead, cosigner, outsider),
    }


def _joint(people, **kwargs) -> Proposal:
    lead, cosigner, _outsider = people["members"]
    proposal = ProposalFactory(proposer=lead, kind=Proposal.Kind.JOINT, **kwargs)
    ProposalSigner.objects.create(proposal=proposal, member=cosigner)
    return proposal


def _assigned(people, replied=True) -> tuple[Proposal, Referral]:
    lead = people["members"][0]
    proposal = SubmittedProposalFactory(proposer=lead)
    services.proposal_register(proposal=proposal, user=people["staff"])
    referral = services.proposal_assign(
        proposal=proposal,
        user=people["staff"],
        department=DepartmentFactory(),
        assigned_on=datetime.date(2021, 2, 20),
    )
    if replied:
        referral.reply_text = "已落实。"
        referral.replied_on = datetime.date(2021, 4, 1)
        referral.implementation = "A"
        referral.save()
    proposal.refresh_from_db()
    return proposal, referral


# --- drafting and co-signing ---------------------------------------------------------------


def test_a_member_drafts_for_themselves_and_invites_cosigners(people):
    lead, cosigner, _ = people["members"]
    draft = Proposal(
        title=" 关于测试的提案 ",
        background="案据",
        measures="建议",
        category=ProposalCategoryFactory(),
        kind=Proposal.Kind.JOINT,
        proposer=lead,
        term=11,
        year=2021,
    )
    proposal = services.proposal_save(proposal=draft, user=people["lead"], cosigners=[cosigner])
    assert proposal.state == State.DRAFT
    assert proposal.proposer == lead
    assert proposal.title == "关于测试的提案"
    assert list(proposal.signers.values_list("member", "state")) == [(cosigner.pk, "invited")]


@pytest.mark.parametrize("who", ["staff", "leader", "office_head", "anonymous"])
def test_only_members_draft_their_own(people, who):
    draft = ProposalFactory.build(kind=Proposal.Kind.INDIVIDUAL, proposer=None)
    draft.category = ProposalCategoryFactory()
    with pytest.raises((PermissionDenied, ValidationError)):
        services.proposal_save(proposal=draft, user=people[who])


@pytest.mark.parametrize("who", ["cosigner", "outsider", "staff", "leader", "office_head"])
def test_only_the_lead_edits_and_submits_a_draft(people, who):
    proposal = ProposalFactory(proposer=people["members"][0])
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=proposal, user=people[who])
    with pytest.raises(PermissionDenied):
        services.proposal_save(proposal=proposal, user=people[who])
    assert Proposal.objects.get(pk=proposal.pk).state == State.DRAFT


def test_a_joint_proposal_waits_for_every_cosigner(people):
    proposal = _joint(people)
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=people["lead"])
    assert error.value.code == "unconfirmed"
    signer = proposal.signers.get()
    services.signer_respond(signer=signer, user=people["cosigner"], confirm=True)
    services.proposal_submit(proposal=proposal, user=people["lead"])
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.submitted_on is not None


def test_a_decline_removes_the_cosigner_and_none_left_blocks_submission(people):
    proposal = _joint(people)
    signer = proposal.signers.get()
    services.signer_respond(signer=signer, user=people["cosigner"], confirm=False)
    signer.refresh_from_db()
    assert signer.state == ProposalSigner.State.DECLINED
    assert proposal not in Proposal.objects.for_user(people["cosigner"])
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=people["lead"])
    assert error.value.code == "no_cosigner"


@pytest.mark.parametrize("who", ["lead", "outsider", "staff", "leader"])
def test_only_the_invited_member_answers_an_invitation(people, who):
    signer = _joint(people).signers.get()
    with pytest.raises(PermissionDenied):
        services.signer_respond(signer=signer, user=people[who], confirm=True)
    signer.refresh_from_db()
    assert signer.state == ProposalSigner.State.INVITED


# --- registration ---------------------------------------------------------------------------


def test_registration_numbers_per_sitting(people):
    first = SubmittedProposalFactory()
    second = SubmittedProposalFactory()
    during_year = SubmittedProposalFactory(sitting=0)
    for proposal in (first, second, during_year):
        services.proposal_register(proposal=proposal, user=people["staff"])
    numbers = {p.pk: p.number for p in Proposal.objects.all()}
    assert (numbers[first.pk], numbers[second.pk], numbers[during_year.pk]) == (1, 2, 1)
    assert Proposal.objects.get(pk=first.pk).state == State.REGISTERED


def test_the_database_refuses_a_number_twice(people):
    SubmittedProposalFactory()
    one = SubmittedProposalFactory()
    services.proposal_register(proposal=one, user=people["staff"])
    with pytest.raises(IntegrityError):
        Proposal.objects.filter(pk=one.pk - 1).update(number=1, state=State.REGISTERED)


@pytest.mark.parametrize("who", ["lead", "cosigner", "leader", "office_head", "anonymous"])
def test_only_staff_decide_registration(people, who):
    proposal = SubmittedProposalFactory(proposer=people["members"][0])
    other = SubmittedProposalFactory()
    for run in (
        lambda: services.proposal_register(proposal=proposal, user=people[who]),
        lambda: services.proposal_not_register(proposal=proposal, user=people[who], reason="x"),
        lambda: services.proposal_merge(proposal=proposal, into=other, user=people[who]),
    ):
        with pytest.raises(PermissionDenied):
            run()
    assert Proposal.objects.get(pk=proposal.pk).state == State.SUBMITTED


def test_not_registered_needs_a_reason_and_may_become_a_suggestion(people):
    proposal = SubmittedProposalFactory(proposer=people["members"][0])
    with pytest.raises(ValidationError):
        services.proposal_not_register(proposal=proposal, user=people["staff"], reason="  ")
    services.proposal_not_register(
        proposal=proposal, user=people["staff"], reason="属个人诉求", convert=True
    )
    suggestion = Suggestion.objects.get(proposal=proposal)
    assert list(suggestion.members.all()) == [people["members"][0]]
    assert suggestion.raised_on == proposal.submitted_on
    assert Suggestion.objects.raised().filter(pk=suggestion.pk).exists()


def test_merged_links_the_other_proposal(people):
    into = SubmittedProposalFactory()
    services.proposal_register(proposal=into, user=people["staff"])
    proposal = SubmittedProposalFactory()
    services.proposal_merge(proposal=proposal, into=into, user=people["staff"])
    proposal.refresh_from_db()
    assert (proposal.state, proposal.merged_into_id, proposal.number) == (
        State.MERGED,
        into.pk,
        None,
    )
    with pytest.raises(ValidationError):
        services.proposal_merge(proposal=into, into=into, user=people["staff"])


# --- assignment, rating, closing -------------------------------------------------------------


def test_assignment_is_due_three_months_later_by_default(people):
    proposal, referral = _assigned(people, replied=False)
    assert proposal.state == State.ASSIGNED
    assert referral.due_on == datetime.date(2021, 5, 20)
    assert referral.suggestion_id is None
    assert default_due(datetime.date(2021, 11, 30)) == datetime.date(2022, 2, 28)


def test_status_reads_reply_and_rating(people):
    proposal, _referral = _assigned(people)
    assert Proposal.objects.with_status().get(pk=proposal.pk).status == State.REPLIED
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="satisfied")
    assert Proposal.objects.with_status().get(pk=proposal.pk).status == State.RATED


@pytest.mark.parametrize("who", ["cosigner", "outsider", "staff", "leader", "office_head"])
def test_only_the_proposer_rates(people, who):
    proposal, _referral = _assigned(people)
    with pytest.raises(PermissionDenied):
        services.proposal_rate(proposal=proposal, user=people[who], rating="satisfied")
    assert Proposal.objects.get(pk=proposal.pk).rating == ""


def test_no_rating_before_the_reply(people):
    proposal, _referral = _assigned(people, replied=False)
    with pytest.raises(ValidationError):
        services.proposal_rate(proposal=proposal, user=people["lead"], rating="satisfied")


def test_staff_close_after_the_rating_or_the_grace_period(people, settings):
    settings.PROPOSAL_RATING_GRACE_DAYS = 30
    proposal, referral = _assigned(people)
    with pytest.raises(ValidationError) as error:
        services.proposal_close(
            proposal=proposal, user=people["staff"], on=datetime.date(2021, 4, 10)
        )
    assert error.value.code == "grace"
    services.proposal_close(proposal=proposal, user=people["staff"], on=datetime.date(2021, 5, 1))
    referral.refresh_from_db()
    assert referral.closed_on == datetime.date(2021, 5, 1)
    assert Proposal.objects.get(pk=proposal.pk).state == State.CLOSED


@pytest.mark.parametrize("who", ["lead", "leader", "office_head"])
def test_only_staff_assign_and_close(people, who):
    proposal, _referral = _assigned(people)
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="basically")
    with pytest.raises(PermissionDenied):
        services.proposal_close(proposal=proposal, user=people[who])
    registered = SubmittedProposalFactory()
    services.proposal_register(proposal=registered, user=people["staff"])
    with pytest.raises(PermissionDenied):
        services.proposal_assign(
            proposal=registered, user=people[who], department=DepartmentFactory()
        )


def test_unsatisfied_reopens_once(people):
    proposal, first = _assigned(people)
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="unsatisfied")
    again = services.proposal_reopen(proposal=proposal, user=people["staff"])
    proposal.refresh_from_db()
    # The handling chain keeps the first round and reopens the same referral.
    assert again.pk == first.pk and again.round_number == 2 and again.closed_on is None
    kept = again.rounds.get()
    assert (kept.number, kept.satisfaction, kept.reply_text) == (1, "unsatisfied", "已落实。")
    assert (proposal.round, proposal.rating, proposal.state) == (2, "", State.ASSIGNED)
    assert Proposal.objects.with_status().get(pk=proposal.pk).status == State.ASSIGNED
    again.reply_text, again.replied_on, again.implementation = "再次答复", again.due_on, "A"
    again.save()
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="unsatisfied")
    with pytest.raises(ValidationError):
        services.proposal_reopen(proposal=proposal, user=people["staff"])


def test_a_satisfied_reply_is_not_reopened(people):
    proposal, _ = _assigned(people)
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="satisfied")
    with pytest.raises(ValidationError):
        services.proposal_reopen(proposal=proposal, user=people["staff"])


# --- key and outstanding --------------------------------------------------------------------


def test_leaders_mark_key_proposals_and_instruct(people):
    proposal, _ = _assigned(people, replied=False)
    services.proposal_mark_key(proposal=proposal, user=people["leader"], instruction="请认真办理。")
    proposal.refresh_from_db()
    assert proposal.is_key
    assert proposal.instructions.get().leader == people["leader"]


@pytest.mark.parametrize("who", ["staff", "lead", "office_head"])
def test_others_do_not_mark_key(people, who):
    proposal, _ = _assigned(people, replied=False)
    with pytest.raises(PermissionDenied):
        services.proposal_mark_key(proposal=proposal, user=people[who])


def test_staff_mark_outstanding_not_leaders(people):
    proposal, _ = _assigned(people, replied=False)
    with pytest.raises(PermissionDenied):
        services.proposal_mark_outstanding(proposal=proposal, user=people["leader"])
    services.proposal_mark_outstanding(
        proposal=proposal, user=people["staff"], on=datetime.date(2021, 12, 20)
    )
    assert Proposal.objects.get(pk=proposal.pk).outstanding_on == datetime.date(2021, 12, 20)


def test_a_draft_cannot_be_registered_or_marked(people):
    draft = ProposalFactory()
    with pytest.raises(ValidationError):
        services.proposal_register(proposal=draft, user=people["staff"])
    with pytest.raises(ValidationError):
        services.proposal_mark_outstanding(proposal=draft, user=people["staff"])


# --- who reads what -------------------------------------------------------------------------


def test_reading_rules(people):
    outsider = people["members"][2]
    draft = _joint(people)
    other_draft = ProposalFactory(proposer=outsider)
    submitted = SubmittedProposalFactory(proposer=outsider)
    visible = {
        who: set(Proposal.objects.for_user(people[who])) for who in people if who != "members"
    }
    assert visible["lead"] == {draft}
    assert visible["cosigner"] == {draft}
    assert visible["outsider"] == {other_draft, submitted}
    assert visible["staff"] == visible["leader"] == {submitted}
    assert visible["office_head"] == visible["anonymous"] == set()
