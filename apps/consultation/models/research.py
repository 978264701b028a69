"""The research work on a topic: `ResearchProject`, its `Report` with every saved
`ReportVersion`, and the leaders' `Instruction` on a report."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Unit
from apps.core.dates import WorkDateValidator
from apps.core.models import Audited
from apps.core.uploads import RandomFileName
from apps.members.models import Member

from ..managers import (
    InstructionQuerySet,
    ReportQuerySet,
    ReportVersionQuerySet,
    ResearchProjectQuerySet,
)
from .sessions import Session, Topic


class ResearchProject(Audited):
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
    planned_start = models.DateField(_("planned start"), validators=[WorkDateValidator()])
    planned_end = models.DateField(_("planned end"), validators=[WorkDateValidator()])
    actual_start = models.DateField(
        _("actual start"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    actual_end = models.DateField(
        _("actual end"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    visits = models.ManyToManyField(
        Session, verbose_name=_("field visits"), blank=True, related_name="research_projects"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    description = models.TextField(_("plan and scope"), blank=True)

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


class Report(Audited):
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
    submitted_on = models.DateField(_("date of the report"), validators=[WorkDateValidator()])
    body = models.TextField(_("text of the report"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=RandomFileName("reports"), max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)

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


class ReportVersion(Audited):
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

    updated_at = None  # type: ignore[assignment]
    audit_labels = {"created_by": _("saved by"), "created_at": _("saved at")}

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


class Instruction(Audited):
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
    instructed_on = models.DateField(_("date of the instruction"), validators=[WorkDateValidator()])
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

    created_by = None
    updated_at = None  # type: ignore[assignment]

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
