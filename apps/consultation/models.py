from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Unit
from apps.core.uploads import RandomFileName
from apps.members.models import Member
from apps.venues.models import Venue

from .managers import (
    DepartmentQuerySet,
    InstructionQuerySet,
    ReferralQuerySet,
    ReportQuerySet,
    ReportVersionQuerySet,
    ResearchProjectQuerySet,
    SessionPhotoQuerySet,
    SessionQuerySet,
    SuggestionQuerySet,
    TopicQuerySet,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Topic(models.Model):
    """议题: what sessions and research projects consult on, county central work or a
    livelihood concern. collecting (征集) → confirmed (确定) → under consultation (协商中) →
    completed (已完成); sessions may be logged on any topic not completed."""

    class Category(models.TextChoices):
        CENTRAL_WORK = "central", _("County central work (中心工作)")
        LIVELIHOOD = "livelihood", _("Urgent public concern (急难愁盼)")
        OTHER = "other", _("Other (其他)")

    class Source(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("Set by the county Party committee and government")
        MEMBERS = "members", _("Proposed by members")
        PUBLIC = "public", _("Raised by the public through a liaison office")
        COMMITTEE = "committee", _("Chosen by the CPPCC committee")
        OTHER = "other", _("Other source")

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting")
        CONFIRMED = "confirmed", _("Confirmed")
        CONSULTING = "consulting", _("Under consultation")
        DONE = "done", _("Completed")

    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    source = models.CharField(
        _("source of the topic"), max_length=20, choices=Source.choices, default=Source.OTHER
    )
    source_note = models.CharField(
        _("source details"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the liaison office or the leader who raised it."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.COLLECTING
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["-year", "title"], name="topic_year_title_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"],
                name="topic_unique_title_per_year",
                violation_error_message=_("A topic with this title exists in that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="topic_year_range",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("consultation:topic_detail", args=[self.pk])


class Session(models.Model):
    """协商活动: a consultation session held at a venue, logged by the venue's office head.

    draft → submitted → published, or submitted → returned (with a reason) → submitted.
    Office heads edit only drafts and returned sessions of the venues they manage; staff
    change anything, and every change is in the history."""

    class Form(models.TextChoices):
        ON_SITE = "on_site", _("On-site consultation (实地共商)")
        SYMPOSIUM = "symposium", _("Consultation symposium (协商座谈会)")
        SPECIAL = "special", _("Special consultation (专题协商)")
        SECTOR = "sector", _("Sector consultation (界别协商)")
        COUNTERPART = "counterpart", _("Counterpart consultation (对口协商)")
        PROPOSAL = "proposal", _("Proposal-handling consultation (提案办理协商)")
        OTHER = "other", _("Other (其他)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned")

    # States an office head may still edit.
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    # States that count as a session held (figures, a venue's last session).
    HELD_STATES = (State.SUBMITTED, State.PUBLISHED)

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="sessions"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="sessions"
    )
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    started_at = models.DateTimeField(_("start time"))
    place = models.CharField(_("place"), max_length=200)
    members = models.ManyToManyField(
        Member, verbose_name=_("participating members"), blank=True, related_name="sessions"
    )
    departments = models.CharField(
        _("invited departments"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 县卫健委、县医保局."),
    )
    other_attendee_count = models.PositiveSmallIntegerField(
        _("number of other attendees"), default=0
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("Who else took part: residents, village cadres, experts…"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[members])
    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="session_start_idx"),
            models.Index(fields=["venue", "-started_at"], name="session_venue_start_idx"),
            models.Index(fields=["state", "-started_at"], name="session_state_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="session_returned_has_reason",
                violation_error_message=_("A returned session needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="session_published_has_date",
                violation_error_message=_("Publish a session with the Publish button of its page."),
            ),
        ]
        permissions = [
            ("review_session", _("Can publish or return submitted sessions")),
            ("export_session", _("Can export sessions to a spreadsheet")),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} {self.venue} · {self.topic.title}"

    def get_absolute_url(self) -> str:
        return reverse("consultation:detail", args=[self.pk])

    @property
    def is_editable_state(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def held_on(self) -> datetime.date:
        """The local date of the session (`started_at` may still be a string just typed)."""
        field = cast(models.DateTimeField, self._meta.get_field("started_at"))
        started = field.to_python(self.started_at)
        return timezone.localtime(started).date()


class SessionPhoto(models.Model):
    """A photo of a session: normalized on upload (`apps.core.uploads`), stored under a
    random name and served only through the checked view `consultation:photo`."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("consultation session"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(
        _("image"), upload_to=RandomFileName("sessions/photos"), max_length=200
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=RandomFileName("sessions/thumbs"), max_length=200
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = SessionPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")
        ordering = ["session_id", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id}-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("consultation:photo", args=[self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("consultation:photo_thumbnail", args=[self.pk])


class ResearchProject(models.Model):
    """专题协商调研: a research project on a topic, led by a unit (a special committee),
    carried out by a team of members with field visits (sessions), ending in a report."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RESEARCHING = "researching", _("Researching")
        REPORTING = "reporting", _("Writing the report")
        DONE = "done", _("Completed")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="research_projects",
    )
    team_leader = models.ForeignKey(
        Member,
        verbose_name=_("team leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="research_projects_led",
    )
    team = models.ManyToManyField(
        Member, verbose_name=_("research team"), blank=True, related_name="research_projects"
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    visits = models.ManyToManyField(
        Session, verbose_name=_("field visits"), blank=True, related_name="research_projects"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    description = models.TextField(_("plan and scope"), blank=True)
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

    history = HistoricalRecords(m2m_fields=[team, visits])
    objects = ResearchProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering = ["-planned_start", "-id"]
        indexes = [models.Index(fields=["-planned_start", "-id"], name="project_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "title"],
                name="project_unique_title_per_topic",
                violation_error_message=_("This topic already has a project with this title."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="project_planned_dates_in_order",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="project_actual_dates_in_order",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False),
                name="project_actual_end_needs_start",
                violation_error_message=_("Enter the actual start before the actual end."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end cannot be before the planned start.")
        if self.actual_end and not self.actual_start:
            errors["actual_start"] = _("Enter the actual start before the actual end.")
        elif self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end cannot be before the actual start.")
        if errors:
            raise ValidationError(errors)


class Report(models.Model):
    """调研报告 of a project: a text, an attachment (PDF or DOCX, checked on upload), or
    both. Every save through `services.report_save` keeps the previous state as a
    `ReportVersion`; `version` is the number of the current one."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("research project"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=200)
    submitted_on = models.DateField(_("date of the report"))
    body = models.TextField(_("text of the report"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=RandomFileName("reports"), max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
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

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["-submitted_on", "-id"], name="report_date_idx"),
            models.Index(fields=["project", "submitted_on"], name="report_project_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(attachment=""),
                name="report_has_body_or_attachment",
                violation_error_message=_("Write the text of the report or attach its file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation:report_detail", args=[self.pk])

    def get_attachment_url(self) -> str:
        return reverse("consultation:report_file", args=[self.pk])

    def attachment_download_name(self) -> str:
        return download_name(self.attachment.name or "", self.attachment_name)


def download_name(stored_name: str, uploaded_name: str) -> str:
    """The name an attachment is downloaded under: the stem of the name it was uploaded
    with and the extension of the stored file, i.e. of the format detected from its
    content (an upload named "ok.txt" holding a PDF downloads as "ok.pdf")."""
    extension = PurePosixPath(stored_name).suffix.lower()
    if not uploaded_name:
        return PurePosixPath(stored_name).name
    stem = PurePosixPath(uploaded_name).stem or "document"
    return f"{stem}{extension}" if extension else uploaded_name


class ReportVersion(models.Model):
    """One saved state of a report, kept when the report changes (never edited)."""

    report = models.ForeignKey(
        Report, verbose_name=_("research report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the report"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=RandomFileName("reports"), max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size"), default=0)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"

    def get_attachment_url(self) -> str:
        return reverse("consultation:report_version_file", args=[self.pk])

    def attachment_download_name(self) -> str:
        return download_name(self.attachment.name or "", self.attachment_name)


class Instruction(models.Model):
    """领导批示 on a report: written by a leader, or entered by staff on a leader's behalf
    (`on_behalf`)."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("research report"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    leader_name = models.CharField(_("leader"), max_length=50)
    leader_title = models.CharField(_("leader's position"), max_length=100)
    instructed_on = models.DateField(_("date of the instruction"))
    text = models.TextField(_("instruction"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("entered on the leader's behalf"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = InstructionQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["instructed_on", "id"]
        indexes = [models.Index(fields=["report", "instructed_on"], name="instruction_report_idx")]

    def __str__(self) -> str:
        return f"{self.leader_title}{self.leader_name} {self.instructed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{self.report.get_absolute_url()}#instruction-{self.pk}"


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


class Suggestion(models.Model):
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
    text = models.TextField(_("suggestion"))
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("proposed by"), blank=True, related_name="suggestions"
    )
    raised_on = models.DateField(_("raised on"), db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    outcome_on = models.DateField(_("outcome decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
                condition=Q(session__isnull=False, report__isnull=True)
                | Q(session__isnull=True, report__isnull=False),
                name="suggestion_exactly_one_source",
                violation_error_message=_(
                    "A suggestion comes either from a report or from a session."
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
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling department")
        verbose_name_plural = _("handling departments")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="department_order_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consultation:department_detail", args=[self.pk])


class Referral(models.Model):
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
    referred_on = models.DateField(_("referred on"))
    due_on = models.DateField(_("reply due by"))
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
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
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
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
