"""社情民意 (public opinion information): what members and liaison offices report of what
people face, one matter per item (一事一报); the committee reviews each, compiles the
adopted ones into numbered bulletins (《襄城政协·社情民意》2021 年第 N 期) sent to the county's
leadership, and follows what comes next — leaders' instructions (批示), referrals to
departments through the one handling chain (`Referral.opinion`), adoption by higher
levels (采用 by 市政协/省政协/全国政协, their leaders' 批示).

    draft ──submit──▶ submitted ──adopt──▶ adopted ──compile──▶ in an issue (期)
      ▲                   ├──not adopt (reason)──▶ not adopted
      └──(edit, submit)── returned ◀──return (reason)

An item comes from one source: a member, or a liaison office (`venue`) reporting what
residents raised, entered by its office head. Staff may edit the text they send up; the
submitted text is kept beside it (`edited_title`, `edited_text`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.dates import WorkDateValidator
from apps.core.models import Audited
from apps.core.numbers import SORT_ORDER_MAX, AtMost, at_most_constraint
from apps.core.uploads import DocumentFileValidator, RandomFileName
from apps.members.models import Member
from apps.venues.models import Township, Venue

from ..opinion_managers import (
    OpinionInstructionQuerySet,
    OpinionIssueQuerySet,
    OpinionItemQuerySet,
    OpinionPhotoQuerySet,
)
from .research import download_name

ISSUE_NUMBER_MAX = 999


class OpinionCategory(models.Model):
    """类别 of an item (经济发展, 民生保障 …): a table staff maintain in the admin."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion category")
        verbose_name_plural = _("opinion categories")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="opinioncat_order_idx")]
        constraints = [at_most_constraint("opinioncategory", "sort_order", SORT_ORDER_MAX)]

    def __str__(self) -> str:
        return self.name


class OpinionIssue(Audited):
    """一期《襄城政协·社情民意》: numbered per year, compiled from adopted items, sent on a
    date to its recipients (县委, 县政府, 市政协 …)."""

    DETAIL_URL_NAME = "consultation:opinion_issue_detail"

    year = models.PositiveSmallIntegerField(_("year"), validators=[AtMost(2100)])
    number = models.PositiveSmallIntegerField(
        _("issue number"), validators=[AtMost(ISSUE_NUMBER_MAX)]
    )
    compiled_on = models.DateField(_("compiled on"), validators=[WorkDateValidator()])
    sent_on = models.DateField(
        _("sent on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    recipients = models.CharField(
        _("recipients"),
        max_length=200,
        blank=True,
        help_text=_("For example: 县委、县政府、市政协"),
    )
    editor_note = models.TextField(_("editor's note"), blank=True)

    history = HistoricalRecords()
    objects = OpinionIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion bulletin issue")
        verbose_name_plural = _("opinion bulletin issues")
        ordering = ["-year", "-number"]
        indexes = [models.Index(fields=["-year", "-number"], name="opinionissue_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="opinionissue_number_unique",
                violation_error_message=_("This issue number is taken in the year."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="opinionissue_number_positive"),
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(sent_on__gte=F("compiled_on")),
                name="opinionissue_sent_after_compiled",
                violation_error_message=_("An issue is sent after it is compiled."),
            ),
            at_most_constraint("opinionissue", "year", 2100),
            at_most_constraint("opinionissue", "number", ISSUE_NUMBER_MAX),
        ]
        permissions = [("compile_opinionissue", _("Can compile and send opinion bulletins"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(self.DETAIL_URL_NAME, args=[self.pk])

    @property
    def title(self) -> str:
        """《襄城政协·社情民意》2021 年第 3 期."""
        return _("Xiangcheng CPPCC Public Opinion, %(year)s, issue %(number)s") % {
            "year": self.year,
            "number": self.number,
        }


class OpinionItem(Audited):
    """一条社情民意信息 (一事一报), from a member or a liaison office; reviewed by staff,
    compiled into at most one issue (the foreign key `issue`: at most one by its nature;
    only an adopted item, by `opinionitem_issue_only_adopted`)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ADOPTED = "adopted", pgettext_lazy("public opinion", "Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        RETURNED = "returned", _("Returned for revision")

    DETAIL_URL_NAME = "consultation:opinion_detail"
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    REVIEWED_STATES = (State.ADOPTED, State.NOT_ADOPTED, State.RETURNED)

    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("the situation (基本情况)"))
    analysis = models.TextField(_("analysis of the problem (问题分析)"), blank=True)
    suggestion = models.TextField(_("suggestions (意见建议)"))
    category = models.ForeignKey(
        OpinionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_items",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("reported by member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_items",
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("reported by liaison office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_items",
        help_text=_("A liaison office reporting what residents raised (entered by its head)."),
    )
    attachment = models.FileField(
        _("attachment"),
        upload_to=RandomFileName("consultation/opinions"),
        max_length=200,
        blank=True,
        validators=[DocumentFileValidator()],
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    submitted_on = models.DateField(
        _("submitted on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    reviewed_on = models.DateField(
        _("reviewed on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why not adopted, or what to revise.")
    )
    edited_title = models.CharField(_("title as sent up"), max_length=200, blank=True)
    edited_text = models.TextField(
        _("text as sent up"),
        blank=True,
        help_text=_("The staff's edited text; empty: the submitted text is sent as is."),
    )
    issue = models.ForeignKey(
        OpinionIssue,
        verbose_name=_("bulletin issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    issue_order = models.PositiveSmallIntegerField(_("order in the issue"), default=0)

    history = HistoricalRecords()
    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("public opinion item")
        verbose_name_plural = _("public opinion items")
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["-submitted_on", "-id"], name="opinionitem_date_idx"),
            models.Index(fields=["member", "state"], name="opinionitem_member_idx"),
            models.Index(fields=["venue", "state"], name="opinionitem_venue_idx"),
            models.Index(fields=["issue", "issue_order"], name="opinionitem_issue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, venue__isnull=True)
                | Q(member__isnull=True, venue__isnull=False),
                name="opinionitem_one_source",
                violation_error_message=_(
                    "An item comes from one member or from one liaison office."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_on__isnull=False),
                name="opinionitem_submitted_on",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["adopted", "not_adopted", "returned"], reviewed_on__isnull=False
                )
                | Q(state__in=["draft", "submitted"], reviewed_on__isnull=True),
                name="opinionitem_reviewed_on",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["not_adopted", "returned"]) | ~Q(reason=""),
                name="opinionitem_reason",
                violation_error_message=_("Give the reason."),
            ),
            models.CheckConstraint(
                condition=Q(issue__isnull=True) | Q(state="adopted"),
                name="opinionitem_issue_only_adopted",
                violation_error_message=_("Only an adopted item is compiled into an issue."),
            ),
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=F("submitted_on")),
                name="opinionitem_reviewed_after_submitted",
            ),
        ]
        permissions = [
            ("add_own_opinionitem", _("Can report their own public opinion items")),
            ("review_opinionitem", _("Can review public opinion items")),
            ("export_opinionitem", _("Can export public opinion items")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(self.DETAIL_URL_NAME, args=[self.pk])

    def get_attachment_url(self) -> str:
        return reverse("consultation:opinion_file", args=[self.pk])

    def attachment_download_name(self) -> str:
        return download_name(self.attachment.name or "", self.attachment_name)

    @property
    def source_name(self) -> str:
        """The member's name, or the liaison office's."""
        if self.member_id is not None and self.member is not None:
            return self.member.name
        return str(self.venue or "")

    @property
    def sent_title(self) -> str:
        return self.edited_title or self.title

    @property
    def submitted_text(self) -> str:
        """The submitted parts joined, as they are sent up unless staff edit them."""
        parts = (self.situation, self.analysis, self.suggestion)
        return "\n\n".join(p.replace("\r\n", "\n").strip() for p in parts if p.strip())

    @property
    def sent_text(self) -> str:
        """The text sent up: the staff's edit, else the submitted text."""
        return self.edited_text or self.submitted_text

    @property
    def is_edited(self) -> bool:
        return bool(self.edited_title or self.edited_text)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class OpinionPhoto(models.Model):
    """A photo of an item (the scene residents raised): normalized on upload
    (`apps.core.uploads`), served only through `consultation:opinion_photo`."""

    item = models.ForeignKey(
        OpinionItem,
        verbose_name=_("public opinion item"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(
        _("image"), upload_to=RandomFileName("consultation/opinion_photos"), max_length=200
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=RandomFileName("consultation/opinion_thumbs"), max_length=200
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
    objects = OpinionPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion photo")
        verbose_name_plural = _("opinion photos")
        ordering = ["item_id", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("consultation:opinion_photo", args=[self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("consultation:opinion_photo_thumbnail", args=[self.pk])


class OpinionInstruction(Audited):
    """领导批示 on an item or on a whole issue, by a county leader — written by the leader
    or entered by staff on the leader's behalf (`on_behalf`). The sibling of the reports'
    `Instruction` (whose report is required), with the same fields."""

    item = models.ForeignKey(
        OpinionItem,
        verbose_name=_("public opinion item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
    )
    issue = models.ForeignKey(
        OpinionIssue,
        verbose_name=_("bulletin issue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
    )
    leader_name = models.CharField(_("leader"), max_length=50)
    leader_title = models.CharField(_("leader's position"), max_length=100, blank=True)
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
    objects = OpinionInstructionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instruction on public opinion")
        verbose_name_plural = _("instructions on public opinion")
        ordering = ["instructed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, issue__isnull=True)
                | Q(item__isnull=True, issue__isnull=False),
                name="opinioninstruction_one_subject",
                violation_error_message=_("An instruction is on one item or on one issue."),
            ),
            models.CheckConstraint(condition=~Q(text=""), name="opinioninstruction_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.leader_title}{self.leader_name} {self.instructed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        subject = self.item if self.item_id else self.issue
        assert subject is not None
        return f"{subject.get_absolute_url()}#instruction-{self.pk}"


class OpinionAdoption(Audited):
    """What a higher level did with an item: adopted (采用) by 市政协 / 省政协 / 全国政协
    in its own bulletin, or a leader's instruction (批示) at that level. One adoption per
    level; instructions as many as there are."""

    class Level(models.TextChoices):
        CITY = "city", _("City (市)")
        PROVINCE = "province", _("Province (省)")
        NATIONAL = "national", _("National (全国)")

    class Kind(models.TextChoices):
        ADOPTED = "adopted", _("Adopted (采用)")
        INSTRUCTION = "instruction", _("Leader's instruction (批示)")

    # Higher is heavier in the evaluation.
    LEVEL_RANK = {Level.CITY: 1, Level.PROVINCE: 2, Level.NATIONAL: 3}

    item = models.ForeignKey(
        OpinionItem,
        verbose_name=_("public opinion item"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ADOPTED)
    on = models.DateField(_("date"), validators=[WorkDateValidator()])
    body = models.CharField(
        _("by whom"),
        max_length=100,
        help_text=_("For example: 市政协《社情民意》2021 年第 8 期, or the leader and position."),
    )
    text = models.TextField(_("text of the instruction or note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("higher-level adoption")
        verbose_name_plural = _("higher-level adoptions")
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "level"],
                condition=Q(kind="adopted"),
                name="opinionadoption_one_per_level",
                violation_error_message=_("This level's adoption is recorded already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_kind_display()} · {self.item_id}"

    def get_absolute_url(self) -> str:
        return f"{reverse(OpinionItem.DETAIL_URL_NAME, args=[self.item_id])}#adoption-{self.pk}"
