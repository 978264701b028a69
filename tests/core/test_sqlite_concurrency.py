"""The embedded SQLite default (`make run`) under concurrent writers: they wait for each
other instead of failing with "database is locked" (issue 10, item 4).

The database settings are read as `make run` gets them (base settings with a SQLite
DATABASE_URL), whichever database the suite itself runs on, and used through the ORM
on a file database by several threads at once. Each thread does what a form post does
in one transaction: read (the form's checks), then write. Without IMMEDIATE
transactions two such transactions that both read first deadlock when both want to
write, and SQLite answers one of them at once with "database is locked", whatever the
busy timeout; without a busy timeout a writer that finds the lock taken fails at once.
"""

import runpy
import threading
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.utils import timezone

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "xiangcheng" / "settings" / "base.py"
WRITERS = 6
ALIAS = "concurrency_check"


@pytest.fixture
def sqlite_file_alias(tmp_path, monkeypatch, django_db_blocker):
    """A database alias configured like `make run`'s default, on a fresh file."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.sqlite3'}")
    database = runpy.run_path(str(BASE_SETTINGS))["DATABASES"]["default"]
    configured = connections.configure_settings({"default": database})["default"]
    connections.settings[ALIAS] = configured
    with django_db_blocker.unblock():
        with connections[ALIAS].schema_editor() as editor:
            editor.create_model(Session)
        connections[ALIAS].close()
        yield database
    del connections.settings[ALIAS]
    if hasattr(connections._connections, ALIAS):
        delattr(connections._connections, ALIAS)


def test_the_sqlite_default_waits_for_the_lock(sqlite_file_alias):
    assert sqlite_file_alias["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def post(number: int) -> None:
        try:
            start.wait()
            with transaction.atomic(using=ALIAS):
                sessions = Session.objects.using(ALIAS)
                taken = sessions.count()  # the form's checks read first …
                time.sleep(0.05)  # … while the other writers read too
                sessions.create(
                    session_key=f"writer-{number}-{taken}",
                    session_data="",
                    expire_date=timezone.now(),
                )
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections[ALIAS].close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    keys = Session.objects.using(ALIAS).values_list("session_key", flat=True)
    # Every writer saved, one after the other: each read what the earlier ones wrote.
    assert sorted(int(key.rsplit("-", 1)[1]) for key in keys) == list(range(WRITERS))
    connections[ALIAS].close()


def test_the_sqlite_default_uses_write_ahead_logging(sqlite_file_alias):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    connections[ALIAS].close()
