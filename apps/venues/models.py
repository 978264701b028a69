from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator
from apps.core.numbers import SORT_ORDER_MAX, AtMost, at_most_constraint
from apps.members.models import Member

from .managers import AssignmentQuerySet, VenueQuerySet


class Township(models.Model):
    """One of the county's 16 townships (乡镇)."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="township_order_idx")]
        constraints = [at_most_constraint("township", "sort_order", SORT_ORDER_MAX)]

    def __str__(self) -> str:
        return self.name


class Venue(models.Model):
    """A place of the committee's work (阵地): a member home (委员之家) or a township
    liaison office (乡镇政协委员联络室). Each township has exactly one liaison office and
    an office belongs to exactly one township (database constraints)."""

    class Kind(models.TextChoices):
        MEMBER_HOME = "home", _("Member home (委员之家)")
        LIAISON_OFFICE = "office", _("Township liaison office (乡镇政协委员联络室)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    township = models.ForeignKey(
        Township,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="venues",
        help_text=_("Required for a liaison office; optional for a member home."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    director = models.ForeignKey(
        Member,
        verbose_name=_("director"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_venues",
        help_text=_(
            "For a liaison office: the township's full-time party deputy secretary "
            "(党委专职副书记)."
        ),
    )
    conveners = models.ManyToManyField(
        Member,
        verbose_name=_("conveners"),
        blank=True,
        related_name="convened_venues",
        help_text=_("Work conveners (召集人)."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managed by"),
        blank=True,
        related_name="managed_venues",
        help_text=_("Users (office heads and their clerks) who log this venue's sessions."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[conveners, managers])
    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["kind", "sort_order", "name"]
        indexes = [models.Index(fields=["kind", "sort_order", "name"], name="venue_order_idx")]
        constraints = [
            at_most_constraint("venue", "sort_order", SORT_ORDER_MAX),
            models.UniqueConstraint(
                fields=["township"],
                condition=Q(kind="office"),
                name="venue_one_office_per_township",
                violation_error_message=_("This township already has a liaison office."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="office") | Q(township__isnull=False),
                name="venue_office_has_township",
                violation_error_message=_("A liaison office belongs to a township."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("venues:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.LIAISON_OFFICE and not self.township_id:
            raise ValidationError({"township": _("A liaison office belongs to a township.")})
        self._clean_settled_office()

    def _clean_settled_office(self) -> None:
        """An office with stationed members or records of later apps (sessions) keeps its
        kind and township: turning it into a member home, or moving it, would leave members
        stationed at a home and a township's record under another township. Only when one
        changes: a query for the old values, one for the assignments and one per relation
        of later apps."""
        if self.pk is None:
            return
        before = Venue.objects.filter(pk=self.pk).values("kind", "township_id").first()
        if before is None or before["kind"] != self.Kind.LIAISON_OFFICE:
            return
        changed = [
            field
            for field, old, new in (
                ("kind", before["kind"], self.kind),
                ("township", before["township_id"], self.township_id),
            )
            if old != new
        ]
        if changed and (self.assignments.open().exists() or self._recorded_elsewhere()):
            message = _(
                "This liaison office already has stationed members or sessions, so its kind "
                "and township stay as they are. Create a new venue instead."
            )
            raise ValidationError(dict.fromkeys(changed, message))

    def _recorded_elsewhere(self) -> bool:
        """Whether rows of a later app (a consultation session, …) point to this venue.
        Venues imports none of those apps: it asks each relation Django knows of."""
        return any(
            getattr(self, accessor).exists()
            for relation in self._meta.related_objects
            if relation.related_model._meta.app_label != self._meta.app_label
            and (relation.one_to_many or relation.many_to_many)
            and (accessor := relation.get_accessor_name())
        )

    @property
    def is_office(self) -> bool:
        return self.kind == self.Kind.LIAISON_OFFICE


class Assignment(models.Model):
    """A member stationed at a liaison office (驻乡镇委员) from `started_on` to `ended_on`.
    A member is stationed at one office at a time: one open assignment per member in the
    database, no overlapping periods checked in `clean()`."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="assignments"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="venue_assignments",
    )
    started_on = models.DateField(_("started on"), validators=[WorkDateValidator()])
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("stationed member")
        verbose_name_plural = _("stationed members")
        ordering = ["venue", "-started_on", "pk"]
        indexes = [models.Index(fields=["venue", "-started_on"], name="assignment_venue_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_open_per_member",
                violation_error_message=_("This member is already stationed at an office."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.venue}"

    def clean(self) -> None:
        super().clean()
        if self.venue_id and self.venue.kind != Venue.Kind.LIAISON_OFFICE:
            raise ValidationError(
                {"venue": _("Members are stationed at township liaison offices only.")}
            )
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
        if self.member_id and self.started_on:
            overlapping = (
                Assignment.objects.filter(member_id=self.member_id)
                .exclude(pk=self.pk)
                .overlapping(self.started_on, self.ended_on)
                .select_related("venue")
                .first()
            )
            if overlapping:
                raise ValidationError(
                    _("%(member)s is stationed at %(venue)s in that period."),
                    code="overlap",
                    params={"member": self.member, "venue": overlapping.venue},
                )

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
