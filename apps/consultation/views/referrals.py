"""Referrals on the staff's pages: referring a suggestion to a department, recording its
reply on the department's behalf, closing it, reopening it; the reply letter's download
(for everyone who may read the referral). The rules are in `handling.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, FormView, View

from apps.core.files import serve_protected
from apps.core.mixins import UserFormKwargsMixin
from apps.core.submission import SubmitOnceMixin

from .. import handling
from ..forms.referrals import ReferralCloseForm, ReferralForm, ReferralReopenForm, ReferralReplyForm
from ..models import Referral, ReferralRound, Suggestion


class ReferralCreateView(PermissionRequiredMixin, UserFormKwargsMixin, SubmitOnceMixin, CreateView):
    """Staff refer a subject to a department (批转/交办): a suggestion here; another kind
    subclasses this with its own `get_subject` (and its URL's keyword)."""

    permission_required = "consultation.add_referral"
    form_class = ReferralForm
    template_name = "consultation/referral_form.html"

    def get_subject(self):
        """The subject, among those the user may read (404 otherwise)."""
        return get_object_or_404(
            Suggestion.objects.for_user(self.request.user).select_related("report", "session"),
            pk=self.kwargs["suggestion"],
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.subject = self.get_subject()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subject": self.subject}

    def get_context_data(self, **kwargs):
        # `suggestion`: the template's name for a suggestion subject.
        return super().get_context_data(subject=self.subject, suggestion=self.subject, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = handling.referral_create(
                user=self.request.user,
                department=data["department"],
                co_departments=data["co_departments"],
                instruction=data.get("instruction"),
                referred_on=data["referred_on"],
                due_on=data["due_on"],
                note=data["note"],
                **{Referral.subject_field_for(self.subject): self.subject},
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Suggestion referred."))
        return HttpResponseRedirect(self.subject.get_absolute_url())


class ReferralActionView(PermissionRequiredMixin, FormView):
    """A form on one referral (reply, close, reopen): the referral comes from `for_user`
    (404 outside it); `allowed` (a rule of `handling.py`) answers 403 before any form."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.referral = get_object_or_404(
                Referral.objects.for_user(request.user).select_related(
                    *Referral.SUBJECT_FIELDS, "department"
                ),
                pk=kwargs["pk"],
            )
            if not self.allowed(request.user, self.referral):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user, referral) -> bool:
        return True

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
            self.run(form.cleaned_data, form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(handling.handling_url(self.request.user, self.referral))


class ReplyStep(ReferralActionView):
    """The reply step: its form, page and the chain's `referral_reply`; staff
    (`ReferralReplyView`) and the lead department (`views.handling.HandlingReplyView`)
    take it on their own pages, each with its own permission and rule."""

    form_class = ReferralReplyForm
    template_name = "consultation/referral_reply.html"
    success_message = _("Reply recorded.")

    def run(self, data, form):
        handling.referral_reply(
            referral=self.referral,
            user=self.request.user,
            text=data["text"],
            replied_on=data["replied_on"],
            implementation=data["implementation"],
            letter=form.letter_input(),
            remove_letter=bool(data.get("remove_letter")),
        )


class ReferralReplyView(ReplyStep):
    permission_required = "consultation.reply_referral"

    def allowed(self, user, referral) -> bool:
        # Staff on the department's behalf; a department user replies on its own pages.
        return handling.department_of(user) is None


class ReferralCloseView(ReferralActionView):
    permission_required = "consultation.close_referral"
    form_class = ReferralCloseForm
    template_name = "consultation/referral_close.html"
    success_message = _("Referral closed.")

    def allowed(self, user, referral) -> bool:
        return not handling.closes_on_the_subject(referral)

    def run(self, data, form):
        handling.referral_close(
            referral=self.referral,
            user=self.request.user,
            satisfaction=data["satisfaction"],
            closed_on=data["closed_on"],
        )


class ReferralReopenView(ReferralActionView):
    """Staff reopen a closed referral whose proposers were not satisfied, once."""

    permission_required = "consultation.reopen_referral"
    form_class = ReferralReopenForm
    template_name = "consultation/referral_reopen.html"
    success_message = _("Referral reopened for another round of handling.")

    def allowed(self, user, referral) -> bool:
        return handling.can_reopen(user, referral) and not handling.closes_on_the_subject(referral)

    def run(self, data, form):
        handling.referral_reopen(
            referral=self.referral,
            user=self.request.user,
            reopened_on=data["reopened_on"],
            due_on=data["due_on"],
            reason=data["reason"],
        )


class ReferralLetterView(LoginRequiredMixin, View):
    """The reply letter of a referral (or of one of its closed rounds), downloaded under
    its uploaded name with the extension of its detected format, by whoever may read the
    referral (`Referral.objects.for_user`: staff, leaders, office heads, the proposers,
    the lead and co-handling departments)."""

    round = False

    def get(self, request, pk):
        if self.round:
            item = get_object_or_404(
                ReferralRound.objects.filter(
                    referral__in=Referral.objects.for_user(request.user).values("pk")
                ),
                pk=pk,
            )
        else:
            item = get_object_or_404(Referral.objects.for_user(request.user), pk=pk)
        if not item.reply_letter:
            raise Http404
        return serve_protected(
            item.reply_letter, as_attachment=True, filename=item.letter_download_name()
        )
