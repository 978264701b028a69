"""社情民意 bulletins (期): the list, compiling one, the printable issue and its .docx,
sending it, leaders' instructions on it; and the committee's export and statistics."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from apps.core.mixins import PageMixin, UserFormKwargsMixin, selected_year, year_param
from apps.core.spreadsheets import Sheet, download, filter_summary, xlsx_download

from .. import opinion_services as services
from ..forms.opinions import IssueForm, OpinionInstructionForm, SendForm
from ..models import OpinionInstruction, OpinionIssue, OpinionItem
from ..opinion_documents import issue_docx
from ..opinion_filters import OpinionFilter
from .opinions import _form_errors


def _issue_items(issue: OpinionIssue) -> list[OpinionItem]:
    return list(
        issue.items.select_related("member", "venue", "township", "category").order_by(
            "issue_order", "pk"
        )
    )


class IssueListView(PermissionRequiredMixin, PageMixin, ListView):
    """Every issue, newest first, with how many items each holds. Two queries."""

    permission_required = "consultation.view_opinionissue"
    template_name = "consultation/opinion_issue_list.html"
    context_object_name = "issues"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        issues = OpinionIssue.objects.for_user(self.request.user)
        self.year = year_param(self.request)
        if self.year is not None:
            issues = issues.in_year(self.year)
        return issues.annotate(item_count=Count("items")).order_by("-year", "-number")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.year,
            can_compile=services.may_compile(self.request.user),
            waiting=OpinionItem.objects.compilable().count(),
            **kwargs,
        )


class IssueCreateView(PermissionRequiredMixin, FormView):
    """Compile adopted items into the next issue of the year."""

    permission_required = "consultation.compile_opinionissue"
    form_class = IssueForm
    template_name = "consultation/opinion_issue_form.html"

    def form_valid(self, form):
        try:
            issue = services.issue_compile(
                user=self.request.user,
                items=form.cleaned_data["items"],
                compiled_on=form.cleaned_data["compiled_on"],
                recipients=form.cleaned_data["recipients"],
                editor_note=form.cleaned_data["editor_note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Issue compiled: %(title)s") % {"title": issue})
        return HttpResponseRedirect(issue.get_absolute_url())


class IssueScopeMixin:
    request: HttpRequest
    kwargs: dict

    def get_issue(self) -> OpinionIssue:
        return get_object_or_404(
            OpinionIssue.objects.for_user(self.request.user), pk=self.kwargs["pk"]
        )


class IssueDetailView(LoginRequiredMixin, IssueScopeMixin, DetailView):
    """The issue laid out like the printed bulletin (masthead, items, recipients) with
    its instructions. Three queries."""

    template_name = "consultation/opinion_issue_detail.html"
    context_object_name = "issue"

    def get_object(self, queryset=None):
        return get_object_or_404(
            OpinionIssue.objects.for_user(self.request.user).prefetch_related(
                Prefetch(
                    "instructions", queryset=OpinionInstruction.objects.select_related("entered_by")
                )
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            items=_issue_items(self.object),
            can_compile=services.may_compile(user),
            can_instruct=services.may_instruct(user),
            **kwargs,
        )


class IssueDocxView(LoginRequiredMixin, IssueScopeMixin, View):
    """The issue as .docx, through the one download exit (logged)."""

    def get(self, request, pk):
        issue = self.get_issue()
        items = _issue_items(issue)
        return download(
            request,
            issue_docx(issue, items),
            filename=f"opinion-issue-{issue.year}-{issue.number}.docx",
            display_name=f"{issue.title}.docx",
            kind="docx",
            title=issue.title,
            rows=len(items),
        )


class IssueStepView(LoginRequiredMixin, UserFormKwargsMixin, IssueScopeMixin, FormView):
    template_name = "consultation/opinion_step.html"
    title = _("Send the issue")
    done = _("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.issue = self.get_issue()
            if not self.may(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def may(self, user) -> bool:
        return services.may_compile(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            issue=self.issue, title=self.title, back=self.issue.get_absolute_url(), **kwargs
        )

    def form_valid(self, form):
        try:
            self.run(form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return HttpResponseRedirect(self.issue.get_absolute_url())


class IssueSendView(IssueStepView):
    form_class = SendForm
    title = _("Send the issue")
    done = _("The issue is recorded as sent.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def get_initial(self):
        return {"recipients": self.issue.recipients}

    def run(self, data):
        services.issue_send(issue=self.issue, user=self.request.user, **data)


class IssueInstructView(IssueStepView):
    form_class = OpinionInstructionForm
    title = _("Leader's instruction (批示)")
    done = _("Instruction recorded.")

    def may(self, user) -> bool:
        return services.may_instruct(user)

    def run(self, data):
        services.opinion_instruct(issue=self.issue, user=self.request.user, **data)


class OpinionExportView(PermissionRequiredMixin, View):
    """The filtered list as .xlsx (what the user may read), through the one export
    helper. Three queries."""

    permission_required = "consultation.export_opinionitem"

    def get(self, request):
        queryset = OpinionItem.objects.for_user(request.user).submitted().with_related()
        filterset = OpinionFilter(request.GET, queryset=queryset, request=request)
        rows = (
            filterset.qs.order_by("-submitted_on", "-pk")
            if filterset.is_valid()
            else queryset.none()
        )
        headers = [
            _("Item title"),
            _("Category"),
            _("Township"),
            _("Source"),
            _("Submitted on"),
            _("State"),
            _("Reviewed on"),
            _("Issue"),
            _("Higher adoption"),
            _("Departments"),
        ]

        def item_rows():
            for item in rows:
                yield [
                    item.title,
                    item.category.name,
                    item.township.name if item.township else "",
                    item.source_name,
                    item.submitted_on,
                    str(item.get_state_display()),
                    item.reviewed_on,
                    str(item.issue) if item.issue else "",
                    "、".join(
                        f"{a.get_level_display()}{a.get_kind_display()}"
                        for a in item.adoptions.all()
                    ),
                    "、".join(r.department.name for r in item.referrals.all()),
                ]

        today = timezone.localdate()
        title = gettext("Public opinion items")
        return xlsx_download(
            request,
            Sheet(title, headers, item_rows()),
            title=title,
            filter_text=filter_summary(filterset.form),
            filename=f"opinions-{today:%Y%m%d}.xlsx",
            display_name=f"{title}-{today:%Y%m%d}.xlsx",
        )


class OpinionStatisticsView(PermissionRequiredMixin, TemplateView):
    """A year's items by township, by liaison office and by member: submitted, adopted,
    adopted higher up; each figure links to its filtered list. Three queries."""

    permission_required = "consultation.view_opinionitem"
    template_name = "consultation/opinion_statistics.html"

    def get_context_data(self, **kwargs):
        year = selected_year(self.request)
        items = OpinionItem.objects.for_user(self.request.user).submitted().in_year(year)
        counts = {
            "total": Count("pk", distinct=True),
            "adopted": Count("pk", filter=Q(state="adopted"), distinct=True),
            "higher": Count("pk", filter=Q(adoptions__kind="adopted"), distinct=True),
        }
        by_township = (
            items.filter(township__isnull=False)
            .values("township_id", "township__name", "township__sort_order")
            .annotate(**counts)
            .order_by("township__sort_order", "township__name")
        )
        by_office = (
            items.filter(venue__isnull=False)
            .values("venue_id", "venue__name", "venue__sort_order")
            .annotate(**counts)
            .order_by("venue__sort_order", "venue__name")
        )
        by_member = (
            items.filter(member__isnull=False)
            .values("member_id", "member__name")
            .annotate(**counts)
            .order_by("-adopted", "-total", "member__name")
        )
        return super().get_context_data(
            year=year,
            list_url=reverse("consultation:opinion_list"),
            by_township=list(by_township),
            by_office=list(by_office),
            by_member=list(by_member),
            **kwargs,
        )
