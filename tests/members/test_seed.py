"""seed_xiangcheng's members part: the county as the article describes it, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from apps.accounts.models import User
from apps.members.models import ContactRecord, Member, Pairing, Sector, SectorLink
from apps.members.seed import TOWNSHIPS, plan_members, plan_pairings

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_xiangcheng", *args, stdout=out)
    return out.getvalue()


def test_the_plan_is_the_same_every_time():
    assert [p.fields["name"] for p in plan_members(11)] == [
        p.fields["name"] for p in plan_members(11)
    ]
    assert plan_pairings(11) == plan_pairings(11)


def test_seed_loads_the_roster_and_the_pairing_and_a_second_run_adds_nothing(seeded_county):
    members = Member.objects.filter(term=11)
    assert Sector.objects.count() == 24
    assert members.count() == 256
    assert members.cpc().count() == 101 and members.non_cpc().count() == 155
    assert 25 <= members.standing().count() <= 35
    assert len(set(members.values_list("name", flat=True))) == 256
    assert all(m.name_initials for m in members)
    # The 16 township deputy secretaries, in the townships' order.
    deputies = list(members.filter(title="党委专职副书记").order_by("member_no"))
    assert [d.work_unit for d in deputies] == [f"{t}党委" for t in TOWNSHIPS]
    assert all(d.is_cpc for d in deputies)
    assert deputies[0].member_no == "11-001"
    # 101 → 155: each CPC member leads 1 or 2 pairings, every non-CPC member is covered once.
    pairings = Pairing.objects.filter(term=11).active()
    assert pairings.count() == 155
    loads = dict(pairings.values_list("cpc_member").annotate(n=Count("pk")))
    assert len(loads) == 101 and set(loads.values()) == {1, 2}
    assert pairings.values("partner").distinct().count() == 155
    assert not pairings.filter(partner__affiliation="cpc").exists()
    # Party group and its sector links: every sector is linked.
    assert SectorLink.objects.values("sector").distinct().count() == 24
    assert all(link.party_member.is_party_group for link in SectorLink.objects.all())
    # Contact records of 2021 for every pairing.
    records = ContactRecord.objects.all()
    assert records.filter(date__year=2021).count() == records.count() > 155 * 2
    assert pairings.filter(contacts__isnull=True).count() == 0
    # The demo member is a CPC member with pairings.
    demo = Member.objects.get(user__username="member")
    assert demo.is_cpc and demo.pairings_led.active().exists()

    counts = (Member.objects.count(), Pairing.objects.count(), ContactRecord.objects.count())
    output = seed("--demo-users")
    assert "Nothing to add" in output
    assert counts == (
        Member.objects.count(),
        Pairing.objects.count(),
        ContactRecord.objects.count(),
    )
    assert User.objects.filter(member__isnull=False).count() == 1


def test_seed_leaves_staff_edits_and_repairings_alone(seeded_county):
    pairing = Pairing.objects.order_by("pk").first()
    pairing.ended_on = pairing.started_on
    pairing.save()
    member = Member.objects.get(member_no="11-050")
    member.title = "已修改"
    member.save()
    assert "Nothing to add" in seed()
    member.refresh_from_db()
    assert member.title == "已修改"
    assert Pairing.objects.filter(partner=pairing.partner).count() == 1
