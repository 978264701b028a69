"""The data version: one counter in Django's cache that moves on every committed write of
a record of the project's apps, so that something computed from the records (the
overview's figures, `Registry.cached_figures_for`) can be cached under it and is never
shown stale.

    if not wrote_in_transaction():
        key = f"my-thing:{data_version()}:…"   # read the version BEFORE the records

**What moves it.** Every INSERT, UPDATE or DELETE that reaches the database through
Django's connections on a table of a model of an app under `apps.` (their many-to-many
tables too) or of the roles (`auth_group`): `CoreConfig.ready()` puts a watch
(`watch_writes`) in every connection's execute wrappers. So a save, a delete, an m2m
change, `bulk_create`, `bulk_update`, `QuerySet.update()`, raw SQL and a data migration all
count, with no list to keep up to date: a new model or a new figure is covered without a
line here. Left alone: the history rows (written with the rows they record), the
`UNCOUNTED` bookkeeping tables, and an UPDATE of only `last_login` (every sign-in). Writes
that bypass Django (`manage.py restore` loading a dump) call `bump_data_version()`.

**When.** After the write is committed: at once in autocommit, else when the transaction
commits (nothing when it rolls back). A reader reads the version first and the records
after, so an entry is never older than its version. A transaction that has written
(`wrote_in_transaction()`) neither reads nor stores cached values: it would see its own
uncommitted records, or figures without them.

**Where.** The cache `default` (`CACHE_URL`). With local memory (the default) the
counter lives in each process: exact for one process (`runserver`, the tests), but
gunicorn with several workers needs a shared cache, `CACHE_URL=redis://…` (the deploy
check `core.W001` says so). The counter starts from the clock, so a flushed or restarted
cache never reuses an old version.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created

KEY = "xc:data-version"
# Seconds a cached value is kept (memory hygiene only: the data version in its key decides
# whether it is current).
MAX_AGE = 60 * 60 * 24

T = TypeVar("T")


def data_version() -> int:
    """The current version (created on first use). Read it before the records."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY)
    return int(version)


def _increment() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not there (flushed, evicted, a new process with local memory)
        cache.add(KEY, time.time_ns(), timeout=None)


def _after_commit() -> None:
    _increment()


def wrote_in_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the current transaction has written a project record not yet committed
    (then cached values must be neither read nor stored)."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and any(
        func is _after_commit for _sids, func, _robust in connection.run_on_commit
    )


def bump_data_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the version once the current write is committed (at once in autocommit;
    once per transaction, however many rows it writes)."""
    if not transaction.get_connection(using).in_atomic_block:
        _increment()
    elif not wrote_in_transaction(using):
        transaction.on_commit(_after_commit, using=using)


def cached(name: str, parts: list[str], compute: Callable[[], T]) -> T:
    """`compute()` cached under `name`, the data version (read before the records) and
    `parts` (whatever else the value depends on: the date, the language, the user); a
    transaction that has written computes afresh and stores nothing."""
    if wrote_in_transaction():
        return compute()
    key = f"xc:{name}:{data_version()}:" + ":".join(parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=MAX_AGE)
    return value


def permissions_key(user: Any) -> str:
    """A short digest of what the user may do (their permissions, superuser or not): a
    value that depends on the user only through their permissions is cached under it.
    Group grants are synced after migrate (no signal of ours), so they are part of it."""
    perms = ",".join(sorted(user.get_all_permissions())) + f"|{user.is_superuser}"
    return hashlib.sha256(perms.encode()).hexdigest()[:16]


# Records no figure counts, written on every visit or sign-in: they leave the version
# alone (else every sign-in or export would throw the overview's cache away).
UNCOUNTED = frozenset(
    {
        "core.securityevent",
        "core.notification",
        "core.delivery",
        "core.notificationchannels",
        "core.submissionkey",
        "accounts.usersession",
        "accounts.passwordhistory",
    }
)
# Columns written on every sign-in (Django's `update_last_login`): an UPDATE of only these
# counts nothing a page shows, so it leaves the version (and every cache) alone.
BOOKKEEPING_FIELDS = frozenset({"last_login"})
# Tables outside the project's apps that decide what a user sees: the roles.
ROLE_TABLES = frozenset({"auth_group", "auth_group_permissions"})

_WRITE = re.compile(
    r"\s*(?:INSERT\s+INTO|REPLACE\s+INTO|MERGE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r'\s+[`"]?(\w+)',
    re.IGNORECASE,
)
_SET = re.compile(r'[`"]?(\w+)[`"]?\s*=', re.IGNORECASE)


class _Tables:
    """The tables whose writes move the version, and the bookkeeping-only UPDATEs."""

    @cached_property
    def counted(self) -> frozenset[str]:
        tables = set(ROLE_TABLES)
        for model in django_apps.get_models(include_auto_created=True):
            if (
                model.__module__.startswith("apps.")
                and not model.__name__.startswith("Historical")
                and model._meta.label_lower not in UNCOUNTED
            ):
                tables.add(model._meta.db_table)
        return frozenset(tables)

    @cached_property
    def bookkeeping(self) -> dict[str, frozenset[str]]:
        """table → the columns of `BOOKKEEPING_FIELDS` it has."""
        out = {}
        for model in django_apps.get_models():
            columns = {
                str(f.column) for f in model._meta.concrete_fields if f.name in BOOKKEEPING_FIELDS
            }
            if columns:
                out[model._meta.db_table] = frozenset(columns)
        return out


TABLES = _Tables()


def _bookkeeping_only(sql: str, table: str) -> bool:
    columns = TABLES.bookkeeping.get(table)
    if not columns or sql.lstrip()[:6].upper() != "UPDATE":
        return False
    upper = sql.upper()
    assignments = (
        sql[upper.index(" SET ") + 5 : upper.rindex(" WHERE ")] if " WHERE " in upper else ""
    )
    written = set(_SET.findall(assignments))
    return bool(written) and written <= columns


def written_table(sql: Any) -> str | None:
    """The table a statement writes (INSERT, UPDATE, DELETE and their kin), else None."""
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    return match.group(1) if match else None


def _watch(execute, sql, params, many, context):
    """Every statement of a connection: a write of a counted table moves the version
    (once the transaction commits)."""
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table in TABLES.counted and not _bookkeeping_only(sql, table):
        bump_data_version(context["connection"].alias)
    return result


def _on_connection(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def watch_writes() -> None:
    """Watch the SQL of every database connection (`connection_created`; and the ones
    already open)."""
    connection_created.connect(_on_connection, dispatch_uid="core.versions.watch")
    for connection in connections.all(initialized_only=True):
        _on_connection(None, connection)
