"""The three rules of the article as data: meetings with attendance and the 列席 rotation
(《委员分批次列席政协常委会会议制度》), standing members' duty reports (《常务委员述职办法》),
and the points-based evaluation (《委员履职综合评价办法》): configurable rules, a ledger
derived from the other apps' records, and a yearly evaluation per member. Plus the staff's
study sessions (每周一讲 / 人人讲业务)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.consultation.models import Session
from apps.core.dates import WorkDateValidator, WorkYearValidator, year_range_constraint
from apps.core.models import Audited
from apps.core.numbers import SORT_ORDER_MAX, TERM_MAX, AtMost, at_most_constraint
from apps.core.uploads import LEGACY_DOCUMENT_FORMATS, DocumentFileValidator, RandomFileName
from apps.members.models import Member

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .lines import ScoreLine
from .managers import (
    AttendanceBatchQuerySet,
    AttendanceQuerySet,
    DutyReportQuerySet,
    EvaluationQuerySet,
    LeaveRequestQuerySet,
    MeetingQuerySet,
    PointEntryQuerySet,
    PointRuleQuerySet,
    StudySessionQuerySet,
)
from .office_models import OfficeRule as OfficeRule
from .office_models import OfficeScore as OfficeScore
from .office_models import OfficeScoreLine as OfficeScoreLine


def _current_term() -> int:
    return settings.CURRENT_TERM


class Category(models.TextChoices):
    """Point categories of the evaluation (one column each in the year table)."""

    MEETING = "meeting", _("Meetings (会议)")
    ACTIVITY = "activity", _("Activities (活动)")
    RESEARCH = "research", _("Research (调研)")
    SUGGESTION = "suggestion", _("Suggestions (建言)")
    CONTACT = "contact", _("Contact (联系)")
    STUDY = "study", _("Study (学习)")
    OTHER = "other", _("Other (其他)")


class Meeting(models.Model):
    """A meeting of the committee: plenary, standing committee, chairs' meeting, …"""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary session (全体会议)")
        STANDING = "standing", _("Standing committee meeting (常委会议)")
        CHAIRS = "chairs", _("Chairs' meeting (主席会议)")
        THEMATIC = "thematic", _("Thematic consultation meeting (专题协商会)")
        OTHER = "other", _("Other meeting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    term = models.PositiveSmallIntegerField(
        _("term"), default=_current_term, validators=[AtMost(TERM_MAX)]
    )
    number = models.CharField(
        _("number"), max_length=50, blank=True, help_text=_("For example 第五次会议.")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), validators=[WorkDateValidator()])
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Late arrival counts from it.")
    )
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    signin_closed_at = models.DateTimeField(
        _("sign-in closed at"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["-date", "-id"], name="meeting_date_idx")]
        constraints = [
            at_most_constraint("meeting", "term", TERM_MAX),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("performance:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    """One member at one meeting: taking part (出席, members of the body) or invited
    as a non-voting attendee (列席), and what happened."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Attending (出席)")
        OBSERVER = "observer", _("Invited attendee (列席)")

    class Status(models.TextChoices):
        PRESENT = "present", _("Present (出席)")
        LEAVE = "leave", _("On leave (请假)")
        ABSENT = "absent", _("Absent (缺席)")
        LATE = "late", _("Late or left early (迟到早退)")

    class Method(models.TextChoices):
        SHEET = "sheet", _("Marked on the sheet")
        QR = "qr", _("Signed in by QR code")
        LEAVE = "leave", _("Approved leave request")
        CLOSING = "closing", _("Absent at closing")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendances"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    leave_approved = models.BooleanField(
        _("leave approved"), default=False, help_text=_("Only for leave: approved in advance.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    method = models.CharField(
        _("recorded by"), max_length=10, choices=Method.choices, default=Method.SHEET
    )
    signed_in_at = models.DateTimeField(
        _("signed in at"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    history = HistoricalRecords()
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "role", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member"),
            models.CheckConstraint(
                condition=Q(leave_approved=False) | Q(status="leave"),
                name="attendance_approval_only_for_leave",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("performance:meeting_detail", args=[self.meeting_id]) + (
            f"#attendance-{self.pk}"
        )

    @property
    def attended(self) -> bool:
        return self.status in (self.Status.PRESENT, self.Status.LATE)


class AttendanceBatch(models.Model):
    """One batch of the 列席 rotation: the non-standing members invited to one
    standing-committee meeting."""

    term = models.PositiveSmallIntegerField(
        _("term"), default=_current_term, validators=[AtMost(TERM_MAX)]
    )
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="batch",
        limit_choices_to={"kind": Meeting.Kind.STANDING},
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("invited members"), related_name="attendance_batches", blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    planned_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[members])
    objects = AttendanceBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance batch")
        verbose_name_plural = _("attendance batches")
        ordering = ["term", "meeting__date"]
        indexes = [models.Index(fields=["term"], name="batch_term_idx")]
        constraints = [at_most_constraint("attendancebatch", "term", TERM_MAX)]

    def __str__(self) -> str:
        return str(self.meeting)

    def get_absolute_url(self) -> str:
        return reverse("performance:batch_detail", args=[self.pk])


class DutyReport(models.Model):
    """A standing member's yearly duty report (常委述职) and its review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not submitted")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied (满意)")
        FAIRLY = "fairly", _("Fairly satisfied (基本满意)")
        UNSATISFIED = "unsatisfied", _("Not satisfied (不满意)")

    member = models.ForeignKey(
        Member,
        verbose_name=_("standing member"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[WorkYearValidator()])
    text = models.TextField(_("report text"), blank=True)
    attachment = models.FileField(
        _("attachment"),
        upload_to=RandomFileName("performance/duty_reports"),
        blank=True,
        validators=[DocumentFileValidator(LEGACY_DOCUMENT_FORMATS)],
    )
    submitted_on = models.DateField(
        _("submitted on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    review_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("reviewed at meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_reports",
    )
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )

    history = HistoricalRecords()
    objects = DutyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        ordering = ["-year", "member"]
        indexes = [models.Index(fields=["-year", "member"], name="dutyreport_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dutyreport_one_per_year"),
            year_range_constraint("dutyreport"),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status="reviewed"),
                name="dutyreport_rating_only_when_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("performance:dutyreport_detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.REVIEWED)


class LeaveRequest(models.Model):
    """A member's request for leave from a meeting, asked before it starts; staff approve
    (the attendance becomes 请假 with method leave) or refuse. At most one request per
    member and meeting is open or approved."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, validators=[WorkDateValidator()]
    )

    history = HistoricalRecords()
    objects = LeaveRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "meeting"],
                condition=Q(state__in=["requested", "approved"]),
                name="leaverequest_one_open_per_member",
                violation_error_message=_("You have already asked for leave from this meeting."),
            ),
            models.CheckConstraint(
                condition=Q(state="requested") | Q(decided_at__isnull=False),
                name="leaverequest_decision_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("performance:leave_list")


class SessionCheckIn(models.Model):
    """A member signed in at a consultation session by its QR code (a walk-in also joins
    the session's members)."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("consultation session"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="check_ins"
    )
    signed_in_at = models.DateTimeField(_("signed in at"), validators=[WorkDateValidator()])
    walk_in = models.BooleanField(_("walk-in"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session sign-in")
        verbose_name_plural = _("session sign-ins")
        ordering = ["session", "signed_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="checkin_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.session_id}"

    def get_absolute_url(self) -> str:
        return reverse("performance:session_signin", args=[self.session_id])


class StudySession(models.Model):
    """每周一讲 / 人人讲业务: a staff member speaks on a subject; staff (and members who
    join) attend."""

    class Kind(models.TextChoices):
        WEEKLY_LECTURE = "weekly", _("Weekly lecture (每周一讲)")
        BUSINESS_TALK = "business", _("Everyone talks business (人人讲业务)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"), validators=[WorkDateValidator()])
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        related_name="study_sessions_given",
    )
    subject = models.CharField(_("subject"), max_length=200)
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff attending"),
        related_name="study_sessions_attended",
        blank=True,
    )
    attendees = models.ManyToManyField(
        Member,
        verbose_name=_("members attending"),
        related_name="study_sessions",
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[staff_attendees, attendees])
    objects = StudySessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["-date", "-id"], name="study_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("performance:study_detail", args=[self.pk])


class PointRule(models.Model):
    """One line of the year's points table. The `code` is what the ledger's source
    collectors emit (`ledger.Code`); a fact whose code has no active rule this year earns
    nothing."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[WorkYearValidator()])
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    points = models.DecimalField(
        _("points"),
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
            "Most points a member can earn (or, for a deduction, lose) by this rule in a "
            "year; empty for no cap."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = PointRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["-year", "sort_order", "code"]
        indexes = [models.Index(fields=["-year", "sort_order", "code"], name="pointrule_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="pointrule_unique_code"),
            year_range_constraint("pointrule"),
            at_most_constraint("pointrule", "sort_order", SORT_ORDER_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class GradeThreshold(models.Model):
    """A grade of the year (优秀, 称职, …) and the least total that earns it. A total
    below every threshold gets the lowest grade."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[WorkYearValidator()])
    label = models.CharField(_("grade"), max_length=20)
    min_total = models.DecimalField(_("minimum total"), max_digits=7, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")
        ordering = ["-year", "-min_total"]
        indexes = [models.Index(fields=["-year", "-min_total"], name="grade_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "label"], name="grade_unique_label"),
            models.UniqueConstraint(fields=["year", "min_total"], name="grade_unique_min"),
            year_range_constraint("gradethreshold"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label} ≥ {self.min_total}"


class PointEntry(ScoreLine):
    """A line of the ledger. Derived lines point at their source record and are written
    only by `services.ledger_derive`; staff adjustments have no source, a reason, and
    who made them when."""

    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="point_entries"
    )
    rule = models.ForeignKey(
        PointRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)

    history = HistoricalRecords()
    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        ordering = ["year", "member", "date", "pk"]
        indexes = [
            models.Index(fields=["year", "member", "date"], name="pointentry_ledger_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member", "rule", "source_type", "source_id"],
                condition=Q(source_type__isnull=False),
                name="pointentry_one_per_fact",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source_type__isnull=False, source_id__isnull=False, rule__isnull=False)
                    | (Q(source_type__isnull=True, source_id__isnull=True) & ~Q(reason=""))
                ),
                name="pointentry_source_or_reason",
            ),
        ]
        permissions = [("adjust_points", _("Can adjust a member's points by hand"))]

    def __str__(self) -> str:
        return f"{self.member} {self.date:%Y-%m-%d} {self.points:+}"

    @property
    def is_adjustment(self) -> bool:
        return self.source_type_id is None


class Evaluation(Audited):
    """A member's evaluation of a year, recomputed by `services.ledger_derive` from the
    ledger: total, points by category, grade by the year's thresholds, rank."""

    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="evaluations"
    )
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1, default=0)
    points_meeting = models.DecimalField(
        Category.MEETING.label, max_digits=7, decimal_places=1, default=0
    )
    points_activity = models.DecimalField(
        Category.ACTIVITY.label, max_digits=7, decimal_places=1, default=0
    )
    points_research = models.DecimalField(
        Category.RESEARCH.label, max_digits=7, decimal_places=1, default=0
    )
    points_suggestion = models.DecimalField(
        Category.SUGGESTION.label, max_digits=7, decimal_places=1, default=0
    )
    points_contact = models.DecimalField(
        Category.CONTACT.label, max_digits=7, decimal_places=1, default=0
    )
    points_study = models.DecimalField(
        Category.STUDY.label, max_digits=7, decimal_places=1, default=0
    )
    points_other = models.DecimalField(
        Category.OTHER.label, max_digits=7, decimal_places=1, default=0
    )
    grade = models.ForeignKey(
        GradeThreshold,
        verbose_name=_("grade"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    rank = models.PositiveIntegerField(_("rank"), default=0)
    created_by = None
    created_at = None  # type: ignore[assignment]

    # Ranks move for everyone when one total changes: history keeps the totals and grade.
    history = HistoricalRecords(excluded_fields=["rank", "updated_at"])
    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["year", "rank", "member"]
        indexes = [models.Index(fields=["year", "rank"], name="evaluation_rank_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "member"], name="evaluation_one_per_year"),
        ]
        permissions = [
            ("derive_ledger", _("Can re-derive the points ledger")),
            ("view_own_evaluation", _("Can see one's own points and evaluation")),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("performance:ledger", args=[self.year, self.member_id])

    def category_points(self) -> list[tuple[str, "StrOrPromise", object]]:
        """(category value, label, points) in the categories' order."""
        return [
            (value, label, getattr(self, f"points_{value}")) for value, label in Category.choices
        ]
