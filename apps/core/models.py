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
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .dates import WorkDateValidator


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


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A user's own notifications: nobody reads another's inbox."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened to one of the recipient's items (a session returned, an
    instruction on their report), or a reminder. Created by `apps.core.notifications.notify`
    only; `key` (when set) makes a reminder once per recipient: a second `notify` with the
    same key adds nothing and sends nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.SlugField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("about (type)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    key = models.CharField(_("reminder key"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(
        _("read at"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_one_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:notification_open", args=[self.pk])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationChannels(models.Model):
    """The channels a user chose beyond the inbox (which is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_channels",
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by text message (SMS)"), default=False)

    class Meta:
        verbose_name = _("notification channels")
        verbose_name_plural = _("notification channels")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """One notification sent (or to send) on one channel. pending → sending → sent, or
    → failed (retried by the next `send_reminders` run). A row is claimed by one update
    from pending/failed to sending, so two runs never send it twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(
        _("sent at"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"


class SecurityEventQuerySet(models.QuerySet):
    """Events are append-only: a queryset cannot update or delete them (the prune command
    removes old ones through `prune`, and the database refuses the rest: see the
    migration's trigger)."""

    def update(self, **kwargs):
        raise PermissionError("Security events are append-only.")

    def delete(self):
        raise PermissionError("Security events are append-only; use prune_security_events.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def prune(self) -> int:
        """Delete these rows (the prune command only, inside its transaction that tells
        the PostgreSQL trigger so); returns how many."""
        return self._raw_delete(self.db)


class SecurityEvent(models.Model):
    """One line of the security audit trail (安全审计): who did what, from where, to what,
    with which result. Written by `apps.core.audit.record`, never changed afterwards: the
    model refuses a second save and delete, the admin is read-only, and on PostgreSQL a
    trigger refuses UPDATE and DELETE (except the prune command's)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Sign-in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Lockout")
        UNLOCK = "unlock", _("Unlock")
        LOGOUT = "logout", _("Sign-out")
        SESSION_ENDED = "session_ended", _("Session ended")
        PASSWORD_CHANGE = "password_change", _("Password change")
        PASSWORD_RESET = "password_reset", _("Password set by an administrator")
        USER_CREATED = "user_created", _("User created")
        USER_DISABLED = "user_disabled", _("User disabled")
        USER_ENABLED = "user_enabled", _("User enabled")
        GROUPS_CHANGED = "groups_changed", _("Roles changed")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Printout")
        DOWNLOAD = "download", _("Protected file download")
        IMPORT = "import", _("Import")
        REVEAL = "reveal", _("Personal data revealed")
        LEDGER = "ledger", _("Ledger derivation")
        ADMIN_ACTION = "admin_action", _("Admin action")
        BACKUP = "backup", _("Backup")
        RESTORE = "restore", _("Restore")
        PRUNE = "prune", _("Audit trail pruned")

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    created_at = models.DateTimeField(
        _("time"), default=timezone.now, db_index=True, validators=[WorkDateValidator()]
    )
    # No database constraint: deleting a user must not touch (UPDATE) the trail; the
    # username is kept as it was at the time.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    kind = models.CharField(_("event type"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("object"), max_length=255, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.SUCCESS
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="secevent_kind_time_idx"),
            models.Index(fields=["user", "created_at"], name="secevent_user_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Security events are append-only; use prune_security_events.")
