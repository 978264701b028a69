import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator
from apps.core.numbers import COUNT_MAX, SORT_ORDER_MAX, AtMost, at_most_constraint


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_staffing(self):
        """Annotate `staff_in_post` (active users of the unit): one query for the whole list."""
        return self.annotate(staff_in_post=Count("users", filter=Q(users__is_active=True)))


class Unit(models.Model):
    """An organ of the county committee: office, special committee or public institution."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office (机关科室)")
        COMMITTEE = "committee", _("Special committee (专委会)")
        INSTITUTION = "institution", _("Public institution (事业单位)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    authorized_posts = models.PositiveSmallIntegerField(
        _("authorized posts"),
        default=0,
        help_text=_("Established posts (编制数)."),
        validators=[AtMost(COUNT_MAX)],
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="unit_order_idx")]
        constraints = [
            at_most_constraint("unit", "authorized_posts", COUNT_MAX),
            at_most_constraint("unit", "sort_order", SORT_ORDER_MAX),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:unit_list") + f"#unit-{self.pk}"

    def is_understaffed(self, staff_in_post: int) -> bool:
        """The article's "一人委": a special committee with one person or none."""
        return self.kind == self.Kind.COMMITTEE and staff_in_post <= 1


class PasswordHistory(models.Model):
    """A user's earlier password hashes: the last PASSWORD_HISTORY_COUNT may not be chosen
    again (`passwords.PasswordHistoryValidator`). Older rows are deleted as new ones come."""

    user = models.ForeignKey(
        "User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, validators=[WorkDateValidator()]
    )

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pwhistory_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """One signed-in session of a user (Django's database sessions): listed on the profile,
    at most MAX_SESSIONS_PER_USER (`sessions.track`), all ended by "sign out everywhere"."""

    user = models.ForeignKey(
        "User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    created_at = models.DateTimeField(
        _("signed in at"), default=timezone.now, validators=[WorkDateValidator()]
    )

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["user", "created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="usersession_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see `roles.py`)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # Django's own two dates, with the one date rule (set by the system; the admin shows them).
    last_login = models.DateTimeField(
        _("last login"), blank=True, null=True, validators=[WorkDateValidator()]
    )
    date_joined = models.DateTimeField(
        _("date joined"), default=timezone.now, validators=[WorkDateValidator()]
    )

    # Identity (等保 身份鉴别): when the password last changed (expiry after
    # PASSWORD_MAX_AGE_DAYS), and whether an administrator set it (a change is forced at the
    # next sign-in). Both are written by `save()` whenever the password changes.
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "password_changed_at"])

    # Set before save() by the administrator's password forms: the password was not chosen
    # by its user, who must change it at the next sign-in.
    password_set_by_admin = False

    # Per-request caches on the instance (annotations only, no fields): the group names
    # (`accounts.roles.role_names`) and the managed venues (`venues.managers`).
    _role_names: frozenset[str]
    _managed_venue_ids: frozenset[int]
    # The active flag as stored, read before a save (`signals`: disabled / enabled events).
    _was_active: bool | None

    class Meta(AbstractUser.Meta):
        # django-stubs declares AbstractUser.Meta's names as str; Django's own are lazy too.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        """When the password changed (`set_password` leaves the raw one in `_password`):
        stamp the change, decide whether its user must change it again, and keep the hash
        in the history (`passwords.remember`) with a security event."""
        changed = self._password is not None
        created = self._state.adding
        if changed:
            self.password_changed_at = timezone.now()
            self.must_change_password = bool(self.password_set_by_admin)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "password_changed_at",
                    "must_change_password",
                }
        super().save(*args, **kwargs)
        if changed and self.has_usable_password():
            from . import passwords

            passwords.remember(self, created=created)
        self.password_set_by_admin = False

    def password_expired(self, now=None) -> bool:
        """Older than PASSWORD_MAX_AGE_DAYS (0 turns expiry off); unknown counts from joining."""
        from django.conf import settings

        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or not self.has_usable_password():
            return False
        changed = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - changed > datetime.timedelta(days=days)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()
