import datetime
import io

import pytest
from django.core.management import call_command

from apps.members.models import Member
from apps.venues.models import Assignment, Township, Venue
from apps.venues.seed import DIRECTOR_TITLE
from tests.members.factories import CpcMemberFactory, MemberFactory

pytestmark = pytest.mark.django_db

TOWNSHIPS = [
    *("城关镇", "颍桥回族镇", "麦岭镇", "颍阳镇", "王洛镇", "紫云镇", "库庄镇", "十里铺镇"),
    *("山头店镇", "汾陈镇", "湛北乡", "茨沟乡", "丁营乡", "姜庄乡", "范湖乡", "双庙乡"),
]


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_xiangcheng", *args, stdout=out)
    return out.getvalue()


def seed_venues_only() -> None:
    """Only the venues seed, on members made by the test (not the county's 256)."""
    from apps.core.seeding import SeedContext
    from apps.venues import seed as venues_seed

    venues_seed.seed(SeedContext(stdout=io.StringIO(), style=None))


def director_of(township: str) -> Member:
    return CpcMemberFactory(work_unit=f"{township}党委", title=DIRECTOR_TITLE)


def test_the_sixteen_townships_each_with_one_office_and_five_homes(seeded_county):
    assert sorted(Township.objects.values_list("name", flat=True)) == sorted(TOWNSHIPS)
    assert list(Township.objects.values_list("name", flat=True)) == TOWNSHIPS  # article order
    offices = Venue.objects.offices()
    assert offices.count() == 16
    assert {o.township.name for o in offices} == set(TOWNSHIPS)
    assert Venue.objects.homes().count() == 5


def test_directors_are_the_township_deputy_secretaries_and_conveners():
    chengguan = director_of("城关镇")
    CpcMemberFactory(work_unit="城关镇党委", title="党委书记")  # not the deputy secretary
    seed_venues_only()
    office = Venue.objects.get(township__name="城关镇")
    assert office.director == chengguan
    assert list(office.conveners.all()) == [chengguan]
    # No deputy secretary seeded yet: no director, and none is invented.
    assert Venue.objects.get(township__name="麦岭镇").director is None
    # Once the member exists, the next run links them.
    maling = director_of("麦岭镇")
    seed_venues_only()
    assert Venue.objects.get(township__name="麦岭镇").director == maling


def test_active_members_are_spread_over_the_offices():
    directors = [director_of(t) for t in TOWNSHIPS[:4]]
    others = [MemberFactory() for _ in range(44)]
    archived = MemberFactory(status=Member.Status.ARCHIVED)
    former = MemberFactory(term=10)
    seed_venues_only()
    assignments = Assignment.objects.select_related("venue__township")
    stationed = {a.member_id: a for a in assignments}
    assert set(stationed) == {m.pk for m in directors + others}
    assert archived.pk not in stationed and former.pk not in stationed
    assert {a.started_on for a in assignments} == {datetime.date(2021, 1, 1)}
    assert all(a.ended_on is None for a in assignments)
    for director, township in zip(directors, TOWNSHIPS, strict=False):
        assert stationed[director.pk].venue.township.name == township
    loads = [o.assignments.count() for o in Venue.objects.offices()]
    assert sum(loads) == 48 and max(loads) - min(loads) <= 1
    assert not Assignment.objects.filter(venue__kind=Venue.Kind.MEMBER_HOME).exists()


def test_demo_office_heads_manage_two_different_offices(seeded_county):
    office1 = Venue.objects.get(managers__username="office1")
    office2 = Venue.objects.get(managers__username="office2")
    assert office1 != office2
    assert office1.is_office and office2.is_office
    assert {office1.township.name, office2.township.name} == {"城关镇", "颍桥回族镇"}


def test_seeding_twice_adds_nothing():
    director_of("城关镇")
    for _ in range(20):
        MemberFactory()
    seed("--demo-users")
    counts = [m.objects.count() for m in (Township, Venue, Assignment)]
    managers = Venue.managers.through.objects.count()
    assert "Nothing to add" in seed("--demo-users")
    assert [m.objects.count() for m in (Township, Venue, Assignment)] == counts
    assert Venue.managers.through.objects.count() == managers


def test_staff_edits_survive_a_new_seed(seeded_county):
    office = Venue.objects.get(township__name="城关镇")
    office.address = "工作人员修改的地址"
    office.save()
    assignment = Assignment.objects.first()
    seed()
    office.refresh_from_db()
    assert office.address == "工作人员修改的地址"
    assert assignment is None or Assignment.objects.filter(pk=assignment.pk).exists()
