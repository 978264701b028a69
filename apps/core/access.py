"""Row-level reading rights shared by the apps' pages.

Every app's querysets carry `for_user(user)`: the rows that user may read. A page that
lists related records (a project's team, a ledger's sources) shows each one but links it
only when its own page would open for the viewer, so no page offers a link to a 403/404."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def readable_ids(scoped: models.QuerySet, objects: Iterable[models.Model]) -> set:
    """The pks of `objects` that `scoped` (a queryset already narrowed to what a user may
    read, such as `Member.objects.for_user(user)`) contains. One query; none when there are
    no objects or when `scoped` is not narrowed at all (staff and leaders)."""
    pks = {obj.pk for obj in objects}
    if not pks or not scoped.query.has_filters():
        return pks
    return set(scoped.filter(pk__in=pks).values_list("pk", flat=True))


def openable_ids(
    user, permission: str, scoped: models.QuerySet, objects: Iterable[models.Model]
) -> set:
    """The pks of `objects` whose page opens for `user`: they hold `permission` (the page's
    `permission_required`) and `scoped` contains them. As `readable_ids`; no query without
    the permission."""
    if not user.has_perm(permission):
        return set()
    return readable_ids(scoped, objects)
