"""Suggestions (of a report or a session), the departments they are referred to and the
`Referral` that follows each one to its reply and closing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator
from apps.core.models import Audited
from apps.core.numbers import SORT_ORDER_MAX, AtMost, at_most_constraint
from apps.members.models import Member

from ..managers import DepartmentQuerySet, ReferralQuerySet, SuggestionQuerySet
from .research import Instruction, Report
from .sessions import Session

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def derive_progress(referral_states: Iterable[str]) -> str:
    """A suggestion's progress from the states of its referrals (the rule that
    `SuggestionQuerySet.with_progress` writes in SQL): none → raised; all closed →
    closed; any replied or closed → in progress; else referred."""
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
        return reverse("consultation:suggestion_detail", args=[self.pk])

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


class Department(models.Model):
    """承办单位: a department of the county that receives referred suggestions (reference
    data from `fixtures/departments.json`)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        PUBLIC_BODY = "public_body", _("Public institution or enterprise")
        TOWNSHIP = "township", _("Township government")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_title = models.CharField(_("contact's position"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling department")
        verbose_name_plural = _("handling departments")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="department_order_idx")]
        constraints = [at_most_constraint("department", "sort_order", SORT_ORDER_MAX)]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consultation:department_detail", args=[self.pk])


class Referral(Audited):
    """批转/交办: a suggestion sent to a lead department (with co-handling ones), usually on
    a leader's instruction, with a due date. The department's reply (text, date, class
    A/B/C) is recorded by staff, who then close it with the proposers' satisfaction.

        referred ──reply──▶ replied ──close──▶ closed

    Overdue: past the due date without a reply (`ReferralQuerySet.overdue`)."""

    class State(models.TextChoices):
        REFERRED = "referred", _("Awaiting reply")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    class Implementation(models.TextChoices):
        SOLVED = "A", _("A · Solved")
        SOLVING = "B", _("B · Being solved")
        PLANNED = "C", _("C · Planned")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    # Until the handling chain lands (one nullable FK per subject kind, exactly one set).
    proposal = models.ForeignKey(
        "consultation.Proposal",
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-handling departments"),
        blank=True,
        related_name="co_referrals",
    )
    instruction = models.ForeignKey(
        Instruction,
        verbose_name=_("on the instruction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    referred_on = models.DateField(_("referred on"), validators=[WorkDateValidator()])
    due_on = models.DateField(_("reply due by"), validators=[WorkDateValidator()])
    note = models.TextField(_("requirements"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_text = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(
        _("replied on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    implementation = models.CharField(
        _("implementation"), max_length=1, choices=Implementation.choices, blank=True
    )
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    satisfaction = models.CharField(
        _("proposers' satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    created_by = None

    history = HistoricalRecords(m2m_fields=[co_departments])
    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        indexes = [
            models.Index(fields=["-referred_on", "-id"], name="referral_date_idx"),
            models.Index(fields=["department", "-referred_on"], name="referral_department_idx"),
            models.Index(fields=["suggestion", "referred_on"], name="referral_suggestion_idx"),
            models.Index(fields=["replied_on", "due_on"], name="referral_waiting_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, proposal__isnull=True)
                | Q(suggestion__isnull=True, proposal__isnull=False),
                name="referral_exactly_one_subject",
                violation_error_message=_("A referral hands on exactly one subject."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("referred_on")),
                name="referral_due_after_referred",
                violation_error_message=_("The due date cannot be before the referral."),
            ),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True, implementation="", reply_text="")
                | (Q(replied_on__gte=F("referred_on")) & ~Q(implementation="") & ~Q(reply_text="")),
                name="referral_reply_complete",
                violation_error_message=_(
                    "A reply needs its text, its date (not before the referral) and its class."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, satisfaction="")
                | Q(closed_on__gte=F("replied_on"), replied_on__isnull=False) & ~Q(satisfaction=""),
                name="referral_closed_after_reply",
                violation_error_message=_(
                    "Close a referral after its reply, with the proposers' satisfaction."
                ),
            ),
            models.UniqueConstraint(
                fields=["suggestion", "department"],
                condition=Q(closed_on__isnull=True),
                name="referral_one_open_per_department",
                violation_error_message=_(
                    "This suggestion is already with that department and not closed yet."
                ),
            ),
        ]
        permissions = [
            ("reply_referral", _("Can record a department's reply")),
            ("close_referral", _("Can close a referral")),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.suggestion}"

    def get_absolute_url(self) -> str:
        url = reverse("consultation:suggestion_detail", args=[self.suggestion_id])
        return f"{url}#referral-{self.pk}"

    @property
    def state(self) -> str:
        if self.closed_on:
            return self.State.CLOSED
        if self.replied_on:
            return self.State.REPLIED
        return self.State.REFERRED

    def get_state_display(self) -> StrOrPromise:
        return self.State(self.state).label

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past the due date without a reply."""
        return self.replied_on is None and self.due_on < (today or timezone.localdate())

    def days_to_reply(self) -> int | None:
        return (self.replied_on - self.referred_on).days if self.replied_on else None
