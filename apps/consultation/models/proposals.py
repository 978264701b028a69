"""Proposals (提案) of members, sectors and party groups: the categories staff maintain,
the proposal with its life from draft to closed, the co-signers of a joint one (附议)
and the leaders' instructions on key proposals (重点提案).

    draft ──submit──▶ submitted ──register──▶ registered ──assign──▶ assigned ──▶ closed
                          │                                           (replied, rated:
                          ├──not register (reason)──▶ not registered   read from the
                          └──merge──▶ merged (into another)            referral and rating)

Replied and rated are not stored: an assigned proposal is *replied* once its open
referral has a reply and *rated* once the proposer rated that reply (`Proposal.status`,
`ProposalQuerySet.with_status`). An unsatisfied rating may reopen it for one more round
(`round` = 2, a new referral; the first keeps its reply and the rating)."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Unit
from apps.core.dates import WorkDateValidator
from apps.core.models import Audited
from apps.core.numbers import SORT_ORDER_MAX, TERM_MAX, AtMost, at_most_constraint
from apps.core.uploads import DocumentFileValidator, RandomFileName
from apps.members.models import Member, Sector

from ..proposal_managers import ProposalQuerySet, ProposalSignerQuerySet

# The highest plenary sitting of a term (a term has five annual sittings; room for more).
SITTING_MAX = 9
NUMBER_MAX = 9999


class ProposalCategory(models.Model):
    """提案类别 (经济建设, 社会事业 …): a table staff maintain in the admin."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal category")
        verbose_name_plural = _("proposal categories")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="proposalcat_order_idx")]
        constraints = [at_most_constraint("proposalcategory", "sort_order", SORT_ORDER_MAX)]

    def __str__(self) -> str:
        return self.name


class Proposal(Audited):
    """提案: of a term's plenary sitting (十一届一次会议: `sitting` 1) or during the year
    (平时: `sitting` 0), numbered at registration per sitting and year (第 N 号)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        JOINT = "joint", _("Joint")
        COLLECTIVE = "collective", _("Collective")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        NOT_REGISTERED = "not_registered", _("Not registered")
        MERGED = "merged", _("Merged")
        ASSIGNED = "assigned", _("Assigned")
        REPLIED = "replied", _("Replied")  # derived, never stored
        RATED = "rated", _("Rated")  # derived, never stored
        CLOSED = "closed", _("Closed")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    # The detail page (a referral links to its subject's page by this name).
    DETAIL_URL_NAME = "consultation:proposal_detail"

    # Stored states that carry a number (registered and after).
    NUMBERED_STATES = (State.REGISTERED, State.ASSIGNED, State.CLOSED)
    STORED_STATES = (
        State.DRAFT,
        State.SUBMITTED,
        State.REGISTERED,
        State.NOT_REGISTERED,
        State.MERGED,
        State.ASSIGNED,
        State.CLOSED,
    )

    term = models.PositiveSmallIntegerField(_("term"), validators=[AtMost(TERM_MAX)])
    sitting = models.PositiveSmallIntegerField(
        _("plenary sitting"),
        default=1,
        validators=[AtMost(SITTING_MAX)],
        help_text=_("1 for the first plenary sitting of the term; 0 for during the year."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[AtMost(2100)])
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, validators=[AtMost(NUMBER_MAX)]
    )
    title = models.CharField(_("title (案由)"), max_length=200)
    background = models.TextField(_("background (案据)"))
    measures = models.TextField(_("measures (建议办法)"))
    category = models.ForeignKey(
        ProposalCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    proposer = models.ForeignKey(
        Member,
        verbose_name=_("proposer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("proposing body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("A party group or special committee, for a collective proposal."),
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("proposing sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    attachment = models.FileField(
        _("attachment"),
        upload_to=RandomFileName("consultation/proposals"),
        blank=True,
        validators=[DocumentFileValidator()],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    submitted_on = models.DateField(
        _("submitted on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    decided_on = models.DateField(
        _("registration decided on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason for not registering"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1, validators=[AtMost(2)])
    rating = models.CharField(
        _("proposer's rating"), max_length=12, choices=Rating.choices, blank=True
    )
    rated_on = models.DateField(
        _("rated on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    is_key = models.BooleanField(_("key proposal (重点提案)"), default=False)
    is_outstanding = models.BooleanField(_("outstanding proposal (优秀提案)"), default=False)
    outstanding_on = models.DateField(
        _("marked outstanding on"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "sitting", "number", "-id"]
        indexes = [
            models.Index(fields=["-year", "sitting", "number", "-id"], name="proposal_order_idx"),
            models.Index(fields=["proposer", "state"], name="proposal_proposer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "year", "sitting", "number"],
                condition=Q(number__isnull=False),
                name="proposal_number_unique",
                violation_error_message=_("This number is taken in the sitting."),
            ),
            models.CheckConstraint(
                condition=Q(
                    number__isnull=True,
                    state__in=["draft", "submitted", "not_registered", "merged"],
                )
                | Q(number__isnull=False, state__in=["registered", "assigned", "closed"]),
                name="proposal_number_when_registered",
                violation_error_message=_("A proposal is numbered when it is registered."),
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["individual", "joint"],
                    proposer__isnull=False,
                    unit__isnull=True,
                    sector__isnull=True,
                )
                | Q(
                    kind="collective",
                    proposer__isnull=True,
                    unit__isnull=False,
                    sector__isnull=True,
                )
                | Q(
                    kind="collective",
                    proposer__isnull=True,
                    unit__isnull=True,
                    sector__isnull=False,
                ),
                name="proposal_one_proposer",
                violation_error_message=_(
                    "A member proposes an individual or joint proposal; a collective one "
                    "comes from one body or one sector."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="not_registered") | ~Q(reason=""),
                name="proposal_not_registered_reason",
                violation_error_message=_("Give the reason for not registering."),
            ),
            models.CheckConstraint(
                condition=Q(state="merged", merged_into__isnull=False)
                | Q(~Q(state="merged"), merged_into__isnull=True),
                name="proposal_merged_into",
                violation_error_message=_("A merged proposal names the one it joins."),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="proposal_not_merged_into_itself",
            ),
            models.CheckConstraint(
                condition=Q(rating="", rated_on__isnull=True)
                | (~Q(rating="") & Q(rated_on__isnull=False)),
                name="proposal_rating_has_date",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_on__isnull=False)
                | Q(~Q(state="closed"), closed_on__isnull=True),
                name="proposal_closed_on",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_on__isnull=False),
                name="proposal_submitted_on",
            ),
            models.CheckConstraint(
                condition=Q(is_outstanding=False, outstanding_on__isnull=True)
                | Q(is_outstanding=True, outstanding_on__isnull=False),
                name="proposal_outstanding_on",
            ),
            at_most_constraint("proposal", "term", TERM_MAX),
            at_most_constraint("proposal", "year", 2100),
            at_most_constraint("proposal", "number", NUMBER_MAX),
            at_most_constraint("proposal", "sitting", SITTING_MAX),
            at_most_constraint("proposal", "round", 2),
        ]
        permissions = [
            ("register_proposal", _("Can register proposals and assign them")),
            ("mark_key_proposal", _("Can mark key proposals and instruct on them")),
            ("export_proposal", _("Can export the proposal register")),
            ("add_own_proposal", _("Can draft and submit their own proposals")),
        ]

    def __str__(self) -> str:
        return f"{self.numbered} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(self.DETAIL_URL_NAME, args=[self.pk])

    @property
    def numbered(self) -> str:
        """第 23 号, or empty before registration."""
        return _("No. %(n)s") % {"n": self.number} if self.number else ""

    @property
    def sitting_label(self) -> str:
        return sitting_label(self.term, self.sitting)

    @property
    def proposer_name(self) -> str:
        if self.kind == self.Kind.COLLECTIVE:
            return str(self.unit or self.sector or "")
        return self.proposer.name if self.proposer else ""

    @property
    def status(self) -> str:
        """The state a reader sees: assigned becomes replied or rated by the open
        referral's reply and the rating (`with_status()` annotates `has_reply`)."""
        if self.state != self.State.ASSIGNED:
            return self.state
        if self.rating:
            return self.State.RATED
        if getattr(self, "has_reply", False):
            return self.State.REPLIED
        return self.State.ASSIGNED

    def get_status_display(self):
        return self.State(self.status).label


CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (十一, 二十, 九十九)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def sitting_label(term: int, sitting: int) -> str:
    """十一届一次会议, or 十一届 平时."""
    if sitting == 0:
        return _("Term %(term)s, during the year") % {"term": chinese_number(term)}
    return _("Term %(term)s, plenary sitting %(sitting)s") % {
        "term": chinese_number(term),
        "sitting": chinese_number(sitting),
    }


class ProposalSigner(models.Model):
    """A co-signer of a joint proposal: invited by the lead proposer, confirms (附议) or
    declines (then no longer a co-signer; the row stays as the record)."""

    class State(models.TextChoices):
        INVITED = "invited", _("Awaiting the co-signature")
        CONFIRMED = "confirmed", _("Co-signed")
        DECLINED = "declined", _("Declined to co-sign")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="signers"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("co-signer"), on_delete=models.PROTECT, related_name="cosigned"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.INVITED
    )
    responded_on = models.DateField(
        _("responded on"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    history = HistoricalRecords()
    objects = ProposalSignerQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="proposalsigner_once"),
            models.CheckConstraint(
                condition=Q(state="invited", responded_on__isnull=True)
                | Q(~Q(state="invited"), responded_on__isnull=False),
                name="proposalsigner_responded_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal}"

    def get_absolute_url(self) -> str:
        return self.proposal.get_absolute_url()


class ProposalInstruction(models.Model):
    """A leader's instruction (批示) on a key proposal; the leader follows it on their
    to-do until the proposal is closed."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="proposal_instructions",
    )
    text = models.TextField(_("instruction"))
    instructed_on = models.DateField(_("date of the instruction"), validators=[WorkDateValidator()])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instruction on a key proposal")
        verbose_name_plural = _("instructions on key proposals")
        ordering = ["instructed_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader} {self.instructed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{self.proposal.get_absolute_url()}#instruction-{self.pk}"


def default_due(assigned_on: datetime.date) -> datetime.date:
    """Three months after assignment by default (`PROPOSAL_DUE_MONTHS`)."""
    months = settings.PROPOSAL_DUE_MONTHS
    month = assigned_on.month - 1 + months
    year, month = assigned_on.year + month // 12, month % 12 + 1
    day = min(assigned_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def rating_grace_over(replied_on: datetime.date | None, today: datetime.date | None = None) -> bool:
    """The proposer had `PROPOSAL_RATING_GRACE_DAYS` to rate a reply; then staff may close
    without the rating."""
    if replied_on is None:
        return False
    days = settings.PROPOSAL_RATING_GRACE_DAYS
    return (today or timezone.localdate()) >= replied_on + datetime.timedelta(days=days)
