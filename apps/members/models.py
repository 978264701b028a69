from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mobile number starting with 1, e.g. 13812345678.")
)


class Sector(models.Model):
    """界别: the group a member sits in (中共, 民革, …, 特邀人士)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="sector_order_idx")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A CPPCC member (委员) of one term (届). Archived, never deleted, once they have records."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Affiliation(models.TextChoices):
        CPC = "cpc", _("CPC member (中共党员)")
        DEMOCRATIC_PARTY = "democratic", _("Democratic party (民主党派)")
        NON_PARTY = "non_party", _("No party affiliation (无党派人士)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    term = models.PositiveSmallIntegerField(_("term"), help_text=_("The committee's term (届)."))
    member_no = models.CharField(
        _("member number"),
        max_length=20,
        help_text=_("Unique within a term; the key that imports match on."),
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(
        _("pinyin"), max_length=200, blank=True, help_text=_("Full pinyin, editable by staff.")
    )
    name_initials = models.CharField(_("pinyin initials"), max_length=20, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="members"
    )
    affiliation = models.CharField(
        _("political affiliation"), max_length=20, choices=Affiliation.choices
    )
    is_standing = models.BooleanField(_("standing committee member"), default=False)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[mobile_validator]
    )
    photo = models.ImageField(_("photo"), upload_to="members/photos/", blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "name"]
        indexes = [
            models.Index(fields=["name_pinyin", "name"], name="member_pinyin_idx"),
            models.Index(fields=["term", "status"], name="member_term_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["term", "member_no"], name="member_unique_no_per_term"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def is_cpc(self) -> bool:
        return self.affiliation == self.Affiliation.CPC


class SectorLink(models.Model):
    """党组成员联系界别: a party-group member links a sector."""

    party_member = models.ForeignKey(
        Member,
        verbose_name=_("party-group member"),
        on_delete=models.PROTECT,
        related_name="sector_links",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="links"
    )
    term = models.PositiveSmallIntegerField(_("term"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector link")
        verbose_name_plural = _("sector links")
        ordering = ["term", "party_member", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_member", "sector", "term"], name="sectorlink_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_member} → {self.sector}"


class Pairing(models.Model):
    """结对联系: a CPC member pairs with a non-CPC member. A non-CPC member has at most one
    active pairing per term (a partial unique constraint); ending keeps the history."""

    cpc_member = models.ForeignKey(
        Member, verbose_name=_("CPC member"), on_delete=models.PROTECT, related_name="pairings_led"
    )
    partner = models.ForeignKey(
        Member, verbose_name=_("non-CPC member"), on_delete=models.PROTECT, related_name="pairings"
    )
    term = models.PositiveSmallIntegerField(_("term"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["term", "cpc_member", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "term"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_active_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pairing_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(cpc_member=F("partner")), name="pairing_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.cpc_member} — {self.partner}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class ContactRecord(models.Model):
    """A contact between the two members of a pairing."""

    class Way(models.TextChoices):
        VISIT = "visit", _("Visit (走访)")
        PHONE = "phone", _("Phone (电话)")
        MEETING = "meeting", _("Talk (座谈)")
        WECHAT = "wechat", _("WeChat (微信)")
        OTHER = "other", _("Other (其他)")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="contacts"
    )
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    content = models.TextField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pairing", "-date"], name="contact_pairing_date_idx")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.date:%Y-%m-%d}"
