"""Uploaded files under MEDIA_ROOT follow the rows that name them.

Three rules, for every `FileField`/`ImageField` of every model (connected in
`CoreConfig.ready()`; historical models store the name as text and do not count):

- **Rolled back: the new file goes.** A file written by a save inside `media_atomic()` is
  deleted when that block exits with an exception (the row that named it is gone with the
  transaction). A block nested in another `media_atomic()` hands its files to the outer
  one on success, so an error later in the outer block removes them too. Services and
  `AtomicFormMixin` use it instead of `transaction.atomic`.
- **Replaced, cleared or deleted: the old file goes after commit.** When a saved row names
  another file than it was loaded with, or is deleted, the old name is deleted in
  `transaction.on_commit` — and only if no row of any model names it any more (a report
  version shares the file of its report). A rolled-back transaction runs no on-commit
  work, so the old file stays with the row that still names it.
- **Anything else** (a crash between writing and committing, a bulk `update()`, files
  left by older versions) is listed by `manage.py clean_orphan_media` and deleted with
  `--delete`.

Cost: nothing for models without files; one query per file field per deleted file, run
after commit.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from functools import cache, partial

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_init, post_save, pre_save

logger = logging.getLogger(__name__)

_local = threading.local()
# Original names, keyed by attname, on each instance of a model with files.
SNAPSHOT = "_media_names"


@cache
def file_fields(model: type[models.Model]) -> tuple[models.FileField, ...]:
    return tuple(f for f in model._meta.concrete_fields if isinstance(f, models.FileField))


def models_with_files() -> list[type[models.Model]]:
    """Concrete, managed models with at least one file field (proxies share their
    concrete model's rows)."""
    return [
        model
        for model in apps.get_models()
        if file_fields(model) and model._meta.managed and not model._meta.proxy
    ]


def _name(value) -> str:
    if not value:
        return ""
    return str(getattr(value, "name", value) or "")


def referencing_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in models_with_files():
        for field in file_fields(model):
            yield model, field


def is_referenced(name: str) -> bool:
    """Whether any row of any model names the stored file `name` (one query per file
    field)."""
    return any(
        model._base_manager.filter(**{field.attname: name}).exists()
        for model, field in referencing_fields()
    )


def referenced_names() -> set[str]:
    """Every stored file name that a row names (one query per file field)."""
    names: set[str] = set()
    for model, field in referencing_fields():
        names.update(
            model._base_manager.exclude(**{field.attname: ""})
            .exclude(**{f"{field.attname}__isnull": True})
            .values_list(field.attname, flat=True)
            .iterator()
        )
    return names


def _delete_file(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("Could not delete the media file %s", name, exc_info=True)


def delete_if_unreferenced(storage: Storage, name: str) -> None:
    """Delete `name` unless a row names it. Run after commit."""
    if name and not is_referenced(name):
        _delete_file(storage, name)


def delete_after_commit(storage: Storage, name: str, *, using: str | None = None) -> None:
    """Once the current transaction commits (now, outside one), delete the file `name`
    if no row names it any more. Nothing happens if the transaction rolls back."""
    if name:
        transaction.on_commit(partial(delete_if_unreferenced, storage, name), using=using)


# --- files written inside a block that rolls back ----------------------------------------------


def _frames() -> list[list[FieldFile]]:
    if not hasattr(_local, "frames"):
        _local.frames = []
    return _local.frames


class MediaAtomic(contextlib.ContextDecorator):
    """`transaction.atomic` that also deletes the files saved inside it when it exits
    with an exception (see the module docstring). The state lives on a per-thread stack,
    so one instance may decorate a function that is called recursively."""

    def __init__(self, using: str | None = None):
        self.atomic = transaction.atomic(using=using)

    def __enter__(self):
        _frames().append([])
        try:
            self.atomic.__enter__()
        except BaseException:
            _frames().pop()
            raise

    def __exit__(self, exc_type, exc_value, traceback):
        frames = _frames()
        failed = exc_type is not None
        try:
            self.atomic.__exit__(exc_type, exc_value, traceback)
        except BaseException:  # the commit itself failed: rolled back
            failed = True
            raise
        finally:
            written = frames.pop()
            if failed:
                for fieldfile in written:
                    # Only what was actually written (a failed write leaves it uncommitted).
                    if fieldfile._committed and fieldfile.name:
                        _delete_file(fieldfile.storage, fieldfile.name)
            elif frames:
                frames[-1].extend(written)


def media_atomic(using=None):
    """`@media_atomic`, `@media_atomic()` or `with media_atomic():`."""
    if callable(using):
        return MediaAtomic()(using)
    return MediaAtomic(using)


# --- signal receivers ----------------------------------------------------------------------


def _snapshot(sender, instance, **kwargs) -> None:
    """Remember the stored names the row was loaded with. Only strings count: a value
    given to the constructor as a file object is not stored yet. Deferred fields are
    absent from `__dict__` and not read."""
    names = {}
    for field in file_fields(sender):
        value = instance.__dict__.get(field.attname)
        if isinstance(value, str) and value:
            names[field.attname] = value
    instance.__dict__[SNAPSHOT] = names


def _track_writes(sender, instance, raw=False, **kwargs) -> None:
    frames = _frames()
    if raw or not frames:
        return
    for field in file_fields(sender):
        if field.attname not in instance.__dict__:
            continue  # deferred: not saved
        fieldfile = getattr(instance, field.attname)
        if fieldfile and not fieldfile._committed:
            frames[-1].append(fieldfile)


def _delete_replaced(sender, instance, created=False, raw=False, using=None, **kwargs) -> None:
    before = instance.__dict__.get(SNAPSHOT, {})
    after = {}
    for field in file_fields(sender):
        if field.attname not in instance.__dict__:
            continue
        name = _name(instance.__dict__[field.attname])
        after[field.attname] = name
        old = before.get(field.attname, "")
        if not created and not raw and old and old != name:
            delete_after_commit(field.storage, old, using=using)
    instance.__dict__[SNAPSHOT] = {k: v for k, v in {**before, **after}.items() if v}


def _delete_with_row(sender, instance, using=None, **kwargs) -> None:
    for field in file_fields(sender):
        name = _name(instance.__dict__.get(field.attname))
        delete_after_commit(field.storage, name, using=using)


def connect_signals() -> None:
    """Connect the receivers to each model with files only, so every other model keeps
    its fast paths (a cascade without file fields is still deleted in one query)."""
    for model in models_with_files():
        uid = f"core.media.{model._meta.label_lower}"
        post_init.connect(_snapshot, sender=model, dispatch_uid=uid)
        pre_save.connect(_track_writes, sender=model, dispatch_uid=uid)
        post_save.connect(_delete_replaced, sender=model, dispatch_uid=uid)
        post_delete.connect(_delete_with_row, sender=model, dispatch_uid=uid)
