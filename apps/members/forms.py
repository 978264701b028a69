import re
from collections.abc import Collection, Mapping
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import MEMBER
from apps.core.dates import WorkDateValidator
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import process_image

from .models import ContactRecord, Member, Pairing, RosterReader, Sector, SectorLink, compact_name
from .widgets import MemberPicker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def normalize_phone(value: str) -> str:
    """ "138 1234-5678", "+86 13812345678" → "13812345678"; validation is the model's."""
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def phone_field() -> forms.CharField:
    """Room for spaces and +86 as typed; the model's validator checks the normalized number."""
    return forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class MemberFieldsMixin:
    """Normalization of typed input shared by the staff form and the import; the rules
    (duplicates, side changes, pinyin) are `Member.clean()`'s, so the admin has them too."""

    # Of the ModelForm it is mixed into.
    cleaned_data: dict[str, Any]
    fields: dict[str, forms.Field]
    instance: Member

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_member_no(self):
        return (self.cleaned_data.get("member_no") or "").strip()

    def clean_name(self):
        return compact_name(self.cleaned_data.get("name") or "")

    def effective(self, name: str, default=None):
        """The value a field will have after saving: the cleaned one, or the stored one
        when the form leaves the field out (an import file without that column)."""
        if name in self.fields:
            return self.cleaned_data.get(name, default)
        return getattr(self.instance, name, default)


class MemberForm(MemberFieldsMixin, StyledModelForm):
    """Create and edit a member (staff)."""

    phone = phone_field()

    class Meta:
        model = Member
        fields = [
            "term",
            "member_no",
            "name",
            "name_pinyin",
            "gender",
            "ethnicity",
            "birth_date",
            "sector",
            "affiliation",
            "is_standing",
            "is_party_group",
            "work_unit",
            "title",
            "phone",
            "email",
            "address",
            "photo",
            "joined_on",
            "left_on",
            "user",
            "note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "left_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "name_pinyin": _(
                "Computed from the name. Correct it if needed, one syllable per character "
                "(e.g. zeng guo fan; tone marks are dropped); clear it to compute it again."
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            self.initial.setdefault("term", settings.CURRENT_TERM)
        self.fields["sector"].queryset = Sector.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.sector_id)
        )
        # A user account of the member role that no other member is linked to.
        self.fields["user"].queryset = User.objects.filter(
            Q(groups__name=MEMBER, member__isnull=True) | Q(pk=self.instance.user_id)
        ).distinct()
        self.fields["user"].required = False
        self.fields["name_pinyin"].required = False

    def clean(self):
        cleaned = self.cleaned_data
        term, number = cleaned.get("term"), cleaned.get("member_no")
        if term and number:
            taken = Member.objects.filter(term=term, member_no=number)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            holder = taken.first()
            if holder:
                # Next to the field; the model's generic unique check is then skipped.
                self.add_error(
                    "member_no",
                    _("Member number %(no)s of term %(term)s is already %(name)s's.")
                    % {"no": number, "term": term, "name": holder.name},
                )
        return super().clean()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and "photo" in self.changed_data and hasattr(photo, "content_type"):
            # Checked by content, resized, metadata (EXIF/GPS) stripped, random name.
            return process_image(photo)
        return photo


class PreloadedChoiceField(forms.ModelChoiceField):
    """A model choice resolved from objects read once for the whole file (no query)."""

    def __init__(self, *args, objects: Mapping[str, models.Model], **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = objects

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ImportLookups(RosterReader):
    """What every row's validation needs, read in three queries for the whole file:
    the sectors, the existing members by key, and the possible duplicates by name;
    `Member.clean()` reads the roster through it (`RosterReader`)."""

    def __init__(self, terms: set[int], member_nos: set[str], names: set[str]):
        self.sectors = {str(s.pk): s for s in Sector.objects.all()}
        self.sectors_by_name = {s.name: s for s in self.sectors.values()}
        self.members = {
            (m.term, m.member_no): m
            for m in Member.objects.filter(term__in=terms, member_no__in=member_nos)
        }
        self.by_name: dict[tuple[int, str], list[Member]] = {}
        for m in Member.objects.filter(term__in=terms, name__in=names).only(
            "pk", "term", "name", "phone", "birth_date", "member_no"
        ):
            self.by_name.setdefault((m.term, m.name), []).append(m)

    @cached_property
    def paired(self) -> dict[int, list[str]]:
        """Member pk → the names of their active pairing partners, for the file's stored
        members; one query, run only when a row changes a member's side."""
        return Pairing.objects.active().partner_names(m.pk for m in self.members.values())

    def duplicate_of(self, member: Member) -> Member | None:
        phone, birth_date = member.phone, member.birth_date
        for other in self.by_name.get((member.term, member.name), []):
            if other.pk != member.pk and (
                (phone and other.phone == phone) or (birth_date and other.birth_date == birth_date)
            ):
                return other
        return None

    def partner_names(self, member: Member) -> list[str]:
        return self.paired.get(member.pk, [])


class MemberImportForm(MemberFieldsMixin, forms.ModelForm):
    """One row of an imported roster, validated like the staff form. With `lookups`,
    a row runs no query of its own."""

    phone = phone_field()

    class Meta:
        model = Member
        fields = [
            "term",
            "member_no",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "sector",
            "affiliation",
            "is_standing",
            "work_unit",
            "title",
            "phone",
            "email",
            "address",
            "joined_on",
        ]

    # Kept from the file even when an update row's file has no such column: the key.
    KEY_FIELDS = ("term", "member_no")

    def __init__(
        self,
        *args,
        lookups: ImportLookups | None = None,
        columns: Collection[str] | None = None,
        **kwargs,
    ):
        """`columns`: the file's columns. A row that updates a member leaves out the
        fields the file has no column for, so their stored values stay; a column that
        is present but empty clears the value."""
        super().__init__(*args, **kwargs)
        self.lookups = lookups
        if columns is not None and self.instance.pk is not None:
            for name in list(self.fields):
                if name not in columns and name not in self.KEY_FIELDS:
                    del self.fields[name]
        if lookups is not None:
            self.instance.roster = lookups
            field = field_of(self, "sector", forms.ModelChoiceField)
            self.fields["sector"] = PreloadedChoiceField(
                queryset=field.queryset, objects=lookups.sectors, label=field.label
            )

    @cached_property
    def changed_data(self) -> list[str]:
        """Once valid, the fields whose cleaned value differs from the stored one: a cell
        "138 0000 0702" or "张 三" that normalizes to the stored value is no change (the
        form's own `changed_data` compares the raw text)."""
        if self.instance.pk is None or not self.is_bound or self.errors:
            return super().changed_data
        return [
            name
            for name, field in self.fields.items()
            if name in self.cleaned_data
            and field.has_changed(
                self.get_initial_for_field(field, name),
                field.prepare_value(self.cleaned_data[name]),
            )
        ]

    def validate_unique(self):
        """With `lookups`, the key (term, member number) is unique by construction: a row
        whose key exists edits that member, and the import refuses a key twice in a
        file; the database constraint stays the last word at save."""
        if self.lookups is None:
            super().validate_unique()

    def _get_validation_exclusions(self):
        # With `lookups`, the model need not check the sector's existence nor the key's
        # uniqueness again (one query each per row): the form fields above did.
        exclude = super()._get_validation_exclusions()
        if self.lookups is not None:
            exclude |= {"sector", "member_no"}
        return exclude


class MemberContactForm(StyledModelForm):
    """What a member may change on their own profile."""

    phone = phone_field()

    class Meta:
        model = Member
        fields = list(Member.CONTACT_FIELDS)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))


class ArchiveForm(StyledForm):
    left_on = forms.DateField(
        label=_("Left on"),
        required=False,
        help_text=_("Date of leaving; empty for today."),
        widget=DateInput(attrs={"class": "form-control-sm"}),
        validators=[WorkDateValidator()],
    )


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx file, or a .csv file in UTF-8 or GBK, with the template's headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > settings.MEMBER_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.MEMBER_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


# --- pairings --------------------------------------------------------------------------


class PairingForm(StyledModelForm):
    """Pair a CPC member with a non-CPC member; `services.pairing_create` saves it."""

    class Meta:
        model = Pairing
        fields = ["cpc_member", "partner", "started_on", "note"]
        widgets = {
            "cpc_member": MemberPicker(affiliation="cpc"),
            "partner": MemberPicker(affiliation="non_cpc"),
            "started_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.current_term().active()
        self.fields["cpc_member"].queryset = members
        self.fields["partner"].queryset = members
        self.instance.term = settings.CURRENT_TERM


class PairingEndForm(StyledForm):
    ended_on = forms.DateField(
        label=_("Ended on"), widget=DateInput(), validators=[WorkDateValidator()]
    )


class ContactRecordForm(StyledModelForm):
    class Meta:
        model = ContactRecord
        fields = ["date", "way", "content"]
        widgets = {"date": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, pairing: Pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pairing = pairing


class SectorLinkForm(StyledModelForm):
    class Meta:
        model = SectorLink
        fields = ["party_member", "sector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_member"].queryset = (
            Member.objects.current_term().active().party_group().order_by("name_pinyin")
        )
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        self.instance.term = settings.CURRENT_TERM


# --- the roster's filters --------------------------------------------------------------


def _term_choices():
    terms = set(Member.objects.order_by().values_list("term", flat=True).distinct())
    terms.add(settings.CURRENT_TERM)
    return [(t, _("Term %(term)s") % {"term": t}) for t in sorted(terms, reverse=True)]


class MemberFilter(django_filters.FilterSet):
    """The roster's filters. Without a term or status in the query, the current term's
    active members are listed; an empty value ("all") lifts the filter."""

    DEFAULTS = {"term": lambda: str(settings.CURRENT_TERM), "status": lambda: "active"}

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, pinyin initials or number"), "type": "search"}
        ),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.all(), empty_label=_("All sectors")
    )
    affiliation = django_filters.ChoiceFilter(
        label=_("Political affiliation"),
        choices=Member.Affiliation.choices,
        empty_label=_("All"),
    )
    is_standing = django_filters.ChoiceFilter(
        label=_("Standing committee"),
        choices=[("true", _("Standing members")), ("false", _("Other members"))],
        method="filter_standing",
        empty_label=_("All"),
    )
    term = django_filters.ChoiceFilter(
        label=_("Term"), choices=_term_choices, empty_label=_("All terms")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Member.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Member
        fields = ["q", "sector", "affiliation", "is_standing", "term", "status"]
        form = StyledForm

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for key, default in self.DEFAULTS.items():
            if key not in data:
                data[key] = default()
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_standing(self, queryset, name, value):
        return queryset.filter(is_standing=value == "true")


class ContactRecordFilter(django_filters.FilterSet):
    """The contact records of the pairs: `?year=` (the year of the contact, as the annual
    report counts them), the way, a member of the pair (name or pinyin initials)."""

    year = django_filters.NumberFilter(
        label=_("Year"), field_name="date", lookup_expr="year", min_value=2000, max_value=2100
    )
    way = django_filters.ChoiceFilter(label=_("Way"), choices=ContactRecord.Way.choices)
    q = django_filters.CharFilter(
        label=_("Member of the pair"),
        method="filter_member",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name or pinyin initials"), "type": "search"}
        ),
    )

    class Meta:
        model = ContactRecord
        fields = ["year", "way", "q"]
        form = StyledForm

    def filter_member(self, queryset, name, value):
        if not value.strip():
            return queryset
        found = Member.objects.search(value).values("pk")
        return queryset.filter(Q(pairing__cpc_member__in=found) | Q(pairing__partner__in=found))
