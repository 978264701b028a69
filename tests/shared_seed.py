"""A seeded database shared by the tests that only read it (a pytest plugin).

Seeding the county (`seed_xiangcheng`) takes 20–50 s; a dozen tests that each seed it
made the suite slow. A *shared seed* is seeded once per worker, inside a transaction that
stays open while the tests that request it run. Each of those tests still runs in its own
savepoint, rolled back after it (pytest-django's usual `django_db`), so what a test writes
after the seed — a second seed, an edit — is undone before the next one.

The transaction is rolled back once the next test to run does not request the same seed,
so no other test ever sees the seeded rows. Collection puts the tests of each shared seed
first and together, so a worker normally seeds each one once. A test that finds its seed
gone (a worker got only part of the group, `-k`, a single test run) seeds inside its own
transaction: slower, same database.

Define one with `SharedSeed` (below); `tests/fixtures.py` has `seeded_county`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

# The names of the shared-seed fixtures, in the order they were defined.
_NAMES: list[str] = []


@dataclass(frozen=True)
class Seeded:
    """What a shared seed's build returned, and where its files went."""

    value: Any
    media_root: Path


class _Open:
    """The one shared seed whose transaction is open in this process, if any."""

    def __init__(self) -> None:
        self.name: str | None = None
        self.seeded: Seeded | None = None
        self._atomic: Any = None
        self._blocker: Any = None

    def open(self, name: str, build: Callable[[], Any], media_root: Path, blocker) -> None:
        self.close()
        with blocker.unblock():
            assert not transaction.get_connection().in_atomic_block, "must be the outermost"
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with override_settings(MEDIA_ROOT=media_root):
                    value = build()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.name, self.seeded = name, Seeded(value, media_root)
        self._atomic, self._blocker = atomic, blocker

    def close(self) -> None:
        if self.name is None:
            return
        atomic, blocker = self._atomic, self._blocker
        self.name = self.seeded = self._atomic = self._blocker = None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            # The seed's was the outermost transaction: nothing of it can outlive it.
            assert not transaction.get_connection().in_atomic_block


_open = _Open()


class SharedSeed:
    """A database seeded by `build()` once per worker, for the tests that only read it.

    Bind its two fixtures where the tests find them (a conftest or a fixtures module):

        county_seed = SharedSeed("county", seed_the_county)

        @pytest.fixture(scope="session")
        def _county_session(django_db_setup, django_db_blocker, tmp_path_factory):
            yield from county_seed.session(django_db_blocker, tmp_path_factory)

        @pytest.fixture
        def county(_county_session, request, settings, db):
            return county_seed.get(request, settings)

    `county` gives a test `build()`'s return value, on the seeded database, with
    MEDIA_ROOT pointing to the seed's files. The session half must be listed in its
    signature: a session-scoped fixture is set up before pytest-django opens the test's
    own transaction, so the seed's transaction encloses it.
    """

    def __init__(self, name: str, build: Callable[[], Any]) -> None:
        if name in _NAMES:
            raise ValueError(f"shared seed {name!r} is defined twice")
        _NAMES.append(name)
        self.name = name
        self.build = build

    def session(self, django_db_blocker, tmp_path_factory) -> Generator[None]:
        media_root = tmp_path_factory.mktemp(f"{self.name}-media")
        _open.open(self.name, self.build, media_root, django_db_blocker)
        yield
        _open.close()

    def get(self, request: pytest.FixtureRequest, settings) -> Any:
        marker = request.node.get_closest_marker("django_db")
        if "transactional_db" in request.fixturenames or (
            marker and marker.kwargs.get("transaction")
        ):
            pytest.fail(f"{self.name}: a shared seed is for tests whose transaction rolls back")
        if _open.name == self.name and _open.seeded is not None:
            seeded = _open.seeded
        else:  # rolled back for a test that does not read it: seed in this test's own
            seeded = Seeded(self.build(), Path(settings.MEDIA_ROOT))
        settings.MEDIA_ROOT = seeded.media_root
        return seeded.value


def _wanted(item: pytest.Item | None) -> str | None:
    names = [n for n in _NAMES if n in getattr(item, "fixturenames", ())]
    return names[0] if names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each shared seed's tests first and together (after pytest-django's ordering, which
    they keep: they are all tests in a transaction that rolls back)."""
    rank = {name: i for i, name in enumerate(_NAMES)}
    items.sort(key=lambda item: rank.get(_wanted(item) or "", len(rank)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield
    # The test's own transaction is rolled back by now; the seed's goes unless the next
    # test reads the same seed. (After the last test, the session fixture closes it.)
    if _open.name is not None and nextitem is not None and _wanted(nextitem) != _open.name:
        _open.close()
    return result
