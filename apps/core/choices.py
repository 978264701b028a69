"""Choices of model select fields cached under the data version (`apps.core.versions`).

A filter form lists every topic, project or venue of ten years; building those options
means a query, a model instance and a label per option on every visit. The pairs
(value, label) are cached instead, keyed by the queryset's SQL and parameters (so a
user's scope is part of the key), the field's class (its `label_from_instance`), the
language and the data version: any committed write of a project record makes new keys,
so a new topic shows at once. A field whose `label_from_instance` was replaced on the
instance (a lambda that may read anything) is never cached, nor is anything inside a
transaction that has written. `StyledFormMixin` gives every model choice field of the
project's forms (filters included) this iterator; validation still reads the queryset.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import translation

from . import versions

MAX_AGE = 60 * 60 * 24  # memory hygiene only: the key decides what is current


class CachedModelChoiceIterator(ModelChoiceIterator):
    def _pairs(self) -> list[tuple[object, str]]:
        pairs = getattr(self, "_cached_pairs", None)
        if pairs is not None:
            return pairs
        field = self.field
        key = None
        if "label_from_instance" not in vars(field) and not versions.wrote_in_transaction():
            try:
                sql, params = self.queryset.query.sql_with_params()
            except Exception:  # an empty queryset (.none()) has no SQL
                sql, params = "", ()
            if sql:
                parts = repr(
                    (
                        type(field).__module__,
                        type(field).__qualname__,
                        field.to_field_name,
                        sql,
                        params,
                        translation.get_language(),
                        versions.data_version(),  # before the rows are read
                    )
                )
                key = "xc:choices:" + hashlib.sha256(parts.encode()).hexdigest()
                pairs = cache.get(key)
        if pairs is None:
            queryset = self.queryset
            # Django's own iterator: .iterator() unless the queryset prefetches.
            rows = queryset if queryset._prefetch_related_lookups else queryset.iterator()  # type: ignore[attr-defined]
            pairs = [
                (field.prepare_value(obj), str(field.label_from_instance(obj))) for obj in rows
            ]
            if key is not None:
                cache.set(key, pairs, timeout=MAX_AGE)
        self._cached_pairs = pairs
        return pairs

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for value, label in self._pairs():
            yield (ModelChoiceIteratorValue(value, None), label)

    def plain_choices(self):
        """What `__iter__` yields with each value as itself (not wrapped with its
        instance): `widget_html.options_html` writes only `str(value)`."""
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._pairs()

    def __len__(self):
        return len(self._pairs()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self._pairs())
