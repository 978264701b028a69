from __future__ import annotations

import datetime
from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Unit
from apps.accounts.roles import is_leader
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import DocumentUploadField, MultipleImageField
from apps.members.models import Member
from apps.members.widgets import MemberPicker, MemberPickerMultiple
from apps.venues.forms import MemberPickerSelect, limit_member_choices, selectable_members

from .models import (
    Department,
    Instruction,
    Referral,
    Report,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)
from .services import MAX_PHOTOS, DocumentInput, SuggestionInput, TopicInput


class DateInput(forms.DateInput):
    """The browsers' date picker; the value as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _pickable_members(existing_ids=()):
    """What a member field accepts: active members of the current term, plus those
    already recorded (who may have left since)."""
    return Member.objects.filter(
        Q(pk__in=selectable_members().values("pk")) | Q(pk__in=list(existing_ids))
    )


class SessionForm(StyledModelForm):
    """The office head's form, on a phone: venue (only those the user manages), topic
    picked or typed, form, time, place, members, other attendees, minutes and photos."""

    new_topic_title = forms.CharField(
        label=_("Or a new topic"),
        max_length=100,
        required=False,
        help_text=_("Type a title when the topic is not in the list."),
    )
    new_topic_category = forms.ChoiceField(
        label=_("Category of the new topic"),
        choices=Topic.Category.choices,
        initial=Topic.Category.LIVELIHOOD,
        required=False,
    )
    photos = MultipleImageField(label=_("Add photos"), required=False, max_files=MAX_PHOTOS)
    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=SessionPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "venue",
            "topic",
            "new_topic_title",
            "new_topic_category",
            "form",
            "started_at",
            "place",
            "members",
            "departments",
            "other_attendee_count",
            "other_attendees",
            "minutes",
        ]
        widgets = {
            "started_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "members": MemberPickerSelect,
            "other_attendee_count": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, venues, member_suggestions: Sequence[Member] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        session = self.instance
        venue_field = field_of(self, "venue", forms.ModelChoiceField)
        venue_field.queryset = venues
        venue_field.empty_label = None if len(venues) == 1 else venue_field.empty_label
        topics = Topic.objects.open()
        if session.topic_id:
            topics = Topic.objects.filter(~Q(status=Topic.Status.DONE) | Q(pk=session.topic_id))
        field_of(self, "topic", forms.ModelChoiceField).queryset = topics.order_by("-year", "title")
        self.fields["topic"].required = False
        existing = list(session.members.values_list("pk", flat=True)) if session.pk else []
        field_of(self, "members", forms.ModelChoiceField).queryset = _pickable_members(existing)
        self.fields["members"].help_text = _("Search by name or pinyin initials.")
        limit_member_choices(self, "members", member_suggestions)
        field_of(self, "started_at", forms.DateTimeField).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        if session.pk:
            field_of(self, "remove_photos", forms.ModelChoiceField).queryset = session.photos.all()
        else:
            del self.fields["remove_photos"]

    def clean_started_at(self):
        started_at = self.cleaned_data["started_at"]
        if started_at and not 2000 <= started_at.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return started_at

    def clean(self):
        cleaned = super().clean()
        title = (cleaned.get("new_topic_title") or "").strip()
        if title and cleaned.get("topic"):
            self.add_error("new_topic_title", _("Pick a topic or type a new one, not both."))
        elif not title and not cleaned.get("topic") and "topic" not in self.errors:
            self.add_error("topic", _("Pick a topic or type a new one."))
        kept = self.instance.photos.count() if self.instance.pk else 0
        removed = len(cleaned.get("remove_photos") or [])
        if kept - removed + len(cleaned.get("photos") or []) > MAX_PHOTOS:
            self.add_error(
                "photos",
                _("A session keeps at most %(max)s photos.") % {"max": MAX_PHOTOS},
            )
        return cleaned

    def new_topic(self) -> TopicInput | None:
        title = (self.cleaned_data.get("new_topic_title") or "").strip()
        if not title:
            return None
        started_at = self.cleaned_data.get("started_at")
        year = timezone.localtime(started_at).year if started_at else timezone.localdate().year
        return TopicInput(
            title=title,
            category=self.cleaned_data.get("new_topic_category") or Topic.Category.OTHER,
            year=year,
        )


REFERRED_NOT_DELETABLE = _(
    "This suggestion has been referred to a department and cannot be deleted."
)


class SuggestionForm(StyledModelForm):
    class Meta:
        model = Suggestion
        fields = ["text", "category", "members"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "members": MemberPickerSelect,
        }

    def __init__(self, *args, member_suggestions: Sequence[Member] = (), **kwargs):
        super().__init__(*args, **kwargs)
        existing = (
            list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        )
        field_of(self, "members", forms.ModelChoiceField).queryset = _pickable_members(existing)
        limit_member_choices(self, "members", member_suggestions)


class BaseSuggestionFormSet(forms.BaseInlineFormSet):
    """The inline suggestions of a session. A suggestion already referred to a department
    cannot be deleted (its referrals keep it): its row offers no delete box
    (`form.is_referred`), and a crafted delete is refused next to the row. One query for
    the referred ids of the session."""

    @cached_property
    def referred_ids(self) -> set[int]:
        if not self.instance.pk:
            return set()
        return set(
            Referral.objects.filter(suggestion__session=self.instance).values_list(
                "suggestion_id", flat=True
            )
        )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.is_referred = bool(form.instance.pk) and form.instance.pk in self.referred_ids

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and data.get("DELETE") and getattr(form, "is_referred", False):
                # Kept: the form is validated (and its error shown) like any other row.
                data["DELETE"] = False
                form.add_error(None, REFERRED_NOT_DELETABLE)

    def inputs(self) -> list[SuggestionInput]:
        """The suggestions to save: changed or existing forms, blank extra forms left out."""
        items = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not form.instance.pk and not (form.has_changed() and data.get("text")):
                continue
            items.append(
                SuggestionInput(
                    text=data.get("text", ""),
                    category=data.get("category") or Suggestion.Category.OTHER,
                    members=list(data.get("members") or []),
                    pk=form.instance.pk,
                    delete=bool(data.get("DELETE")),
                )
            )
        return items


SuggestionFormSet = inlineformset_factory(
    Session,
    Suggestion,
    form=SuggestionForm,
    formset=BaseSuggestionFormSet,
    fields=["text", "category", "members"],
    extra=2,
    max_num=50,
    validate_max=True,
    can_delete=True,
)


class SessionReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The office head sees this reason and corrects the session."),
    )


# --- research -------------------------------------------------------------------------------


def _date_fields(form: forms.BaseForm, *names: str) -> None:
    """Dates typed as YYYY-MM-DD (the browsers' date input), between 2000 and 2100."""
    for name in names:
        field = field_of(form, name, forms.DateField)
        field.widget = DateInput(attrs={"class": field.widget.attrs.get("class", "form-control")})
        field.widget.is_required = field.required
        field.input_formats = ["%Y-%m-%d"]
        field.validators.append(_date_in_range)


def _date_in_range(value: datetime.date) -> None:
    if value and not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Enter a date between 2000 and 2100."))


class TopicForm(StyledModelForm):
    class Meta:
        model = Topic
        fields = ["title", "year", "category", "source", "source_note", "status", "description"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100, "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


class VisitsField(forms.ModelMultipleChoiceField):
    """Held sessions labelled by date, venue and topic."""

    def label_from_instance(self, obj: Session) -> str:
        held = timezone.localtime(obj.started_at)
        return f"{held:%Y-%m-%d} {obj.venue.name} · {obj.topic.title}"


class ProjectForm(StyledModelForm):
    """Staff plan a project of a topic: lead unit, team (searched by name or pinyin
    initials), dates, field visits (held sessions of the topic's year or on the topic)."""

    class Meta:
        model = ResearchProject
        fields = [
            "title",
            "lead_unit",
            "team_leader",
            "team",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "visits",
            "description",
        ]
        widgets = {
            "team_leader": MemberPicker,
            "team": MemberPickerMultiple,
            "visits": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"visits": VisitsField}

    def __init__(self, *args, user, topic: Topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.topic = topic
        project = self.instance
        field_of(
            self, "lead_unit", forms.ModelChoiceField
        ).queryset = Unit.objects.active().order_by("sort_order", "name")
        existing = list(project.team.values_list("pk", flat=True)) if project.pk else []
        if project.team_leader_id:
            existing.append(project.team_leader_id)
        field_of(self, "team", forms.ModelChoiceField).queryset = _pickable_members(existing)
        field_of(self, "team_leader", forms.ModelChoiceField).queryset = _pickable_members(existing)
        self.fields["team"].help_text = _("Search by name or pinyin initials.")
        visits = Session.objects.held().filter(Q(topic=topic) | Q(started_at__year=topic.year))
        if project.pk:
            visits = visits | Session.objects.filter(pk__in=project.visits.values("pk"))
        visits_field = field_of(self, "visits", forms.ModelChoiceField)
        visits_field.queryset = visits.select_related("venue", "topic").order_by("started_at")
        visits_field.help_text = _(
            "Sessions held on this topic or in its year that served as field visits."
        )
        _date_fields(self, "planned_start", "planned_end", "actual_start", "actual_end")


class ReportForm(StyledModelForm):
    """A report's title, date and text; its file (PDF or DOCX, checked by content) and a
    note on what changed, kept with the new version."""

    file = DocumentUploadField(label=_("Attachment"), required=False)
    remove_file = forms.BooleanField(label=_("Remove the attachment"), required=False)
    note = forms.CharField(
        label=_("Change note"),
        max_length=200,
        required=False,
        help_text=_("Kept with this version, e.g. “revised after the chairman's meeting”."),
    )

    class Meta:
        model = Report
        fields = ["title", "submitted_on", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, user, project: ResearchProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.project = project
        _date_fields(self, "submitted_on")
        if not self.instance.pk:
            del self.fields["remove_file"]
            self.fields["submitted_on"].initial = timezone.localdate()
            self.fields["title"].initial = project.title
            del self.fields["note"]
        elif not self.instance.attachment:
            del self.fields["remove_file"]

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or (
            self.instance.attachment and not cleaned.get("remove_file")
        )
        if "file" not in self.errors and not (cleaned.get("body") or "").strip() and not has_file:
            self.add_error("body", _("Write the text of the report or attach its file."))
        return cleaned

    def document(self) -> DocumentInput | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return DocumentInput(
            file=upload, name=getattr(upload, "original_name", upload.name), size=upload.size
        )


class InstructionForm(StyledModelForm):
    class Meta:
        model = Instruction
        fields = ["leader_name", "leader_title", "instructed_on", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.report = report
        _date_fields(self, "instructed_on")
        self.fields["instructed_on"].initial = timezone.localdate()
        if is_leader(user):
            # A leader writes their own instruction: their name and position.
            self.fields["leader_name"].initial = user.get_full_name()
            self.fields["leader_title"].initial = user.title
        else:
            self.fields["leader_name"].help_text = _(
                "Entered on the leader's behalf: the instruction shows who entered it."
            )

    def clean_instructed_on(self):
        value = self.cleaned_data["instructed_on"]
        report = self.instance.report
        if value and value < report.submitted_on:
            raise forms.ValidationError(
                _("An instruction cannot be dated before its report (%(date)s)."),
                params={"date": report.submitted_on.isoformat()},
            )
        return value


class ReportSuggestionForm(StyledModelForm):
    """A suggestion of a report (or the outcome of any suggestion): text, category,
    proposers, outcome."""

    class Meta:
        model = Suggestion
        fields = ["text", "category", "members", "outcome", "outcome_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "members": MemberPickerMultiple,
        }

    def __init__(self, *args, user, report: Report | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if report is not None:
            self.instance.report = report
        existing = (
            list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        )
        field_of(self, "members", forms.ModelChoiceField).queryset = _pickable_members(existing)
        self.fields["members"].help_text = _("Search by name or pinyin initials.")
        _date_fields(self, "outcome_on")
        self.fields["outcome_on"].help_text = _("Left empty: today, when an outcome is given.")
        self.fields["outcome"].help_text = _("Left empty while undecided.")

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if cleaned.get("outcome_on") and not outcome and "outcome" not in self.errors:
            self.add_error("outcome", _("Pick the outcome of that date, or clear the date."))
        elif outcome and not cleaned.get("outcome_on") and "outcome_on" not in self.errors:
            cleaned["outcome_on"] = self.instance.outcome_on or timezone.localdate()
        return cleaned


class ReferralForm(StyledModelForm):
    """Staff refer a suggestion: lead and co-handling departments, the instruction it
    follows (of the suggestion's report), dates and requirements."""

    class Meta:
        model = Referral
        fields = ["department", "co_departments", "instruction", "referred_on", "due_on", "note"]
        widgets = {
            "co_departments": forms.SelectMultiple(attrs={"size": 6}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.suggestion = suggestion
        departments = Department.objects.active().order_by("sort_order", "name")
        field_of(self, "department", forms.ModelChoiceField).queryset = departments
        field_of(self, "co_departments", forms.ModelChoiceField).queryset = departments
        self.fields["co_departments"].help_text = _("Hold Ctrl (or ⌘) to pick several.")
        if suggestion.report_id:
            instruction_field = field_of(self, "instruction", forms.ModelChoiceField)
            instruction_field.queryset = Instruction.objects.filter(
                report_id=suggestion.report_id
            ).order_by("instructed_on", "pk")
            instructions = list(instruction_field.queryset)
            if len(instructions) == 1:
                instruction_field.initial = instructions[0].pk
        else:
            del self.fields["instruction"]
        _date_fields(self, "referred_on", "due_on")
        today = timezone.localdate()
        self.fields["referred_on"].initial = today
        self.fields["due_on"].initial = today + datetime.timedelta(days=settings.REFERRAL_DUE_DAYS)

    def clean(self):
        cleaned = super().clean()
        referred_on, due_on = cleaned.get("referred_on"), cleaned.get("due_on")
        if referred_on and due_on and due_on < referred_on:
            self.add_error("due_on", _("The due date cannot be before the referral."))
        department = cleaned.get("department")
        if department and department in (cleaned.get("co_departments") or []):
            self.add_error(
                "co_departments", _("The lead department cannot also be a co-handling one.")
            )
        return cleaned


class ReferralReplyForm(StyledForm):
    text = forms.CharField(
        label=_("Department's reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    replied_on = forms.DateField(
        label=_("Replied on"), widget=DateInput, input_formats=["%Y-%m-%d"]
    )
    implementation = forms.ChoiceField(
        label=_("Implementation"),
        choices=Referral.Implementation.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["replied_on"].validators.append(_date_in_range)
        self.fields["replied_on"].initial = referral.replied_on or timezone.localdate()
        self.fields["text"].initial = referral.reply_text
        self.fields["implementation"].initial = referral.implementation or None


class ReferralCloseForm(StyledForm):
    satisfaction = forms.ChoiceField(
        label=_("Proposers' satisfaction"),
        choices=Referral.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["closed_on"].validators.append(_date_in_range)
        self.fields["closed_on"].initial = timezone.localdate()
