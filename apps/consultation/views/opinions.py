"""社情民意 items: a reporter's own (a member's, an office's; written on a phone), the
committee's list, one item with its whole chain and the steps open to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView
from django_filters.views import FilterView

from apps.core.files import serve_protected
from apps.core.mixins import PageMixin, UserFormKwargsMixin
from apps.core.numbers import is_number
from apps.core.submission import SubmitOnceMixin

from .. import opinion_services as services
from ..forms.opinions import (
    AdoptionForm,
    OpinionForm,
    OpinionInstructionForm,
    ReasonForm,
    SentTextForm,
)
from ..forms.proposals import AssignForm
from ..models import OpinionInstruction, OpinionItem, OpinionPhoto, default_due
from ..opinion_filters import OpinionFilter
from ..selectors import subject_referrals

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OpinionListView(PermissionRequiredMixin, PageMixin, FilterView):
    """The committee's list: every submitted item, filtered. Queries: count, rows (source,
    category, township, issue joined), adoptions, referrals, and the filters' choices."""

    permission_required = "consultation.view_opinionitem"
    filterset_class = OpinionFilter
    template_name = "consultation/opinion_list.html"
    context_object_name = "items"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            OpinionItem.objects.for_user(self.request.user)
            .submitted()
            .with_related()
            .order_by("-submitted_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.request.GET.urlencode(), **kwargs)


class MyOpinionsView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """A member's items and those of the liaison offices the user manages, with their
    progress. Three queries whatever the rows."""

    permission_required = "consultation.add_own_opinionitem"
    template_name = "consultation/my_opinions.html"
    context_object_name = "items"

    def get_queryset(self):
        from ..opinion_managers import own_opinion_q

        return (
            OpinionItem.objects.filter(own_opinion_q(self.request.user))
            .with_related()
            .order_by("-created_at", "-pk")
        )


class OpinionScopeMixin:
    """The item of the URL among those the user may read (404 otherwise)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_item(self) -> OpinionItem:
        return get_object_or_404(
            OpinionItem.objects.for_user(self.request.user).select_related("member", "venue"),
            pk=self.kwargs["pk"],
        )


class OpinionDetailView(LoginRequiredMixin, OpinionScopeMixin, DetailView):
    """One item and its whole chain: submitted → reviewed → compiled in an issue →
    instructions → referrals and replies → higher adoptions; the steps open to the user.
    A fixed number of queries."""

    template_name = "consultation/opinion_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        return get_object_or_404(
            OpinionItem.objects.for_user(self.request.user)
            .with_related()
            .select_related("reviewed_by", "created_by", "venue__township")
            .prefetch_related(
                "photos",
                Prefetch(
                    "instructions",
                    queryset=OpinionInstruction.objects.select_related("entered_by"),
                ),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        item = self.object
        State = OpinionItem.State
        issue_instructions = (
            list(
                OpinionInstruction.objects.filter(issue_id=item.issue_id).order_by(
                    "instructed_on", "pk"
                )
            )
            if item.issue_id
            else []
        )
        reviewer = services.may_review(user)
        adopted = item.state == State.ADOPTED
        return super().get_context_data(
            referrals=subject_referrals(item, user),
            issue_instructions=issue_instructions,
            is_reporter=services.is_reporter(user, item),
            can_edit=services.may_edit(user, item),
            can_review=services.may_review(user, item),
            can_edit_text=reviewer and adopted,
            can_refer=services.may_refer(user, item),
            can_instruct=services.may_instruct(user) and adopted,
            can_record_adoption=services.may_record_adoption(user) and adopted,
            can_read_issue=user.has_perm("consultation.view_opinionissue"),
            **kwargs,
        )


class OpinionFormMixin(UserFormKwargsMixin):
    request: HttpRequest

    def form_valid(self, form):
        try:
            self.object = services.opinion_save(
                item=form.instance,
                user=self.request.user,
                office=form.cleaned_data.get("office"),
                new_photos=form.cleaned_data.get("photos") or [],
                removed_photo_ids=[p.pk for p in form.cleaned_data.get("remove_photos") or []],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        if self.request.POST.get("submit") == "1":
            try:
                services.opinion_submit(item=self.object, user=self.request.user)
            except ValidationError as error:
                for text in error.messages:
                    messages.error(self.request, text)
            else:
                messages.success(self.request, gettext("Item submitted."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, gettext("Draft saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class OpinionCreateView(LoginRequiredMixin, OpinionFormMixin, SubmitOnceMixin, CreateView):
    """A member reports (一事一报), or an office head for residents of their office."""

    form_class = OpinionForm
    template_name = "consultation/opinion_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # `?office=` from a liaison office's page preselects it (the form limits it).
        office = self.request.GET.get("office", "")
        return {"office": office} if is_number(office) else {}


class OpinionUpdateView(LoginRequiredMixin, OpinionFormMixin, OpinionScopeMixin, UpdateView):
    form_class = OpinionForm
    template_name = "consultation/opinion_form.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        item = self.get_item()
        if not services.may_edit(self.request.user, item):
            raise PermissionDenied
        return item


class OpinionSubmitView(LoginRequiredMixin, OpinionScopeMixin, View):
    def post(self, request, pk):
        item = self.get_item()
        try:
            services.opinion_submit(item=item, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, gettext("Item submitted."))
        return HttpResponseRedirect(item.get_absolute_url())


class OpinionStepView(LoginRequiredMixin, OpinionScopeMixin, FormView):
    """A step with a form on its own page, phone-sized; errors stay by their fields."""

    template_name = "consultation/opinion_step.html"
    title: StrOrPromise = ""
    done: StrOrPromise = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = self.get_item()
            if not self.may(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def may(self, user) -> bool:
        return services.may_review(user, self.item)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, title=self.title, **kwargs)

    def form_valid(self, form):
        try:
            self.run(form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return HttpResponseRedirect(self.item.get_absolute_url())

    def run(self, data) -> None:
        raise NotImplementedError


def _edits(item: OpinionItem, data) -> dict[str, str]:
    """The staff's edits: a field left as submitted is stored empty (sent as is)."""
    title = data["edited_title"].strip()
    text = data["edited_text"].replace("\r\n", "\n").strip()
    return {
        "edited_title": "" if title == item.title else title,
        "edited_text": "" if text == item.submitted_text else text,
    }


class AdoptView(OpinionStepView):
    form_class = SentTextForm
    title = _("Adopt the item")
    done = _("Item adopted.")

    def get_initial(self):
        return {"edited_title": self.item.sent_title, "edited_text": self.item.sent_text}

    def run(self, data):
        services.opinion_adopt(item=self.item, user=self.request.user, **_edits(self.item, data))


class SentTextView(AdoptView):
    title = _("Edit the text sent up")
    done = _("Text saved.")

    def may(self, user) -> bool:
        adopted = self.item.state == OpinionItem.State.ADOPTED
        return services.may_review(user) and adopted and not self.item.issue_id

    def run(self, data):
        services.opinion_set_sent_text(
            item=self.item, user=self.request.user, **_edits(self.item, data)
        )


class NotAdoptView(OpinionStepView):
    form_class = ReasonForm
    title = _("Not adopted")
    done = _("Item not adopted; the reporter sees the reason.")

    def run(self, data):
        services.opinion_not_adopt(item=self.item, user=self.request.user, reason=data["reason"])


class ReturnView(OpinionStepView):
    form_class = ReasonForm
    title = _("Return for revision")
    done = _("Item returned for revision.")

    def run(self, data):
        services.opinion_return(item=self.item, user=self.request.user, reason=data["reason"])


class ReferView(OpinionStepView):
    form_class = AssignForm
    title = _("Refer to a department")
    done = _("Item referred.")

    def may(self, user) -> bool:
        return services.may_refer(user, self.item)

    def run(self, data):
        services.opinion_refer(
            item=self.item,
            user=self.request.user,
            department=data["department"],
            co_departments=data["co_departments"],
            referred_on=data["assigned_on"],
            due_on=data["due_on"] or default_due(data["assigned_on"]),
            note=data["note"],
        )


class InstructView(UserFormKwargsMixin, OpinionStepView):
    form_class = OpinionInstructionForm
    title = _("Leader's instruction (批示)")
    done = _("Instruction recorded.")

    def may(self, user) -> bool:
        return services.may_instruct(user) and self.item.state == OpinionItem.State.ADOPTED

    def run(self, data):
        services.opinion_instruct(item=self.item, user=self.request.user, **data)


class AdoptionView(OpinionStepView):
    form_class = AdoptionForm
    title = _("Record a higher level's adoption or instruction")
    done = _("Recorded.")

    def may(self, user) -> bool:
        return services.may_record_adoption(user) and self.item.state == OpinionItem.State.ADOPTED

    def run(self, data):
        services.adoption_record(item=self.item, user=self.request.user, **data)


class OpinionPhotoView(LoginRequiredMixin, View):
    """A photo (or its thumbnail), only for users who may read the item."""

    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(OpinionPhoto.objects.for_user(request.user), pk=pk)
        return serve_protected(photo.thumbnail if self.thumbnail else photo.image)


class OpinionFileView(LoginRequiredMixin, OpinionScopeMixin, View):
    """The attachment, for those who may read the item."""

    def get(self, request, pk):
        item = self.get_item()
        if not item.attachment:
            raise Http404
        return serve_protected(
            item.attachment, as_attachment=True, filename=item.attachment_download_name()
        )
