"""Keeping the ledger current on save.

Every model a collector watches gets pre_save / post_save / post_delete / m2m_changed
receivers. They note the year(s) the change touches — before and after, so a record
moved from one year to another re-derives both — and re-derive each noted year once,
when the transaction commits (a page that saves 200 attendance rows derives once).
Services that write in bulk (no signals) call `ledger_schedule` themselves.
Outside a transaction the derivation runs at once. A failure is logged, never raised to
the person who saved (`robust=True`); `manage.py derive_ledger` repairs the ledger.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

logger = logging.getLogger(__name__)

_watched: dict[type[models.Model], list] = {}


def ledger_schedule(years: Iterable[int | None]) -> None:
    """Re-derive these years when the current transaction commits (at once outside one).

    The years wait on the connection; every call queues a callback, and the first one to
    run derives them all (the others find nothing left). Years noted in a transaction
    that rolls back are derived with the next commit: needless but harmless."""
    years = {y for y in years if y}
    if not years:
        return
    conn = transaction.get_connection()
    if not hasattr(conn, "_ledger_pending"):
        conn._ledger_pending = set()
    conn._ledger_pending.update(years)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    from .services import ledger_derive

    conn = transaction.get_connection()
    pending: set[int] = getattr(conn, "_ledger_pending", set())
    while pending:
        year = min(pending)
        pending.discard(year)
        ledger_derive(year=year)


def _years_of(model, instance) -> set[int]:
    years: set[int] = set()
    for fn in _watched.get(model, []):
        try:
            years.update(y for y in fn(instance) if y)
        except Exception:  # a half-built instance: its years are unknown
            logger.debug("ledger: no year for %r", instance, exc_info=True)
    return years


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    if old is not None:
        instance._ledger_old_years = _years_of(sender, old)


def _post_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    years = _years_of(sender, instance) | getattr(instance, "_ledger_old_years", set())
    ledger_schedule(years)


def _post_delete(sender, instance, **kwargs):
    ledger_schedule(_years_of(sender, instance))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ledger_schedule(_years_of(type(instance), instance))
        return
    # Changed from the other side (member.study_sessions.add(...)): every touched
    # instance of the watched model.
    if pk_set:
        for obj in model._base_manager.filter(pk__in=pk_set):
            ledger_schedule(_years_of(model, obj))


def watch_model(model: type[models.Model], years_fn, *, uid: str) -> None:
    """Connect the receivers for `model` (once per model) and add `years_fn`."""
    fns = _watched.setdefault(model, [])
    if years_fn not in fns:
        fns.append(years_fn)
    label = model._meta.label_lower
    pre_save.connect(_pre_save, sender=model, dispatch_uid=f"ledger.pre_save.{label}")
    post_save.connect(_post_save, sender=model, dispatch_uid=f"ledger.post_save.{label}")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=f"ledger.post_delete.{label}")
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"ledger.m2m.{label}.{m2m.name}"
        )
