"""`BENCH_YEARS` fills only a bench database, never the demo one."""

import pytest

from xiangcheng import bench_data


def test_refuses_a_database_without_bench_in_its_name():
    with pytest.raises(SystemExit, match="only a bench database"):
        bench_data.refuse_unless_bench_database({"NAME": "xiangcheng"})


def test_refuses_the_database_of_env(monkeypatch):
    db = {"NAME": "demo_bench", "HOST": "h", "PORT": 5432}
    monkeypatch.setattr(bench_data, "_env_file_database", lambda: ("h", "5432", "demo_bench"))
    with pytest.raises(SystemExit, match=r"database of \.env"):
        bench_data.refuse_unless_bench_database(db)
    monkeypatch.setattr(bench_data, "_env_file_database", lambda: ("h", "5432", "xiangcheng"))
    bench_data.refuse_unless_bench_database(db)  # a bench database of its own: accepted


@pytest.mark.django_db
def test_a_year_is_copied_with_its_proposals_and_their_suggestions_and_referrals(
    staff_user, member_user
):
    """A proposal not registered becomes a suggestion (one-to-one): the copy of the
    suggestion points at the copy of the proposal; an assigned proposal's referral is
    copied with it."""
    import datetime

    from apps.consultation import proposal_services
    from apps.consultation.models import Proposal, Referral, Suggestion
    from tests.consultation.factories import DepartmentFactory, SubmittedProposalFactory
    from tests.members.factories import MemberFactory
    from xiangcheng.bench_data import copy_year

    lead = MemberFactory(user=member_user)
    refused = SubmittedProposalFactory(proposer=lead, year=2021)
    proposal_services.proposal_not_register(
        proposal=refused, user=staff_user, reason="不属于提案范围", convert=True
    )
    assigned = SubmittedProposalFactory(proposer=lead, year=2021)
    proposal_services.proposal_register(proposal=assigned, user=staff_user)
    proposal_services.proposal_assign(
        proposal=assigned,
        user=staff_user,
        department=DepartmentFactory(),
        assigned_on=datetime.date(2021, 2, 20),
    )
    copy_year(1)
    copies = Proposal.objects.filter(year=2020)
    assert copies.count() == 2
    converted = Suggestion.objects.get(proposal__in=copies)
    assert converted.proposal.title == refused.title and converted.raised_on.year == 2020
    assert Referral.objects.filter(proposal__in=copies).count() == 1
