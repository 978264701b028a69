"""Topics, research projects, reports and the leaders' instructions."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Unit
from apps.accounts.roles import is_leader
from apps.core.dates import WORK_ERA_START, work_date_bounds
from apps.core.forms import StyledModelForm, field_of
from apps.core.uploads import DocumentUploadField
from apps.members.widgets import MemberPicker, MemberPickerMultiple

from ..models import Instruction, Report, ResearchProject, Session, Topic
from ..services import DocumentInput
from .fields import date_fields, pickable_members


class TopicForm(StyledModelForm):
    class Meta:
        model = Topic
        fields = ["title", "year", "category", "source", "source_note", "status", "description"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": WORK_ERA_START.year, "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].widget.attrs["max"] = work_date_bounds()[1].year
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
        field_of(self, "team", forms.ModelChoiceField).queryset = pickable_members(existing)
        field_of(self, "team_leader", forms.ModelChoiceField).queryset = pickable_members(existing)
        self.fields["team"].help_text = _("Search by name or pinyin initials.")
        visits = Session.objects.held().filter(Q(topic=topic) | Q(started_at__year=topic.year))
        if project.pk:
            visits = visits | Session.objects.filter(pk__in=project.visits.values("pk"))
        visits_field = field_of(self, "visits", forms.ModelChoiceField)
        visits_field.queryset = visits.select_related("venue", "topic").order_by("started_at")
        visits_field.help_text = _(
            "Sessions held on this topic or in its year that served as field visits."
        )
        date_fields(self, "planned_start", "planned_end", "actual_start", "actual_end")


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
        date_fields(self, "submitted_on")
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
        date_fields(self, "instructed_on")
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
