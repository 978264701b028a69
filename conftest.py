"""Root fixtures: users of every role, two of a kind where it matters."""

import os

import pytest

# Playwright's sync API runs an event loop; Django refuses ORM calls from async
# contexts unless told this is a test run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.shared_seed", "tests.fixtures", "tests.venues.fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_ledger_years_from_earlier_tests():
    """A test's transaction is rolled back, never committed: years it noted for the
    on-commit ledger derivation would otherwise wait and be derived by a later test."""
    from apps.performance.services import pending

    pending.by_alias.clear()


@pytest.fixture(autouse=True)
def _no_cached_values_from_earlier_tests():
    """Cached figures and select options are keyed by the data version, which moves when a
    write commits; an earlier test's writes were rolled back (or flushed) without moving
    it, so each test starts on a version of its own."""
    from apps.core import versions

    versions._increment()
