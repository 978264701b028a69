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

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    # Per-request caches on the instance (annotations only, no fields): the group names
    # (`accounts.roles.role_names`) and the managed venues (`venues.managers`).
    _role_names: frozenset[str]
    _managed_venue_ids: frozenset[int]

    class Meta(AbstractUser.Meta):
        # django-stubs declares AbstractUser.Meta's names as str; Django's own are lazy too.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()
