"""What the register produces: the .xlsx export, the printable compilation of a sitting
(提案汇编, one proposal per page with its reply) and the statistics of a sitting."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.core.spreadsheets import Sheet, filter_summary, xlsx_download

from ..models import Proposal
from ..proposal_filters import ProposalFilter
from ..proposal_statistics import selected_sitting, sitting_statistics, sittings


class ProposalExportView(PermissionRequiredMixin, View):
    """The filtered register as .xlsx (what the user may read). Four queries."""

    permission_required = "consultation.export_proposal"

    def get(self, request):
        queryset = Proposal.objects.for_user(request.user).submitted().with_related()
        filterset = ProposalFilter(request.GET, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_valid() else queryset.none()
        headers = [
            _("Sitting"),
            _("Number"),
            _("Title"),
            _("Category"),
            _("Kind"),
            _("Proposer"),
            _("Co-signers"),
            _("State"),
            _("Submitted on"),
            _("Departments"),
            _("Replied on"),
            _("Class"),
            _("Rating"),
            _("Key proposal"),
        ]

        def single(referrals, value):
            """One referral's date as a date cell; several as lines of text."""
            dates = [value(r) for r in referrals if value(r)]
            if len(dates) <= 1:
                return dates[0] if dates else None
            return "、".join(d.isoformat() for d in dates)

        def register_rows():
            for p in rows:
                referrals = list(p.referrals.all())
                yield [
                    p.sitting_label,
                    p.number or "",
                    p.title,
                    p.category.name,
                    p.get_kind_display(),
                    p.proposer_name,
                    "、".join(s.member.name for s in p.signers.all() if s.state == "confirmed"),
                    str(p.get_status_display()),
                    p.submitted_on,
                    "、".join(r.department.name for r in referrals),
                    single(referrals, lambda r: r.replied_on),
                    "、".join(
                        r.get_implementation_display() for r in referrals if r.implementation
                    ),
                    str(p.get_rating_display()) if p.rating else "",
                    _("Yes") if p.is_key else "",
                ]

        today = timezone.localdate()
        title = _("Proposal register")
        return xlsx_download(
            request,
            Sheet(_("Proposals"), headers, register_rows()),
            title=title,
            filter_text=filter_summary(filterset.form),
            filename=f"proposals-{today:%Y%m%d}.xlsx",
            display_name=f"{title}-{today:%Y%m%d}.xlsx",
        )


class SittingMixin:
    request: HttpRequest

    def sitting_context(self) -> dict:
        available = sittings()
        return {
            "sittings": available,
            "sitting": selected_sitting(self.request.GET, available),
        }


class CompilationView(PermissionRequiredMixin, SittingMixin, TemplateView):
    """提案汇编: the registered proposals of a sitting by number, one per printed page,
    each with its replies. Four queries."""

    permission_required = "consultation.view_proposal"
    template_name = "consultation/proposal_compilation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**self.sitting_context(), **kwargs)
        sitting = context["sitting"]
        context["proposals"] = (
            Proposal.objects.for_user(self.request.user)
            .registered()
            .of_sitting(term=sitting.term, year=sitting.year, sitting=sitting.sitting)
            .with_related()
            .order_by("number")
            if sitting
            else []
        )
        return context


class ProposalStatisticsView(PermissionRequiredMixin, SittingMixin, TemplateView):
    permission_required = "consultation.view_proposal"
    template_name = "consultation/proposal_statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**self.sitting_context(), **kwargs)
        if context["sitting"]:
            context["stats"] = sitting_statistics(context["sitting"])
        return context
