"""The line shape both scores share: the points ledger's `PointEntry` (a member's) and the
office evaluation's `OfficeScoreLine` (a venue's). A derived line points at its source
record; a staff adjustment has no source, a reason, and who made it when."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.dates import WorkDateValidator
from apps.core.models import Audited


class ScoreLine(Audited):
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    capped = models.BooleanField(
        _("capped"), default=False, help_text=_("Points reduced by the rule's yearly cap.")
    )
    date = models.DateField(_("date"), validators=[WorkDateValidator()])
    description = models.CharField(_("description"), max_length=300)
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reason = models.TextField(_("reason"), blank=True)
    updated_at = None  # type: ignore[assignment]
    audit_labels = {"created_by": _("recorded by"), "created_at": _("recorded at")}

    class Meta:
        abstract = True
