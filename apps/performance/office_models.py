"""The evaluation of the places (the Guangshui model: offices are scored, not only
members): each year's rules for the 16 liaison offices and the 5 member homes
(`OfficeRule`, kept by staff in the admin), the score lines derived from the records
(`OfficeScoreLine`, each linked to its source, plus staff adjustments with a reason) and
each venue's total and rank among its kind (`OfficeScore`). Derived by
`office_scores.office_scores_derive`; imported by `models.py` (so Django finds them)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkYearValidator, year_range_constraint
from apps.core.numbers import SORT_ORDER_MAX, AtMost, at_most_constraint
from apps.venues.models import Venue

from .lines import ScoreLine
from .managers import OfficeRuleQuerySet, OfficeScoreLineQuerySet, OfficeScoreQuerySet


class OfficeRule(models.Model):
    """One line of the year's table for scoring the venues. The `code` is what the
    collectors of `office_scores.py` emit (`office_scores.Code`); a fact whose code has
    no active rule this year earns nothing. A line earns `points` × its quantity (one
    session, one month, or a share such as the members' turnout), up to `cap` a year."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[WorkYearValidator()])
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("name"), max_length=100)
    points = models.DecimalField(
        _("points per unit"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Negative for a deduction."),
    )
    cap = models.DecimalField(
        _("cap per year"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Most points a venue can earn (or, for a deduction, lose) by this rule in a "
            "year; empty for no cap."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = OfficeRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("office rule")
        verbose_name_plural = _("office rules")
        ordering = ["-year", "sort_order", "code"]
        indexes = [
            models.Index(fields=["-year", "sort_order", "code"], name="officerule_order_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="officerule_unique_code"),
            year_range_constraint("officerule"),
            at_most_constraint("officerule", "sort_order", SORT_ORDER_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"


class OfficeScoreLine(ScoreLine):
    """A line of a venue's score. Derived lines point at their source record (a session,
    a suggestion, the venue itself for a month without a session or the year's turnout)
    and are written only by `office_scores.office_scores_derive`; staff adjustments have
    no source, a reason, and who made them when."""

    year = models.PositiveSmallIntegerField(_("year"))
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="score_lines"
    )
    rule = models.ForeignKey(
        OfficeRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=2, default=1)

    history = HistoricalRecords()
    objects = OfficeScoreLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("office score line")
        verbose_name_plural = _("office score lines")
        ordering = ["year", "venue", "date", "pk"]
        indexes = [
            models.Index(fields=["year", "venue", "date"], name="officeline_venue_idx"),
        ]
        constraints = [
            # A source may give one line per rule and date (a venue: one per idle month).
            models.UniqueConstraint(
                fields=["year", "venue", "rule", "source_type", "source_id", "date"],
                condition=Q(source_type__isnull=False),
                name="officeline_one_per_fact",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source_type__isnull=False, source_id__isnull=False, rule__isnull=False)
                    | (Q(source_type__isnull=True, source_id__isnull=True) & ~Q(reason=""))
                ),
                name="officeline_source_or_reason",
            ),
        ]
        permissions = [("adjust_office_score", _("Can adjust a venue's score by hand"))]

    def __str__(self) -> str:
        return f"{self.venue} {self.date:%Y-%m-%d} {self.points:+}"

    @property
    def is_adjustment(self) -> bool:
        return self.source_type_id is None


class OfficeScore(models.Model):
    """A venue's score of a year, recomputed from its lines by
    `office_scores.office_scores_derive`: the total and the rank among the venues of its
    kind (liaison offices and member homes are ranked separately)."""

    year = models.PositiveSmallIntegerField(_("year"))
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="scores"
    )
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1, default=0)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Set by the pages (office_selectors.py), not stored: the breakdown's URL when the
    # user may open it, whether the user manages the venue, the size of its ranking.
    link: str
    is_mine: bool
    population: int

    # Ranks move for every venue when one total changes: history keeps the totals.
    history = HistoricalRecords(excluded_fields=["rank", "updated_at"])
    objects = OfficeScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("office score")
        verbose_name_plural = _("office scores")
        ordering = ["year", "rank", "venue"]
        indexes = [models.Index(fields=["year", "rank"], name="officescore_rank_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "venue"], name="officescore_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("performance:office_detail", args=[self.year, self.venue_id])
