"""The pages of a handling department's users (承办单位): the referrals sent to their
department, as lead or co-handling department, of every kind (list with filters, detail);
the lead department records its reply with the letter, a co-handling department adds its
opinion. Another department's referral is a 404 (`Referral.objects.for_user`); the rules of
each step are in `handling.py`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from apps.core.mixins import PageMixin, year_choices, year_param

from .. import handling
from ..forms.referrals import ReferralOpinionForm
from ..models import Referral
from ..selectors import HANDLING_STATE_CHOICES, department_referral_rows
from .referrals import ReferralActionView, ReplyStep

PERMISSION = "consultation.handle_referral"


class HandlingListView(PermissionRequiredMixin, PageMixin, ListView):
    """The referrals of the user's department, newest first, filtered by state (awaiting,
    due soon, overdue, replied, closed) and year of referral: three queries per page."""

    permission_required = PERMISSION
    template_name = "consultation/handling_list.html"
    context_object_name = "referrals"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        self.today = timezone.localdate()
        self.department = handling.department_of(self.request.user)
        self.state = self.request.GET.get("state", "")
        self.year = year_param(self.request, recorded_only=True)
        if self.department is None:
            return Referral.objects.none()
        referrals = department_referral_rows(self.department, self.state, self.today)
        if self.year:
            referrals = referrals.filter(referred_on__year=self.year)
        return referrals

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            department=self.department,
            state=self.state,
            states=HANDLING_STATE_CHOICES,
            year=self.year,
            years=year_choices(next_year=False),
            today=self.today,
            **kwargs,
        )


class HandlingDetailView(PermissionRequiredMixin, DetailView):
    """One referral of the user's department: the subject (never its proposers' personal
    data), the instruction, the requirements and due date, the reply with its letter, the
    co-handling opinions and any earlier round; what the user may do next."""

    permission_required = PERMISSION
    template_name = "consultation/handling_detail.html"
    context_object_name = "referral"

    def get_queryset(self):
        return Referral.objects.for_user(self.request.user).with_handling()

    def get_context_data(self, **kwargs):
        user = self.request.user
        referral = self.object
        department = handling.department_of(user)
        opinions = list(referral.opinions.all())
        own_opinion = next(
            (
                o
                for o in opinions
                if department
                and o.department_id == department.pk
                and o.round_number == referral.round_number
            ),
            None,
        )
        return super().get_context_data(
            department=department,
            is_lead=handling.is_lead_department(user, referral),
            can_reply=handling.can_reply(user, referral) and department is not None,
            can_add_opinion=handling.can_add_opinion(user, referral) and department is not None,
            opinions=opinions,
            own_opinion=own_opinion,
            today=timezone.localdate(),
            **kwargs,
        )


class HandlingActionView(ReferralActionView):
    """A department's form on one of its referrals; the referral is looked up among the
    department's (404 otherwise) and the step's rule answers 403."""

    permission_required = PERMISSION

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.referral.get_handling_url(), **kwargs)


class HandlingReplyView(ReplyStep, HandlingActionView):
    """The lead department records (or corrects, until closed) its reply and letter."""

    def allowed(self, user, referral) -> bool:
        return handling.department_of(user) is not None and handling.can_reply(user, referral)


class HandlingOpinionView(HandlingActionView):
    """A co-handling department adds (or corrects, until closed) its opinion."""

    form_class = ReferralOpinionForm
    template_name = "consultation/referral_opinion.html"
    success_message = _("Opinion recorded.")

    def allowed(self, user, referral) -> bool:
        return handling.department_of(user) is not None and handling.can_add_opinion(user, referral)

    def get_form_kwargs(self):
        department = handling.department_of(self.request.user)
        opinion = self.referral.opinions.filter(
            department=department, round_number=self.referral.round_number
        ).first()
        return {**super().get_form_kwargs(), "opinion": opinion}

    def run(self, data, form):
        handling.referral_add_opinion(
            referral=self.referral,
            user=self.request.user,
            text=data["text"],
            given_on=data["given_on"],
        )
