"""Proposals on the to-dos of the people they wait on, the notifications of their steps,
and the weekly reminder of an unrated reply."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.consultation import proposal_services as services
from apps.consultation.models import Proposal
from apps.core.models import Notification
from apps.core.todos import todos
from tests.consultation.factories import ProposalCategoryFactory, SubmittedProposalFactory
from tests.consultation.test_proposal_rules import _assigned, people  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 4, 10)


def kinds(user, *wanted):
    return [i for i in todos.for_user(user, DAY) if i.kind in wanted]


def test_a_joint_proposal_waits_on_the_cosigner_then_on_staff(people):  # noqa: F811
    _lead, cosigner, _outsider = people["members"]
    proposal = Proposal(
        title="关于联名测试的提案",
        background="案据",
        measures="建议",
        kind=Proposal.Kind.JOINT,
        category=ProposalCategoryFactory(),
    )
    services.proposal_save(proposal=proposal, user=people["lead"], cosigners=[cosigner])
    # Invited: the co-signer is told and has it on the to-dos; nobody else.
    (note,) = Notification.objects.filter(kind="cosign_request")
    assert note.recipient == people["cosigner"]
    (item,) = kinds(people["cosigner"], "cosign_request")
    signer = proposal.signers.get()
    assert item.url == reverse("consultation:proposal_cosign", args=[signer.pk])
    for who in ("lead", "outsider", "staff", "leader"):
        assert not kinds(people[who], "cosign_request")
    services.signer_respond(signer=signer, user=people["cosigner"], confirm=True)
    assert not kinds(people["cosigner"], "cosign_request")
    services.proposal_submit(proposal=proposal, user=people["lead"])
    (waiting,) = kinds(people["staff"], "proposal_to_register")
    assert waiting.count == 1
    assert not kinds(people["leader"], "proposal_to_register")
    services.proposal_register(proposal=proposal, user=people["staff"])
    assert not kinds(people["staff"], "proposal_to_register")
    # Registered: the proposer and the co-signer are told, with the number.
    told = Notification.objects.filter(kind="proposal_registered")
    assert {n.recipient for n in told} == {people["lead"], people["cosigner"]}
    assert all("1" in n.title for n in told)


def test_not_registered_is_told_with_the_reason(people):  # noqa: F811
    proposal = SubmittedProposalFactory(proposer=people["members"][0])
    services.proposal_not_register(proposal=proposal, user=people["staff"], reason="不属于提案范围")
    (note,) = Notification.objects.filter(kind="proposal_not_registered")
    assert (note.recipient, note.body) == (people["lead"], "不属于提案范围")


def test_a_reply_waits_on_the_proposers_rating_and_a_key_proposal_on_leaders(people):  # noqa: F811
    proposal, _referral = _assigned(people)
    (item,) = kinds(people["lead"], "reply_to_rate")
    assert item.url == reverse("consultation:proposal_rate", args=[proposal.pk])
    assert not kinds(people["cosigner"], "reply_to_rate")
    assert not kinds(people["leader"], "key_proposal")
    Proposal.objects.filter(pk=proposal.pk).update(is_key=True)
    (key,) = kinds(people["leader"], "key_proposal")
    assert key.count == 1
    services.proposal_rate(proposal=proposal, user=people["lead"], rating="satisfied")
    assert not kinds(people["lead"], "reply_to_rate")
    (close,) = kinds(people["staff"], "proposal_to_close")
    assert close.count == 1


def test_an_unrated_reply_is_reminded_once_a_week(people):  # noqa: F811
    import time_machine

    _assigned(people)  # replied 2021-04-01
    for day in ("2021-04-05", "2021-04-05", "2021-04-06"):  # the same ISO week
        with time_machine.travel(f"{day} 09:00 +0800", tick=False):
            call_command("send_reminders", stdout=io.StringIO())
    assert Notification.objects.filter(kind="reply_to_rate").count() == 1
    with time_machine.travel("2021-04-12 09:00 +0800", tick=False):
        call_command("send_reminders", stdout=io.StringIO())
    assert Notification.objects.filter(kind="reply_to_rate", recipient=people["lead"]).count() == 2


def test_an_overdue_proposal_referral_reads_on_every_page_that_lists_referrals(
    people,  # noqa: F811
    client_for,
):
    """The staff's to-dos, the reminders and a department's page list referrals of every
    kind: a proposal's (no suggestion) reads by its title, never a 500."""
    import time_machine

    proposal, referral = _assigned(people, replied=False)
    with time_machine.travel("2021-07-01 09:00 +0800", tick=False):
        (due,) = [
            i
            for i in todos.for_user(people["staff"], datetime.date(2021, 7, 1))
            if i.kind == "referral_due"
        ]
        assert due.urgent and proposal.title[:10] in str(due.hint)
        assert client_for("staff_user").get(reverse("home")).status_code == 200
        out = io.StringIO()
        call_command("send_reminders", "--dry-run", stdout=out)
        assert proposal.title[:10] in out.getvalue() or "referral" in out.getvalue()
    page = client_for("staff_user").get(referral.department.get_absolute_url())
    assert page.status_code == 200 and proposal.title in page.content.decode()
