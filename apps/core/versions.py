"""The data version: one counter in Django's cache that moves on every committed write of
a record of the project's apps, so that something computed from the records (the
overview's figures, `Registry.cached_figures_for`) can be cached under it and is never
shown stale.

    if not wrote_in_transaction():
        key = f"my-thing:{data_version()}:…"   # read the version BEFORE the records

**What moves it.** `CoreConfig.ready()` connects `post_save` and `post_delete` of every
model of an app under `apps.` and every `m2m_changed` of theirs (no list to keep up to
date: a new model or a new figure is covered without a line here). A write that sends no
signal (`bulk_create`, `bulk_update`, a raw delete, `QuerySet.update()` on its own) calls
`bump_data_version()` itself: the ledger derivation and attendance marking
(`performance.services._bulk_history`) and the roster import do.

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
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

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


# Fields written on every sign-in (Django's `update_last_login`): a save of only these
# counts nothing a figure shows, so it leaves the version (and every cache) alone.
BOOKKEEPING_FIELDS = frozenset({"last_login"})


def _on_write(sender, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    bump_data_version(using or DEFAULT_DB_ALIAS)


def _on_m2m(sender, action, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action.startswith("post_") and sender.__module__.startswith("apps."):
        bump_data_version(using or DEFAULT_DB_ALIAS)


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


def connect_signals() -> None:
    """Saves and deletes of every model of the project's apps (history rows aside: they
    are written with the rows they record; and the `UNCOUNTED` bookkeeping); every
    many-to-many change of theirs."""
    for model in django_apps.get_models():
        if (
            model.__module__.startswith("apps.")
            and not model.__name__.startswith("Historical")
            and model._meta.label_lower not in UNCOUNTED
        ):
            uid = f"core.versions.{model._meta.label_lower}"
            post_save.connect(_on_write, sender=model, dispatch_uid=uid)
            post_delete.connect(_on_write, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_on_m2m, dispatch_uid="core.versions.m2m")
