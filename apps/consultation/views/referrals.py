"""Referrals: referring a suggestion to a department, recording its reply, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, FormView

from apps.core.mixins import UserFormKwargsMixin
from apps.core.submission import SubmitOnceMixin

from .. import services
from ..forms.referrals import ReferralCloseForm, ReferralForm, ReferralReplyForm
from ..models import Referral, Suggestion


class ReferralCreateView(PermissionRequiredMixin, UserFormKwargsMixin, SubmitOnceMixin, CreateView):
    """Staff refer a suggestion to a department (批转/交办)."""

    permission_required = "consultation.add_referral"
    form_class = ReferralForm
    template_name = "consultation/referral_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.suggestion = get_object_or_404(
                Suggestion.objects.for_user(request.user).select_related("report", "session"),
                pk=kwargs["suggestion"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suggestion": self.suggestion}

    def get_context_data(self, **kwargs):
        return super().get_context_data(suggestion=self.suggestion, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.referral_create(
                suggestion=self.suggestion,
                user=self.request.user,
                department=data["department"],
                co_departments=data["co_departments"],
                instruction=data.get("instruction"),
                referred_on=data["referred_on"],
                due_on=data["due_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Suggestion referred."))
        return HttpResponseRedirect(self.suggestion.get_absolute_url())


class ReferralActionView(PermissionRequiredMixin, FormView):
    """A form on one referral (reply, close): the referral comes from `for_user`."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.referral = get_object_or_404(
                Referral.objects.for_user(request.user).select_related("suggestion", "department"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "referral": self.referral,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def form_valid(self, form):
        try:
            self.run(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.referral.get_absolute_url())


class ReferralReplyView(ReferralActionView):
    permission_required = "consultation.reply_referral"
    form_class = ReferralReplyForm
    template_name = "consultation/referral_reply.html"
    success_message = _("Reply recorded.")

    def run(self, data):
        services.referral_reply(
            referral=self.referral,
            user=self.request.user,
            text=data["text"],
            replied_on=data["replied_on"],
            implementation=data["implementation"],
        )


class ReferralCloseView(ReferralActionView):
    permission_required = "consultation.close_referral"
    form_class = ReferralCloseForm
    template_name = "consultation/referral_close.html"
    success_message = _("Referral closed.")

    def run(self, data):
        services.referral_close(
            referral=self.referral,
            user=self.request.user,
            satisfaction=data["satisfaction"],
            closed_on=data["closed_on"],
        )
