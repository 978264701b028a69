import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.dates import BirthDateValidator, WorkDateValidator
from apps.core.models import Audited
from apps.core.numbers import SORT_ORDER_MAX, TERM_MAX, AtMost, at_most_constraint

from .managers import ContactRecordQuerySet, MemberQuerySet, PairingQuerySet
from .pinyin import han_count, name_pinyin, normalize_pinyin, pinyin_initials

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mobile number starting with 1, e.g. 13812345678.")
)


def compact_name(value: str) -> str:
    """A name as stored: without spaces ("张 三" → "张三")."""
    return re.sub(r"\s+", "", value or "")


def member_photo_path(instance: "Member", filename: str) -> str:
    """A random file name: the stored path tells nothing about the member."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if suffix not in {"jpg", "jpeg", "png", "webp"}:
        suffix = "jpg"
    return f"members/photos/{uuid.uuid4().hex}.{suffix}"


class Sector(models.Model):
    """界别: the group a member sits in (中共, 民革, …, 特邀人士)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, validators=[AtMost(SORT_ORDER_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="sector_order_idx")]
        constraints = [at_most_constraint("sector", "sort_order", SORT_ORDER_MAX)]

    def __str__(self) -> str:
        return self.name


class RosterReader:
    """What `Member.clean()` reads of the rest of the roster: the same person entered
    twice, and the partners of a member's active pairings. This one asks the database
    (one query each, only when needed); the roster import gives each row a reader that
    read the whole file's members at once (`forms.ImportLookups`)."""

    def duplicate_of(self, member: "Member") -> "Member | None":
        """The same person in the same term: same name and the same mobile number or the
        same date of birth."""
        if not (member.term and member.name and (member.phone or member.birth_date)):
            return None
        match = Q()
        if member.phone:
            match |= Q(phone=member.phone)
        if member.birth_date:
            match |= Q(birth_date=member.birth_date)
        others = Member.objects.filter(match, term=member.term, name=member.name)
        if member.pk:
            others = others.exclude(pk=member.pk)
        return others.first()

    def partner_names(self, member: "Member") -> list[str]:
        """The names of the members `member` is in an active pairing with."""
        return Pairing.objects.active().partner_names([member.pk]).get(member.pk, [])


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

    term = models.PositiveSmallIntegerField(
        _("term"),
        help_text=_("The committee's term (届)."),
        validators=[MinValueValidator(1), AtMost(TERM_MAX)],
    )
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
    pinyin_locked = models.BooleanField(
        _("pinyin edited by staff"),
        default=False,
        help_text=_("When set, saving keeps the stored pinyin instead of recomputing it."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[BirthDateValidator()]
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="members"
    )
    affiliation = models.CharField(
        _("political affiliation"), max_length=20, choices=Affiliation.choices
    )
    is_standing = models.BooleanField(_("standing committee member"), default=False)
    is_party_group = models.BooleanField(
        _("party-group member"),
        default=False,
        help_text=_("A member of the committee's CPC party group (党组成员), who links sectors."),
    )
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[mobile_validator]
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("mailing address"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to=member_photo_path, blank=True)
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    left_on = models.DateField(
        _("left on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
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
    objects = MemberQuerySet.as_manager()

    # The fields a member may edit on their own profile.
    CONTACT_FIELDS = ("phone", "email", "address")
    # The stored values `clean()` compares with (set when loaded and after each save).
    TRACKED_FIELDS = ("name", "name_pinyin", "pinyin_locked", "affiliation")
    # Set on an instance to validate it against lookups read once (the roster import).
    roster: RosterReader = RosterReader()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "name"]
        indexes = [
            models.Index(fields=["name_pinyin", "name"], name="member_pinyin_idx"),
            models.Index(fields=["term", "status"], name="member_term_status_idx"),
            # Prefix search (LIKE 'zhang s%') on PostgreSQL; other databases ignore opclasses.
            models.Index(
                fields=["name_pinyin"],
                name="member_pinyin_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        permissions = [
            ("import_member", _("Can import the roster")),
            ("export_member", _("Can export the roster")),
            ("pick_member", _("Can search members to pick them in forms")),
            ("view_own_member", _("Can see their own member profile and pairings")),
            ("view_member_personal", _("Can reveal members' personal data")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "member_no"],
                name="member_unique_no_per_term",
                violation_error_message=_(
                    "Another member of this term already has this member number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="member_left_after_joined",
            ),
            at_most_constraint("member", "term", TERM_MAX),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Recompute the pinyin from the name unless staff edited it (`pinyin_locked`);
        the initials always follow the stored pinyin."""
        if self.pinyin_locked and self.name_pinyin:
            self.name_pinyin = normalize_pinyin(self.name_pinyin, self.name)
        else:
            self.pinyin_locked = False
            self.name_pinyin = name_pinyin(self.name)
        self.name_initials = pinyin_initials(self.name_pinyin)[:20]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)
        self._remember_stored()

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_stored()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._remember_stored()

    def _remember_stored(self) -> None:
        self._stored = {f: self.__dict__[f] for f in self.TRACKED_FIELDS if f in self.__dict__}

    def stored(self, field: str):
        """The value of a tracked field in the database (read once if not loaded with the
        instance); None for a new member."""
        if self.pk is None or self._state.adding:
            return None
        stored = getattr(self, "_stored", {})
        if field not in stored:
            stored[field] = Member.objects.filter(pk=self.pk).values_list(field, flat=True).first()
            self._stored = stored
        return stored[field]

    def clean(self):
        """The member rules, for every entry point that validates (staff form, roster
        import, admin, `full_clean()` in a shell): dates in order, the party group is CPC,
        the pinyin staff typed (kept, one syllable per character), no person twice in a
        term, and no change of side (CPC or not) while in an active pairing. Dates and
        number are repeated from the database constraints for a readable message."""
        errors = {}
        self.name = compact_name(self.name)
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = _("The date of leaving must not be before the date of joining.")
        if self.birth_date and self.joined_on and self.joined_on <= self.birth_date:
            errors["joined_on"] = _("The date of joining must be after the date of birth.")
        if self.is_party_group and self.affiliation and not self.is_cpc:
            errors["is_party_group"] = _("Only a CPC member can be a party-group member.")
        pinyin_error = self._clean_pinyin()
        if pinyin_error:
            errors["name_pinyin"] = pinyin_error
        side_error = self._side_change_error()
        if side_error:
            errors["affiliation"] = side_error
        duplicate = self.roster.duplicate_of(self)
        if duplicate:
            errors[NON_FIELD_ERRORS] = _(
                "%(name)s is already in the roster of term %(term)s as number %(no)s."
            ) % {"name": duplicate.name, "term": self.term, "no": duplicate.member_no}
        if errors:
            raise ValidationError(errors)

    def _clean_pinyin(self) -> str | None:
        """Staff-typed pinyin is kept (locked): syllables typed together are split by the
        name's characters ("Zēng Guófān" → "zeng guo fan"), and what still has not one
        syllable per character is refused, since the initials search needs them. A
        cleared pinyin, or a new name with the pinyin left as it was, is recomputed on
        save. Setting `pinyin_locked` by hand (the admin's box) wins."""
        typed = normalize_pinyin(self.name_pinyin or "", self.name)
        pinyin_changed = typed != (self.stored("name_pinyin") or "")
        if self.pinyin_locked != bool(self.stored("pinyin_locked")):
            pass  # set by hand
        elif pinyin_changed:
            self.pinyin_locked = bool(typed)
        elif self.name != self.stored("name"):
            self.pinyin_locked = False
        if not (pinyin_changed and typed):
            return None
        self.name_pinyin = typed
        count = han_count(self.name)
        if count and len(typed.split()) != count:
            return _(
                "The name has %(count)s Chinese characters but the pinyin has %(syllables)s "
                "syllables: give one syllable per character, separated by spaces "
                "(e.g. zeng guo fan)."
            ) % {"count": count, "syllables": len(typed.split())}
        return None

    def _side_change_error(self) -> str | None:
        """A pairing links a CPC with a non-CPC member: a member in an active pairing keeps
        their side until the pairing ends."""
        stored = self.stored("affiliation")
        if not (stored and self.affiliation):
            return None
        if (stored == self.Affiliation.CPC) == self.is_cpc:
            return None
        others = self.roster.partner_names(self)
        if not others:
            return None
        return _(
            "%(name)s is in active pairings (双联) with %(others)s: end those pairings "
            "before changing the affiliation between CPC and non-CPC."
        ) % {"name": self.name, "others": "、".join(others)}

    @property
    def is_cpc(self) -> bool:
        return self.affiliation == self.Affiliation.CPC

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


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
    term = models.PositiveSmallIntegerField(_("term"), validators=[AtMost(TERM_MAX)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector link")
        verbose_name_plural = _("sector links")
        ordering = ["term", "party_member", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_member", "sector", "term"], name="sectorlink_unique"
            ),
            at_most_constraint("sectorlink", "term", TERM_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.party_member} → {self.sector}"

    def clean(self):
        """A party-group member links a sector once a term. The key is checked here, not
        only by the constraint, because the staff form sets the term itself (a form leaves
        the constraints of fields it does not show unchecked)."""
        if self.party_member_id and not (
            self.party_member.is_cpc and self.party_member.is_party_group
        ):
            raise ValidationError(
                {"party_member": _("Only a CPC member of the party group can link sectors.")}
            )
        if (
            self.party_member_id
            and self.sector_id
            and self.term
            and SectorLink.objects.filter(
                party_member=self.party_member_id, sector=self.sector_id, term=self.term
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(_("This party-group member already links this sector."))


class Pairing(models.Model):
    """结对联系: a CPC member pairs with a non-CPC member. A non-CPC member has at most one
    active pairing per term (a partial unique constraint); ending keeps the history."""

    cpc_member = models.ForeignKey(
        Member, verbose_name=_("CPC member"), on_delete=models.PROTECT, related_name="pairings_led"
    )
    partner = models.ForeignKey(
        Member, verbose_name=_("non-CPC member"), on_delete=models.PROTECT, related_name="pairings"
    )
    term = models.PositiveSmallIntegerField(_("term"), validators=[AtMost(TERM_MAX)])
    started_on = models.DateField(_("started on"), validators=[WorkDateValidator()])
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[WorkDateValidator()]
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = PairingQuerySet.as_manager()

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
            at_most_constraint("pairing", "term", TERM_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.cpc_member} — {self.partner}"

    def get_absolute_url(self) -> str:
        return reverse("members:pairing_detail", args=[self.pk])

    def clean(self):
        """The rules of 双联 a form can tell before the database does: a CPC member with a
        non-CPC member, both active members of the pairing's term while it is active."""
        errors = {}
        cpc = self.cpc_member if self.cpc_member_id else None
        partner = self.partner if self.partner_id else None
        if cpc and not cpc.is_cpc:
            errors["cpc_member"] = _(
                "%(name)s is not a CPC member: a pairing links a CPC member with a non-CPC member."
            ) % {"name": cpc.name}
        if partner and partner.is_cpc:
            errors["partner"] = _(
                "%(name)s is a CPC member: a pairing links a CPC member with a non-CPC member."
            ) % {"name": partner.name}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date must not be before the start date.")
        if self.ended_on is None:
            for field, member in (("cpc_member", cpc), ("partner", partner)):
                if member and field not in errors and not self._may_pair(member):
                    errors[field] = _(
                        "%(name)s is not an active member of term %(term)s: an active "
                        "pairing links two active members of its term."
                    ) % {"name": member.name, "term": self.term}
        if partner and not errors and self.ended_on is None:
            taken = Pairing.objects.filter(partner=partner, term=self.term, ended_on__isnull=True)
            if self.pk:
                taken = taken.exclude(pk=self.pk)
            current = taken.select_related("cpc_member").first()
            if current:
                errors["partner"] = _(
                    "%(name)s is already paired with %(cpc)s in this term; end that pairing first."
                ) % {"name": partner.name, "cpc": current.cpc_member.name}
        if errors:
            raise ValidationError(errors)

    def _may_pair(self, member: Member) -> bool:
        return member.is_active and (self.term is None or member.term == self.term)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def is_stale(self, last_contact: datetime.date | None, today: datetime.date) -> bool:
        """No contact in the last PAIRING_CONTACT_STALE_DAYS days (active pairings only)."""
        if not self.is_active:
            return False
        cutoff = today - datetime.timedelta(days=settings.PAIRING_CONTACT_STALE_DAYS)
        return (last_contact or self.started_on) < cutoff


class ContactRecord(Audited):
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
    date = models.DateField(_("date"), validators=[WorkDateValidator()])
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    content = models.TextField(_("content"))
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]
    audit_labels = {"created_by": _("recorded by")}

    history = HistoricalRecords()
    objects = ContactRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pairing", "-date"], name="contact_pairing_date_idx")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.date:%Y-%m-%d}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("The date of a contact cannot be in the future.")})
        if self.date and self.pairing_id and self.date < self.pairing.started_on:
            raise ValidationError(
                {
                    "date": _("The contact cannot be before the pairing started (%(date)s).")
                    % {"date": self.pairing.started_on.isoformat()}
                }
            )
