"""The 列席 rotation planner: properties over random county shapes (no database)."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.performance.rotation import (
    Candidate,
    plan_rotation,
    swap_gain,
    township_counts,
)

SECTORS = ["民革", "民盟", "民建", "农工党", "无党派", "工商联", "教育", "医卫"]
TOWNSHIPS = ["城关镇", "颍桥回族镇", "麦岭镇", "库庄镇", "茨沟乡", None]


@st.composite
def counties(draw, max_members=60):
    n = draw(st.integers(min_value=0, max_value=max_members))
    sectors = draw(st.lists(st.sampled_from(SECTORS), min_size=n, max_size=n))
    townships = draw(st.lists(st.sampled_from(TOWNSHIPS), min_size=n, max_size=n))
    return [Candidate(i, sectors[i], townships[i]) for i in range(n)]


def spread_ok(counts_per_batch) -> bool:
    return max(counts_per_batch) - min(counts_per_batch) <= 1


@settings(max_examples=150, deadline=None)
@given(counties(), st.integers(min_value=1, max_value=8))
def test_every_member_once_sizes_and_sectors_even(candidates, batch_count):
    plan = plan_rotation(candidates, batch_count)

    assert len(plan) == batch_count
    placed = [key for batch in plan for key in batch]
    # every member exactly once (so at least once per term), nobody twice in a batch
    assert sorted(placed) == sorted(c.key for c in candidates)
    assert spread_ok([len(batch) for batch in plan])
    sector_of = {c.key: c.sector for c in candidates}
    for sector in set(sector_of.values()):
        per_batch = [sum(1 for key in batch if sector_of[key] == sector) for batch in plan]
        assert spread_ok(per_batch), (sector, per_batch)


@settings(max_examples=100, deadline=None)
@given(counties(max_members=40), st.integers(min_value=2, max_value=6))
def test_townships_cannot_be_spread_better_by_a_swap_inside_a_sector(candidates, batch_count):
    plan = plan_rotation(candidates, batch_count)
    by_key = {c.key: c for c in candidates}
    batches = [[by_key[key] for key in batch] for batch in plan]
    counts = township_counts(batches)
    for a in range(batch_count):
        for b in range(a + 1, batch_count):
            for x in batches[a]:
                for y in batches[b]:
                    if x.sector == y.sector:
                        assert swap_gain(counts, x, a, y, b) <= 0


@settings(max_examples=100, deadline=None)
@given(counties(), st.integers(min_value=1, max_value=6), st.data())
def test_a_member_absent_is_queued_again(candidates, batch_count, data):
    # given a first plan whose meetings took place, some invitees absent
    first = plan_rotation(candidates, batch_count)
    invited = [key for batch in first for key in batch]
    absent = set(data.draw(st.lists(st.sampled_from(invited), unique=True)) if invited else [])
    attended = set(invited) - absent

    # when the next meetings are planned
    second = plan_rotation(candidates, batch_count, attended=attended)

    placed = Counter(key for batch in second for key in batch)
    if absent:
        # every absent member is invited again, once; those who attended are not
        assert set(placed) == absent
        assert all(n == 1 for n in placed.values())
    else:
        # nobody owes a turn: a new round invites everyone
        assert set(placed) == set(attended)


@given(counties(), st.integers(min_value=1, max_value=6))
def test_the_plan_is_deterministic(candidates, batch_count):
    assert plan_rotation(candidates, batch_count) == plan_rotation(
        list(reversed(candidates)), batch_count
    )


def test_townships_spread_across_batches_in_a_small_county():
    # two sectors, each with members from two townships
    candidates = [
        Candidate(1, "民盟", "城关镇"),
        Candidate(2, "民盟", "城关镇"),
        Candidate(3, "民盟", "麦岭镇"),
        Candidate(4, "民盟", "麦岭镇"),
        Candidate(5, "教育", "城关镇"),
        Candidate(6, "教育", "城关镇"),
        Candidate(7, "教育", "麦岭镇"),
        Candidate(8, "教育", "麦岭镇"),
    ]
    plan = plan_rotation(candidates, 2)
    town = {c.key: c.township for c in candidates}
    for batch in plan:
        assert Counter(town[k] for k in batch) == {"城关镇": 2, "麦岭镇": 2}


def test_no_meetings_no_batches_and_members_beyond_meetings_share_them():
    assert plan_rotation([Candidate(1, "a")], 0) == []
    assert plan_rotation([], 3) == [[], [], []]
    assert plan_rotation([Candidate(1, "a"), Candidate(1, "a")], 2) == [[1], []]
