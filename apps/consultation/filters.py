import re

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Unit
from apps.core.forms import StyledForm
from apps.venues.models import Township, Venue

from .models import Department, Instruction, Report, ResearchProject, Session, Suggestion, Topic

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> tuple[int, int] | None:
    """(year, month) of "YYYY-MM", or None."""
    match = MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if 2000 <= year <= 2100 and 1 <= month <= 12:
        return year, month
    return None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2021-06"})

    def clean(self, value):
        value = super().clean(value)
        if value and parse_month(value) is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2021-06."))
        return value


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField

    def filter(self, qs, value):
        parsed = parse_month(value)
        if parsed is None:
            return qs
        return qs.in_month(*parsed)


def visible_venues(request):
    if request is None:
        return Venue.objects.none()
    return Venue.objects.for_user(request.user).order_by("kind", "sort_order", "name")


def session_topics(request):
    """The topics a session filter offers: every topic to its readers (staff, leaders, office
    heads); to others (members) only the topics of the sessions they may read."""
    if request is None:
        return Topic.objects.none()
    user = request.user
    topics = Topic.objects.for_user(user)
    if topics.query.has_filters():
        topics = Topic.objects.filter(
            Q(pk__in=topics.values("pk"))
            | Q(pk__in=Session.objects.for_user(user).values("topic_id"))
        )
    return topics.order_by("-year", "title")


def yes_no_widget() -> forms.Select:
    """A boolean filter's choice: any (全部, like every filter's empty choice), yes or no
    (`?referred=true`)."""
    return forms.Select(
        choices=[("", settings.FILTERS_EMPTY_CHOICE_LABEL), ("true", _("Yes")), ("false", _("No"))]
    )


class SessionFilter(django_filters.FilterSet):
    """The session list's filters; the export and the calendar read the same ones."""

    # django-filter takes a callable of the request as queryset; its stubs only a QuerySet.
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"),
        queryset=visible_venues,  # type: ignore[arg-type]
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), field_name="venue__township", queryset=Township.objects.all()
    )
    # Not the FilterSet's `form`: the metaclass moves declared filters off the class. The
    # name is the ?form= query parameter.
    form = django_filters.ChoiceFilter(  # type: ignore[assignment]
        label=_("Form"), choices=Session.Form.choices
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=session_topics,  # type: ignore[arg-type]
    )
    month = MonthFilter(label=_("Month"))
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="started_at", lookup_expr="year", min_value=2000, max_value=2100
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Session.State.choices)
    # What the overview and the annual report count: held sessions (submitted or
    # published) and the livelihood consultations (急难愁盼) among them.
    held = django_filters.BooleanFilter(
        label=_("Held"),
        method="filter_held",
        widget=yes_no_widget(),
    )
    category = django_filters.ChoiceFilter(
        label=_("Topic category"), field_name="topic__category", choices=Topic.Category.choices
    )

    class Meta:
        model = Session
        fields = [
            "venue",
            "township",
            "form",
            "topic",
            "month",
            "year",
            "state",
            "held",
            "category",
        ]
        form = StyledForm

    def filter_held(self, queryset, name, value):
        if value is None:
            return queryset
        held = Q(state__in=Session.HELD_STATES)
        return queryset.filter(held if value else ~held)


class TopicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title contains"), field_name="title", lookup_expr="icontains"
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Topic.Category.choices)
    source = django_filters.ChoiceFilter(
        label=_("Source of the topic"), choices=Topic.Source.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Topic.Status.choices)

    class Meta:
        model = Topic
        fields = ["q", "year", "category", "source", "status"]
        form = StyledForm


class ProjectFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="topic__year", min_value=2000, max_value=2100
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("Lead unit"), queryset=Unit.objects.active().order_by("sort_order", "name")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ResearchProject.Status.choices)

    class Meta:
        model = ResearchProject
        fields = ["year", "lead_unit", "status"]
        form = StyledForm


def visible_projects(request):
    """The projects a report filter offers: those the user may read (a member's own)."""
    if request is None:
        return ResearchProject.objects.none()
    return ResearchProject.objects.for_user(request.user).order_by("-topic__year", "title")


class ReportFilter(django_filters.FilterSet):
    """The research reports' list. `year` is the year of the research (of the project's
    topic), the year the overview and the annual report count a report in."""

    year = django_filters.NumberFilter(
        label=_("Year of the research"),
        field_name="project__topic__year",
        min_value=2000,
        max_value=2100,
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Research project"),
        queryset=visible_projects,  # type: ignore[arg-type]
    )
    instructed = django_filters.BooleanFilter(
        label=_("With a leader's instruction"), method="filter_instructed", widget=yes_no_widget()
    )
    q = django_filters.CharFilter(
        label=_("Title contains"), field_name="title", lookup_expr="icontains"
    )

    class Meta:
        model = Report
        fields = ["year", "project", "instructed", "q"]
        form = StyledForm

    def filter_instructed(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(instruction_count__gt=0)
            if value
            else queryset.filter(instruction_count=0)
        )


class InstructionFilter(django_filters.FilterSet):
    """The leaders' instructions (批示) on research reports; `year` is the year written."""

    year = django_filters.NumberFilter(
        label=_("Year"),
        field_name="instructed_on",
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
    )
    leader = django_filters.CharFilter(
        label=_("Leader"), field_name="leader_name", lookup_expr="icontains"
    )
    on_behalf = django_filters.BooleanFilter(
        label=_("Entered on the leader's behalf"), widget=yes_no_widget()
    )
    q = django_filters.CharFilter(label=_("Text contains"), method="filter_text")

    class Meta:
        model = Instruction
        fields = ["year", "leader", "on_behalf", "q"]
        form = StyledForm

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(report__title__icontains=value))


SOURCE_CHOICES = [("report", _("Research report")), ("session", _("Consultation session"))]
UNDECIDED = "undecided"
ADOPTED_ANY = "adopted_any"


class SuggestionFilter(django_filters.FilterSet):
    """The ledger's filters; the export reads the same ones. `progress` filters on the
    queryset's `with_progress()` annotation (or adds it as an alias). `referred` and
    `replied` (true or false) are what the statistics count as referred (at least one
    referral) and replied (at least one reply)."""

    year = django_filters.NumberFilter(
        label=_("Year raised"),
        field_name="raised_on",
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
    )
    progress = django_filters.ChoiceFilter(
        label=_("Progress"), choices=Suggestion.Progress.choices, method="filter_progress"
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[
            *Suggestion.Outcome.choices,
            (ADOPTED_ANY, _("Adopted fully or partly")),
            (UNDECIDED, _("Not decided yet")),
        ],
        method="filter_outcome",
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Handling department"),
        queryset=Department.objects.order_by("sort_order", "name"),
        method="filter_department",
    )
    referred = django_filters.BooleanFilter(
        label=_("Referred to a department"), method="filter_referred", widget=yes_no_widget()
    )
    replied = django_filters.BooleanFilter(
        label=_("Replied by a department"), method="filter_replied", widget=yes_no_widget()
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue referrals only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Suggestion.Category.choices)
    source = django_filters.ChoiceFilter(
        label=_("Comes from"), choices=SOURCE_CHOICES, method="filter_source"
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Research project"),
        field_name="report__project",
        queryset=ResearchProject.objects.order_by("-planned_start", "title"),
    )
    q = django_filters.CharFilter(label=_("Text contains"), method="filter_text")

    class Meta:
        model = Suggestion
        fields = [
            "year",
            "progress",
            "outcome",
            "department",
            "referred",
            "replied",
            "overdue",
            "category",
            "source",
            "project",
            "q",
        ]
        form = StyledForm

    def filter_progress(self, queryset, name, value):
        if not value:
            return queryset
        if "progress" not in queryset.query.annotations:  # the ledger's rows: an alias
            queryset = queryset.with_progress(select=False)
        return queryset.filter(progress=value)

    def filter_outcome(self, queryset, name, value):
        if value == UNDECIDED:
            return queryset.filter(outcome="")
        if value == ADOPTED_ANY:
            return queryset.adopted()
        return queryset.filter(outcome=value) if value else queryset

    def filter_department(self, queryset, name, value):
        return queryset.handled_by(value) if value else queryset

    def filter_referred(self, queryset, name, value):
        return queryset if value is None else queryset.referred(value)

    def filter_replied(self, queryset, name, value):
        return queryset if value is None else queryset.replied(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_source(self, queryset, name, value):
        if value == "report":
            return queryset.from_reports()
        if value == "session":
            return queryset.from_sessions()
        return queryset

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()[:100]
        return queryset.filter(text__icontains=value) if value else queryset
