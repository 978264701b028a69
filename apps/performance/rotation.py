"""The 列席 rotation planner (《委员分批次列席政协常委会会议制度》): a pure function, no
database.

Given the term's non-standing members and the number of standing-committee meetings to
plan, it deals the members who still owe a turn into batches so that
- every member who owes a turn is in exactly one batch (so, planned term after term,
  every member attends at least once per term);
- batch sizes differ by at most one;
- each sector's members are spread evenly: per sector, counts per batch differ by at
  most one;
- townships, where known, are spread as far as swaps inside a sector allow (no swap of
  two members of the same sector between two batches would spread them better).

A member owes a turn until they have attended as 列席: one who was invited and absent
is simply not in `attended`, so they are queued again. When nobody owes a turn any
more, a new round starts with everyone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Generic, TypeVar

# A candidate's key: a member's pk in the app, anything hashable in the tests.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Candidate(Generic[K]):
    key: K
    sector: Hashable
    township: Hashable | None = None


def owed(candidates: Sequence[Candidate[K]], attended: Collection[Hashable]) -> list[Candidate[K]]:
    """The candidates still owing a turn; everyone when nobody does (a new round)."""
    waiting = [c for c in candidates if c.key not in attended]
    return waiting or list(candidates)


def plan_rotation(
    candidates: Sequence[Candidate[K]],
    batch_count: int,
    *,
    attended: Collection[Hashable] = frozenset(),
) -> list[list[K]]:
    """`batch_count` batches of candidate keys (see the module docstring). Deterministic:
    the same input gives the same plan."""
    if batch_count <= 0:
        return []
    seen: set[Hashable] = set()
    unique: list[Candidate[K]] = []
    for c in candidates:
        if c.key not in seen:
            seen.add(c.key)
            unique.append(c)
    people = owed(unique, attended)
    # Deal round-robin in (sector, township) order: a sector is one contiguous run of
    # the deal, so its members land in every batch evenly, and so does each township
    # inside a sector; the batch sizes differ by at most one.
    people.sort(key=lambda c: (_order(c.sector), _order(c.township), _order(c.key)))
    batches: list[list[Candidate[K]]] = [[] for _ in range(batch_count)]
    for i, person in enumerate(people):
        batches[i % batch_count].append(person)
    _spread_townships(batches)
    return [[c.key for c in sorted(batch, key=lambda c: _order(c.key))] for batch in batches]


def _order(value) -> tuple:
    """A sort key for keys of mixed or missing types."""
    return (value is None, type(value).__name__, value if value is not None else 0)


def township_counts(batches: Sequence[Sequence[Candidate]]) -> Counter:
    return Counter(
        (c.township, b) for b, batch in enumerate(batches) for c in batch if c.township is not None
    )


def swap_gain(counts: Counter, x: Candidate, a: int, y: Candidate, b: int) -> int:
    """How much swapping x (in batch a) with y (in batch b) lowers the sum of squared
    township counts; positive is better."""
    if x.township == y.township:
        return 0
    delta = 0
    if x.township is not None:
        delta += 2 * (counts[(x.township, b)] - counts[(x.township, a)] + 1)
    if y.township is not None:
        delta += 2 * (counts[(y.township, a)] - counts[(y.township, b)] + 1)
    return -delta


def _spread_townships(batches: list[list[Candidate]]) -> None:
    """Swap members of the same sector between batches while that spreads the townships
    better (sizes and sector counts stay as they are). Ends: every swap lowers an integer
    sum of squares."""
    counts = township_counts(batches)
    if not counts:
        return
    improved = True
    while improved:
        improved = False
        for a, b in combinations(range(len(batches)), 2):
            first, second = batches[a], batches[b]
            for i in range(len(first)):
                for j in range(len(second)):
                    x, y = first[i], second[j]
                    if x.sector != y.sector or swap_gain(counts, x, a, y, b) <= 0:
                        continue
                    first[i], second[j] = y, x
                    for person, old, new in ((x, a, b), (y, b, a)):
                        if person.township is not None:
                            counts[(person.township, old)] -= 1
                            counts[(person.township, new)] += 1
                    improved = True
