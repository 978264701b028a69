from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.core.dates import WorkDateValidator
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import LEGACY_DOCUMENT_FORMATS, DocumentUploadField
from apps.members.models import Member

from .models import Attendance, AttendanceBatch, Category, DutyReport, Meeting, StudySession
from .services import Mark, meetings_open_for_planning


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.name_initials}）" if obj.name_initials else obj.name


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.name_initials}）" if obj.name_initials else obj.name


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name()


def searchable() -> dict:
    """A select that Tom Select turns into a search box (static/js/performance.js)."""
    return {"data-perf-select": "1"}


def staff_users():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.COUNTY_STAFF, is_active=True)
        .order_by("username")
    )


class MeetingForm(StyledModelForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "term",
            "number",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "agenda",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class LeaveRequestForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: on a business trip that day."),
    )


class AttendanceSheetForm(StyledForm):
    """The sign-in list of a meeting as one form: a status per member (blank: not
    recorded), leave approval, a note; and members to add."""

    add_members = MemberMultipleChoiceField(
        label=_("Add members"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable()),
    )
    add_role = forms.ChoiceField(
        label=_("Their role"), choices=Attendance.Role.choices, initial=Attendance.Role.MEMBER
    )

    def __init__(self, *args, meeting: Meeting, roster, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.roster = roster
        listed = [member.pk for member, _role, _attendance in roster]
        field_of(self, "add_members", forms.ModelChoiceField).queryset = (
            Member.objects.filter(term=meeting.term, status=Member.Status.ACTIVE)
            .exclude(pk__in=listed)
            .order_by("name_pinyin", "name")
        )
        status_choices = [("", _("Not recorded")), *Attendance.Status.choices]
        for member, _role, attendance in roster:
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=status_choices,
                required=False,
                initial=attendance.status if attendance else "",
            )
            self.fields[f"approved_{member.pk}"] = forms.BooleanField(
                label=_("Leave approved"),
                required=False,
                initial=bool(attendance and attendance.leave_approved),
            )
            self.fields[f"note_{member.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=200,
                initial=attendance.note if attendance else "",
            )

    def rows(self):
        """(member, role, attendance, status field, approval field, note field)."""
        return [
            (
                member,
                role,
                attendance,
                self[f"status_{member.pk}"],
                self[f"approved_{member.pk}"],
                self[f"note_{member.pk}"],
            )
            for member, role, attendance in self.roster
        ]

    def clean(self):
        cleaned = super().clean()
        for member, _role, _attendance in self.roster:
            status = cleaned.get(f"status_{member.pk}")
            if cleaned.get(f"approved_{member.pk}") and status != Attendance.Status.LEAVE:
                self.add_error(f"approved_{member.pk}", _("Only leave can be approved."))
        return cleaned

    def marks(self) -> dict[int, Mark]:
        marks = {}
        for member, role, _attendance in self.roster:
            marks[member.pk] = Mark(
                status=self.cleaned_data.get(f"status_{member.pk}") or None,
                role=role,
                leave_approved=bool(self.cleaned_data.get(f"approved_{member.pk}")),
                note=self.cleaned_data.get(f"note_{member.pk}", ""),
            )
        for member in self.cleaned_data.get("add_members") or []:
            marks[member.pk] = Mark(
                status=Attendance.Status.PRESENT, role=self.cleaned_data["add_role"]
            )
        return marks


class RotationPlanForm(StyledForm):
    meetings = forms.ModelMultipleChoiceField(
        label=_("Standing meetings to plan"),
        queryset=Meeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Meetings whose invited attendance is already recorded keep their batch."),
    )

    def __init__(self, *args, term: int, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = meetings_open_for_planning(term)
        field_of(self, "meetings", forms.ModelChoiceField).queryset = meetings
        self.fields["meetings"].initial = list(meetings)


class BatchForm(StyledModelForm):
    members = MemberMultipleChoiceField(
        label=_("Invited members"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable()),
    )

    class Meta:
        model = AttendanceBatch
        fields = ["members", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(
            term=self.instance.term, status=Member.Status.ACTIVE, is_standing=False
        ).order_by("name_pinyin", "name")


class DutyReportForm(StyledModelForm):
    member = MemberChoiceField(
        label=_("Standing member"),
        queryset=Member.objects.none(),
        widget=forms.Select(attrs=searchable()),
    )
    # Checked by content (PDF, DOCX, or a legacy .doc/.wps), at most UPLOAD_DOCUMENT_MAX_MB.
    attachment = DocumentUploadField(
        label=_("Attachment"), required=False, formats=LEGACY_DOCUMENT_FORMATS
    )

    class Meta:
        model = DutyReport
        fields = [
            "member",
            "year",
            "status",
            "submitted_on",
            "text",
            "attachment",
            "review_meeting",
            "rating",
        ]
        widgets = {"submitted_on": DateInput(), "text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        standing = Member.objects.filter(
            term=settings.CURRENT_TERM, is_standing=True, status=Member.Status.ACTIVE
        )
        if self.instance.member_id:
            standing = standing | Member.objects.filter(pk=self.instance.member_id)
        self.fields["member"].queryset = standing.order_by("name_pinyin", "name")
        self.fields["review_meeting"].queryset = Meeting.objects.filter(
            kind__in=[Meeting.Kind.STANDING, Meeting.Kind.PLENARY]
        ).order_by("-date")

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in (DutyReport.Status.SUBMITTED, DutyReport.Status.REVIEWED):
            if not cleaned.get("text") and not cleaned.get("attachment"):
                self.add_error("text", _("A submitted report needs its text or a file."))
            if not cleaned.get("submitted_on"):
                self.add_error("submitted_on", _("Give the date the report was submitted."))
        if status == DutyReport.Status.REVIEWED and not cleaned.get("rating"):
            self.add_error("rating", _("A reviewed report needs the reviewers' rating."))
        if cleaned.get("rating") and status != DutyReport.Status.REVIEWED:
            self.add_error("rating", _("Only a reviewed report has a rating."))
        return cleaned


class StudySessionForm(StyledModelForm):
    speaker = UserChoiceField(label=_("Speaker"), queryset=get_user_model().objects.none())
    staff_attendees = UserMultipleChoiceField(
        label=_("Staff attending"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable()),
    )
    attendees = MemberMultipleChoiceField(
        label=_("Members attending"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable()),
    )

    class Meta:
        model = StudySession
        fields = ["kind", "date", "speaker", "subject", "staff_attendees", "attendees", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = staff_users()
        self.fields["staff_attendees"].queryset = staff_users()
        self.fields["attendees"].queryset = Member.objects.filter(
            status=Member.Status.ACTIVE
        ).order_by("name_pinyin", "name")


class AdjustmentForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("-999.9"),
        max_value=Decimal("999.9"),
        help_text=_("Negative to deduct."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[WorkDateValidator()])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, year: int, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("An adjustment of zero points changes nothing."))
        return points

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date.year != self.year:
            raise forms.ValidationError(
                _("The date must fall in the year %(year)s.") % {"year": self.year}
            )
        return date

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the adjustment."))
        return reason


class OfficeAdjustmentForm(AdjustmentForm):
    """A staff adjustment of a venue's score: points, date in the year, reason."""

    def __init__(self, *args, year: int, user=None, **kwargs):
        super().__init__(*args, year=year, user=user, **kwargs)
        del self.fields["category"]
