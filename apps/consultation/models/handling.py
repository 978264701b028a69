"""The handling chain (办理): what the committee sends to the county's departments and how
each answers. One chain for every kind of subject — today a suggestion; proposals and
social-condition reports join by one field each (see `Referral.SUBJECT_FIELDS`).

    instruction (批示, optional) → referral to a lead department (+ co-handling ones, a due
    date) → the lead department's reply (text, class A/B/C, date, letter) with the
    co-handling departments' opinions → closed with the proposers' satisfaction → if they
    are not satisfied, reopened once for one more round (the closed round is kept).

Who may make each step, and the steps themselves, are in `apps/consultation/handling.py`."""

from __future__ import annotations

import datetime
import operator
from functools import reduce
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
from apps.core.uploads import RandomFileName

from ..managers import DepartmentQuerySet, ReferralOpinionQuerySet, ReferralQuerySet
from .opinions import OpinionItem
from .proposals import Proposal
from .research import Instruction, download_name
from .suggestions import Suggestion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


class DepartmentAccount(models.Model):
    """A user of the `department` role (承办单位) acting for one department: a user is
    linked to at most one department (the one-to-one key); a department may have several
    users."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="department_account",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        related_name="accounts",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department account")
        verbose_name_plural = _("department accounts")

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


def exactly_one_set(fields: tuple[str, ...]) -> Q:
    """A condition: exactly one of the nullable foreign keys `fields` is set."""
    return reduce(
        operator.or_,
        (
            Q(**{f"{name}__isnull": False}, **{f"{o}__isnull": True for o in fields if o != name})
            for name in fields
        ),
    )


# The kinds of subject a referral may concern, one nullable foreign key of `Referral`
# each; exactly one is set. A new kind: its field on `Referral` and its name here.
SUBJECT_FIELDS: tuple[str, ...] = ("suggestion", "proposal", "opinion")
# Rounds of handling: the first, and one more when the proposers are not satisfied.
MAX_ROUNDS = 2


def _one_open_per_department(name: str) -> models.UniqueConstraint:
    """One open referral per subject and department (the suggestion's keeps its name)."""
    if name == "suggestion":
        return models.UniqueConstraint(
            fields=["suggestion", "department"],
            condition=Q(closed_on__isnull=True),
            name="referral_one_open_per_department",
            violation_error_message=_(
                "This suggestion is already with that department and not closed yet."
            ),
        )
    return models.UniqueConstraint(
        fields=[name, "department"],
        condition=Q(closed_on__isnull=True),
        name=f"referral_{name}_one_open_per_department",
        violation_error_message=_(
            "This subject is already with that department and not closed yet."
        ),
    )


class Referral(Audited):
    """批转/交办: a subject (a suggestion today) sent to a lead department (with co-handling
    ones), usually on a leader's instruction, with a due date. The lead department records
    its reply (text, date, class A/B/C, the reply letter) — or staff do on its behalf
    (`reply_on_behalf`, shown as 代录) — the co-handling departments add their opinions
    (`ReferralOpinion`), and staff close it with the proposers' satisfaction. Not
    satisfied: staff reopen it once for another round (`ReferralRound` keeps the closed
    one; `round_number` counts).

        referred ──reply──▶ replied ──close──▶ closed ──reopen (not satisfied)──▶ referred

    Overdue: past the due date without a reply (`ReferralQuerySet.overdue`, `due_soon`).

    A new kind of subject: add its nullable foreign key below (`related_name="referrals"`,
    PROTECT) and its name to the module's `SUBJECT_FIELDS`; the "exactly one subject"
    check, the "one open referral per subject and department" rule and `subject` follow,
    then `makemigrations`. The subject's model names its page in `DETAIL_URL_NAME`."""

    SUBJECT_FIELDS = SUBJECT_FIELDS
    MAX_ROUNDS = MAX_ROUNDS

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
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    opinion = models.ForeignKey(
        OpinionItem,
        verbose_name=_("public opinion item"),
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
    round_number = models.PositiveSmallIntegerField(_("round of handling"), default=1)
    reply_text = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(
        _("replied on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    implementation = models.CharField(
        _("implementation"), max_length=1, choices=Implementation.choices, blank=True
    )
    reply_letter = models.FileField(
        _("reply letter"), upload_to=RandomFileName("replies"), max_length=200, blank=True
    )
    reply_letter_name = models.CharField(_("file name"), max_length=200, blank=True)
    reply_letter_size = models.PositiveIntegerField(_("file size"), default=0)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_on_behalf = models.BooleanField(
        _("reply recorded on the department's behalf"), default=False
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
                condition=exactly_one_set(SUBJECT_FIELDS),
                name="referral_exactly_one_subject",
                violation_error_message=_("A referral concerns exactly one subject."),
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
                condition=Q(reply_letter="") | Q(replied_on__isnull=False),
                name="referral_letter_with_reply",
                violation_error_message=_("A reply letter comes with a reply."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, satisfaction="")
                | Q(closed_on__gte=F("replied_on"), replied_on__isnull=False) & ~Q(satisfaction=""),
                name="referral_closed_after_reply",
                violation_error_message=_(
                    "Close a referral after its reply, with the proposers' satisfaction."
                ),
            ),
            models.CheckConstraint(
                condition=Q(round_number__gte=1, round_number__lte=MAX_ROUNDS),
                name="referral_round_in_range",
                violation_error_message=_("A referral is handled at most twice."),
            ),
            *(_one_open_per_department(name) for name in SUBJECT_FIELDS),
        ]
        permissions = [
            ("reply_referral", _("Can record a department's reply")),
            ("close_referral", _("Can close a referral")),
            ("reopen_referral", _("Can reopen a referral for another round")),
            ("handle_referral", _("Can handle the referrals sent to their department")),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.subject}"

    @classmethod
    def subject_model(cls, name: str) -> type[models.Model]:
        """The model of the subject field `name`."""
        field = cls._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        return field.related_model

    @classmethod
    def subject_field_for(cls, subject: models.Model) -> str:
        """The foreign key that holds a subject of `subject`'s model."""
        for name in cls.SUBJECT_FIELDS:
            if isinstance(subject, cls.subject_model(name)):
                return name
        raise TypeError(f"{type(subject).__name__} is not a kind of referral subject.")

    @property
    def subject_field(self) -> str:
        """The name of the subject's foreign key ("suggestion", …)."""
        for name in self.SUBJECT_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return name
        return self.SUBJECT_FIELDS[0]

    @property
    def subject(self) -> models.Model | None:
        """What is referred: the suggestion (or, later, the proposal …)."""
        return getattr(self, self.subject_field)

    @property
    def subject_kind(self) -> StrOrPromise:
        """The subject's kind as a label ("suggestion", …)."""
        return self.subject_model(self.subject_field)._meta.verbose_name or self.subject_field

    @property
    def subject_summary(self) -> str:
        """The subject in a line of text for lists and forms: its `text` (a suggestion's),
        else its `str()` (a proposal's title, …)."""
        subject = self.subject
        return str(getattr(subject, "text", "") or subject or "")

    @property
    def subject_template(self) -> str:
        """The template that shows the subject on the department's pages (one per kind:
        `consultation/handling/subject_<field>.html`, given `subject`)."""
        return f"consultation/handling/subject_{self.subject_field}.html"

    def get_absolute_url(self) -> str:
        """The referral on its subject's page (staff, leaders, office heads, proposers)."""
        name = self.subject_field
        url_name = getattr(self.subject_model(name), "DETAIL_URL_NAME")  # noqa: B009
        url = reverse(url_name, args=[getattr(self, f"{name}_id")])
        return f"{url}#referral-{self.pk}"

    def get_handling_url(self) -> str:
        """The referral on the department's pages."""
        return reverse("consultation:handling_detail", args=[self.pk])

    def get_letter_url(self) -> str:
        return reverse("consultation:referral_letter", args=[self.pk])

    def letter_download_name(self) -> str:
        return download_name(self.reply_letter.name or "", self.reply_letter_name)

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


class ReferralOpinion(Audited):
    """会办意见: a co-handling department's opinion on one round of a referral, given by
    the department or recorded by staff on its behalf; one per department and round, and
    corrected until the referral is closed."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="opinions"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("co-handling department"),
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    round_number = models.PositiveSmallIntegerField(_("round of handling"), default=1)
    text = models.TextField(_("opinion"))
    given_on = models.DateField(_("given on"), validators=[WorkDateValidator()])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("recorded on the department's behalf"), default=False)

    created_by = None

    history = HistoricalRecords()
    objects = ReferralOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-handling opinion")
        verbose_name_plural = _("co-handling opinions")
        ordering = ["given_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "department", "round_number"],
                name="referralopinion_one_per_department_and_round",
                violation_error_message=_("This department has given its opinion already."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="referralopinion_has_text",
                violation_error_message=_("Write the opinion."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.given_on:%Y-%m-%d}"


class ReferralRound(Audited):
    """A closed round of a referral, kept when staff reopen it because the proposers were
    not satisfied: the reply, the letter (the stored file is shared, not copied), the
    closing, and who reopened it, when and why."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round of handling"))
    due_on = models.DateField(_("reply due by"), validators=[WorkDateValidator()])
    reply_text = models.TextField(_("reply"))
    replied_on = models.DateField(_("replied on"), validators=[WorkDateValidator()])
    implementation = models.CharField(
        _("implementation"), max_length=1, choices=Referral.Implementation.choices
    )
    reply_letter = models.FileField(
        _("reply letter"), upload_to=RandomFileName("replies"), max_length=200, blank=True
    )
    reply_letter_name = models.CharField(_("file name"), max_length=200, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_on_behalf = models.BooleanField(
        _("reply recorded on the department's behalf"), default=False
    )
    satisfaction = models.CharField(
        _("proposers' satisfaction"), max_length=12, choices=Referral.Satisfaction.choices
    )
    closed_on = models.DateField(_("closed on"), validators=[WorkDateValidator()])
    reopened_on = models.DateField(_("reopened on"), validators=[WorkDateValidator()])
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("why it is handled again"))

    created_by = None
    updated_at = None  # type: ignore[assignment]

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed round of handling")
        verbose_name_plural = _("closed rounds of handling")
        ordering = ["referral", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "number"], name="referralround_one_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} · {self.number}"

    def letter_download_name(self) -> str:
        return download_name(self.reply_letter.name or "", self.reply_letter_name)
