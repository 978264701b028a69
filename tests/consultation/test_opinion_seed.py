"""The seeded 社情民意 of 2021: about 80 items from members and liaison offices, about 30
adopted into 12 numbered issues, instructions, referrals replied by departments, adoption
by the city; the demo member's items in several states, office1's for 城关镇; a second
seed adds nothing."""

from collections import Counter

import pytest
from django.core.management import call_command

from apps.consultation.models import (
    OpinionAdoption,
    OpinionCategory,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    Referral,
)

pytestmark = pytest.mark.django_db


def test_the_year_is_seeded(seeded_county):
    items = OpinionItem.objects.filter(submitted_on__year=2021)
    assert 75 <= items.count() <= 95
    assert items.filter(venue__isnull=False).count() >= 20
    assert items.filter(member__isnull=False).count() >= 40
    states = Counter(items.values_list("state", flat=True))
    assert {"submitted", "adopted", "not_adopted", "returned"} <= set(states)
    assert 28 <= items.filter(issue__isnull=False).count() <= 32
    issues = OpinionIssue.objects.filter(year=2021).order_by("number")
    assert list(issues.values_list("number", flat=True)) == list(range(1, 13))
    assert all(issue.sent_on for issue in issues)
    assert OpinionInstruction.objects.filter(item__isnull=False).count() >= 3
    assert OpinionInstruction.objects.filter(issue__isnull=False).exists()
    referrals = Referral.objects.filter(opinion__isnull=False)
    assert referrals.count() >= 4 and referrals.filter(replied_on__isnull=False).count() >= 3
    assert OpinionAdoption.objects.filter(level="city", kind="adopted").count() >= 3
    assert OpinionItem.objects.adopted_at("city").exists()


def test_the_demo_member_and_office1_have_items(seeded_county):
    mine = OpinionItem.objects.filter(member__user__username="member")
    assert {"draft", "submitted", "returned", "adopted", "not_adopted"} <= set(
        mine.values_list("state", flat=True)
    )
    office = OpinionItem.objects.filter(venue__managers__username="office1")
    assert office.count() >= 3
    assert set(office.values_list("township__name", flat=True)) == {"城关镇"}


def test_seeding_again_adds_no_opinion(seeded_county):
    models = (
        OpinionItem,
        OpinionIssue,
        OpinionCategory,
        OpinionInstruction,
        OpinionAdoption,
        Referral,
    )
    counts = [m.objects.count() for m in models]
    call_command("seed_xiangcheng", "--demo-users")
    assert [m.objects.count() for m in models] == counts
