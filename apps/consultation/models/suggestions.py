"""Suggestions (of a report or a session). The departments they are referred to and the
`Referral` that follows each one to its reply and closing are the handling chain
(`handling.py`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator
from apps.core.models import Audited
from apps.members.models import Member

from ..managers import SuggestionQuerySet
from .research import Report
from .sessions import Session


def derive_progress(referral_states: Iterable[str]) -> str:
    """A suggestion's progress from the states of its referrals (the rule that
    `SuggestionQuerySet.with_progress` writes in SQL): none → raised; all closed →
    closed; any replied or closed → in progress; else referred."""
    from .handling import Referral

    states = list(referral_states)
    if not states:
        return Suggestion.Progress.RAISED
    if all(s == Referral.State.CLOSED for s in states):
        return Suggestion.Progress.CLOSED
    if any(s in (Referral.State.REPLIED, Referral.State.CLOSED) for s in states):
        return Suggestion.Progress.IN_PROGRESS
    return Suggestion.Progress.REFERRED


class Suggestion(Audited):
    """意见建议, from exactly one source: a research report or a session. Its progress
    (raised → referred → in progress → closed) is never stored: it follows from its
    referrals (`derive_progress`, `SuggestionQuerySet.with_progress`). `raised_on` is the
    date of the source, kept in step by `save()` and the services, so years and the
    performance ledger need no join."""

    class Category(models.TextChoices):
        ECONOMY = "economy", _("Economic development (经济发展)")
        LIVELIHOOD = "livelihood", _("Livelihood and social services (民生保障)")
        URBAN_RURAL = "urban_rural", _("Urban and rural development (城乡建设)")
        ECOLOGY = "ecology", _("Ecology and environment (生态环保)")
        GOVERNANCE = "governance", _("Social governance (社会治理)")
        OTHER = "other", _("Other (其他)")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        REFERENCE = "reference", _("Kept for reference")

    class Progress(models.TextChoices):
        RAISED = "raised", _("Raised")
        REFERRED = "referred", _("Referred")
        IN_PROGRESS = "in_progress", _("Being handled")
        CLOSED = "closed", _("Handled and closed")

    # The detail page (a referral links to its subject's page by this name).
    DETAIL_URL_NAME = "consultation:suggestion_detail"

    # Outcomes that count as adopted in the statistics and the performance points.
    ADOPTED_OUTCOMES = (Outcome.ADOPTED, Outcome.PARTLY)

    session = models.ForeignKey(
        Session,
        verbose_name=_("consultation session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("research report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    # A proposal not registered (不予立案) kept as a suggestion: its third kind of source.
    proposal = models.OneToOneField(
        "consultation.Proposal",
        verbose_name=_("from the proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_suggestion",
    )
    text = models.TextField(_("suggestion"))
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("proposed by"), blank=True, related_name="suggestions"
    )
    raised_on = models.DateField(_("raised on"), db_index=True, validators=[WorkDateValidator()])
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    outcome_on = models.DateField(
        _("outcome decided on"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    created_by = None
    updated_at = None  # type: ignore[assignment]

    history = HistoricalRecords(m2m_fields=[members])
    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["raised_on", "id"]
        indexes = [
            models.Index(fields=["raised_on", "id"], name="suggestion_raised_idx"),
        ]
        constraints = [
            # One origin: it decides who reads the suggestion (the session's venue rules or
            # the research pages) and where it is counted, so nothing is counted twice.
            models.CheckConstraint(
                condition=Q(session__isnull=False, report__isnull=True, proposal__isnull=True)
                | Q(session__isnull=True, report__isnull=False, proposal__isnull=True)
                | Q(session__isnull=True, report__isnull=True, proposal__isnull=False),
                name="suggestion_exactly_one_source",
                violation_error_message=_(
                    "A suggestion comes from a report, a session or a proposal not registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="suggestion_outcome_has_date",
                violation_error_message=_("An outcome needs its date, and a date its outcome."),
            ),
        ]
        permissions = [
            ("export_suggestion", _("Can export the suggestion ledger")),
            ("view_own_suggestion", _("Can see the suggestions they proposed")),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def save(self, *args, **kwargs):
        if self.raised_on is None:
            self.raised_on = self.source_date()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(self.DETAIL_URL_NAME, args=[self.pk])

    @property
    def progress(self) -> str:
        """`with_progress()`'s annotation when the row has it, else derived from the
        referrals (prefetched by `with_related()`: no query)."""
        if "_progress" in self.__dict__:
            return self.__dict__["_progress"]
        return derive_progress(referral.state for referral in self.referrals.all())

    @progress.setter
    def progress(self, value: str) -> None:
        self.__dict__["_progress"] = value

    def source_date(self) -> datetime.date:
        """The date of the session or report it comes from (today for neither)."""
        if self.session is not None:
            return self.session.held_on()
        if self.report is not None:
            return self.report.submitted_on
        if self.proposal is not None and self.proposal.submitted_on:
            return self.proposal.submitted_on
        return timezone.localdate()

    @property
    def source(self) -> Report | Session | None:
        return self.report if self.report_id else self.session

    @property
    def is_adopted(self) -> bool:
        return self.outcome in self.ADOPTED_OUTCOMES
