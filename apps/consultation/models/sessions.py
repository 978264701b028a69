"""Consultation sessions and the topics they are held on: `Topic`, `Session`, `SessionPhoto`."""

from __future__ import annotations

import datetime
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator, WorkYearValidator, year_range_constraint
from apps.core.models import Audited
from apps.core.numbers import COUNT_MAX, AtMost, at_most_constraint
from apps.core.uploads import RandomFileName
from apps.members.models import Member
from apps.venues.models import Venue

from ..managers import SessionPhotoQuerySet, SessionQuerySet, TopicQuerySet


class Topic(Audited):
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
    year = models.PositiveSmallIntegerField(_("year"), validators=[WorkYearValidator()])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.COLLECTING
    )
    description = models.TextField(_("description"), blank=True)

    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

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
            year_range_constraint("topic"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("consultation:topic_detail", args=[self.pk])


class Session(Audited):
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
    started_at = models.DateTimeField(_("start time"), validators=[WorkDateValidator()])
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
        _("number of other attendees"), default=0, validators=[AtMost(COUNT_MAX)]
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
    submitted_at = models.DateTimeField(
        _("submitted at"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    audit_labels = {"created_by": _("logged by")}

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
            at_most_constraint("session", "other_attendee_count", COUNT_MAX),
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
