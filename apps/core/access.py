"""Row-level reading rights shared by the apps' pages.

Every app's querysets carry `for_user(user)`: the rows that user may read. A page that
lists related records (a project's team, a ledger's sources) shows each one but links it
only when its own page would open for the viewer, so no page offers a link to a 403/404."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


def readable_ids(scoped: models.QuerySet, objects: Iterable[models.Model]) -> set:
    """The pks of `objects` that `scoped` (a queryset already narrowed to what a user may
    read, such as `Member.objects.for_user(user)`) contains. One query; none when there are
    no objects or when `scoped` is not narrowed at all (staff and leaders)."""
    pks = {obj.pk for obj in objects}
    if not pks or not scoped.query.has_filters():
        return pks
    return set(scoped.filter(pk__in=pks).values_list("pk", flat=True))


def page_opens(user, obj: models.Model) -> bool:
    """Whether `obj`'s own page opens for `user`: they hold its model's view permission
    (what the detail views require) and its `for_user` holds it. At most one query; none
    without the permission, none for staff and leaders."""
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return False
    scoped: Any = type(obj)._default_manager.all()  # every app's querysets have for_user
    return bool(readable_ids(scoped.for_user(user), [obj]))
