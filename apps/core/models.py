"""The audit fields every app's records share: who created a record, when, and when it last
changed. (The change history itself is each model's `history = HistoricalRecords()`.)

    class Report(Audited):            # created_by, created_at, updated_at
        ...

    class PointEntry(Audited):
        updated_at = None             # a field the model does not record: left out
        audit_labels = {"created_by": _("recorded by"), "created_at": _("recorded at")}

Setting an inherited field to None is Django's rule for fields of abstract models;
`audit_labels` keeps a model's own wording (a field's verbose name, so no migration). The
fields come after the model's own ones, as they did when each model spelled them out.
Who created a record is set by the service or view that creates it, never here.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Audited(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Field name → the model's own verbose name for it ("recorded by", "saved at").
    audit_labels: ClassVar[dict[str, str | Promise]] = {}

    class Meta:
        abstract = True


# Each concrete model gets copies of these fields, ordered by creation counter: placed
# after the model's own fields (the order they had when each model declared them).
for _offset, _field in enumerate(Audited._meta.local_fields):
    _field.creation_counter = 1_000_000_000 + _offset


@receiver(class_prepared, dispatch_uid="core.audit_labels")
def _apply_audit_labels(sender, **kwargs) -> None:
    """Runs before django-simple-history copies the fields into the historical model
    (its receiver is connected later, when the model class is built)."""
    if not issubclass(sender, Audited):
        return
    for name, label in sender.audit_labels.items():
        field = sender._meta.get_field(name)
        # `_verbose_name` is what the field deconstructs to (migrations): both, or
        # makemigrations would see a change.
        field.verbose_name = field._verbose_name = label


class SubmissionKey(models.Model):
    """One rendered create form's key (`apps.core.submission`), claimed in the transaction
    that inserts the row the form creates, and pointing at that row: a second POST with the
    same key finds it instead of inserting another. Unique per user, so a key another user
    crafted changes nothing. Rows older than SUBMISSION_KEY_MAX_AGE_DAYS are deleted on the
    next keyed POST."""

    key = models.UUIDField(_("key"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("content type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    created_object = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_submissionkey_user_key"),
        ]

    def __str__(self) -> str:
        return str(self.key)
