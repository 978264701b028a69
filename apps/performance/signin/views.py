"""The sign-in pages: the member's confirmation (`/signin/<token>/`, rate-limited), the
screens staff and office heads put on a projector (QR, live count, who is missing,
refreshed by htmx), closing a meeting's sign-in, the printable invitation, and leave."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from apps.accounts.roles import is_staff_user
from apps.consultation.models import Session
from apps.core.mixins import PageMixin
from apps.members.models import Member
from apps.venues.managers import manages_venue

from ..forms import LeaveRequestForm
from ..models import LeaveRequest, Meeting
from ..views.base import TabsMixin
from . import selectors, services
from .tokens import InvalidCode, make_token, read_token, starts_at, window


def rate_limited(request) -> bool:
    """Count this user's (or IP's) requests to the sign-in page in the cache: True past
    `SIGNIN_RATE_LIMIT` requests within `SIGNIN_RATE_PERIOD` seconds."""
    limit, period = settings.SIGNIN_RATE_LIMIT, settings.SIGNIN_RATE_PERIOD
    who = request.user.pk if request.user.is_authenticated else "anon"
    key = f"signin-rate:{who}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno, on the server)."""
    return segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, svgclass="signin-qr", title=url
    )


class SignInView(LoginRequiredMixin, View):
    """A member confirms their presence (GET shows the meeting, POST records it). Only
    as themselves: the member record is the signed-in user's own."""

    template_name = "performance/signin/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and rate_limited(request):
            error = _("Too many attempts: wait a minute and scan again.")
            return render(request, self.template_name, {"error": error}, status=429)
        return super().dispatch(request, *args, **kwargs)

    def _context(self, token):
        try:
            code = read_token(token)
        except InvalidCode as invalid:
            return None, {"error": invalid.message}
        member = Member.objects.filter(user=self.request.user).first()
        if member is None:
            return None, {"error": _("Only members sign in: your account has no member record.")}
        target = code.target
        return (code, member), {
            "target": target,
            "is_session": isinstance(target, Session),
            "member": member,
            "window": window(target),
        }

    def get(self, request, token):
        found, context = self._context(token)
        status = 200 if found else 403
        return render(request, self.template_name, context, status=status)

    def post(self, request, token):
        found, context = self._context(token)
        if not found:
            return render(request, self.template_name, context, status=403)
        code, member = found
        try:
            result = services.signin_record(code=code, member=member)
        except services.NotInvited:
            context["error"] = _(
                "You are not on the list of this meeting: please see the staff at the door."
            )
            return render(request, self.template_name, context, status=403)
        context["result"] = result
        return render(request, self.template_name, context)


class ScreenMixin:
    """A sign-in screen's target, its code and live figures."""

    live_url_name = ""

    def get_target(self):
        raise NotImplementedError

    def live(self, target):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.get_target()
        walk_in = self.request.GET.get("walk_in") == "1" and isinstance(target, Session)
        url = self.request.build_absolute_uri(
            reverse("signin:signin", args=[make_token(target, walk_in=walk_in)])
        )
        context.update(
            target=target,
            signin_url=url,
            qr=qr_svg(url),
            window=window(target),
            live=self.live(target),
            live_url=reverse(self.live_url_name, args=[target.pk]),
            walk_in=walk_in,
            is_session=isinstance(target, Session),
        )
        return context


class MeetingScreenMixin(PermissionRequiredMixin):
    permission_required = "performance.change_attendance"
    live_url_name = "performance:meeting_signin_live"

    def get_target(self):
        return get_object_or_404(Meeting, pk=self.kwargs["pk"])

    def live(self, target):
        return selectors.meeting_live(target)


class SessionScreenMixin(LoginRequiredMixin):
    """Staff, or the office head of the session's venue."""

    live_url_name = "performance:session_signin_live"

    def get_target(self):
        session = get_object_or_404(
            Session.objects.select_related("venue", "topic"), pk=self.kwargs["pk"]
        )
        user = self.request.user
        if not (is_staff_user(user) or manages_venue(user, session.venue_id)):
            raise PermissionDenied
        return session

    def live(self, target):
        return selectors.session_live(target)


class MeetingSignInScreenView(MeetingScreenMixin, ScreenMixin, TabsMixin, TemplateView):
    template_name = "performance/signin/screen.html"
    tab = "performance:meeting_list"


class MeetingSignInLiveView(MeetingScreenMixin, ScreenMixin, TemplateView):
    template_name = "performance/signin/_live.html"


class SessionSignInScreenView(SessionScreenMixin, ScreenMixin, TemplateView):
    template_name = "performance/signin/screen.html"


class SessionSignInLiveView(SessionScreenMixin, ScreenMixin, TemplateView):
    template_name = "performance/signin/_live.html"


class MeetingSignInCloseView(PermissionRequiredMixin, TabsMixin, TemplateView):
    """Confirm, then mark every invitee without a row absent."""

    permission_required = "performance.change_attendance"
    template_name = "performance/signin/close.html"
    tab = "performance:meeting_list"

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(Meeting, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meeting=self.meeting,
            live=selectors.meeting_live(self.meeting),
            started=timezone.now() >= starts_at(self.meeting),
        )
        return context

    def post(self, request, pk):
        try:
            count = services.signin_close(meeting=self.meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("performance:meeting_signin", pk=self.meeting.pk)
        messages.success(
            request, _("Sign-in closed: %(count)s members marked absent.") % {"count": count}
        )
        return redirect(self.meeting)


class InvitationView(LoginRequiredMixin, TemplateView):
    """The printable invitation of an invited member (staff: of any invitee), with the
    meeting's sign-in code for the day."""

    template_name = "performance/signin/invitation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        member = Member.objects.filter(user=self.request.user).first()
        staff = self.request.user.has_perm("performance.change_attendance")
        invited = member is not None and services.is_invited(meeting=meeting, member=member)
        if not (invited or staff):
            raise Http404
        url = self.request.build_absolute_uri(reverse("signin:signin", args=[make_token(meeting)]))
        context.update(
            meeting=meeting,
            member=member if invited else None,
            signin_url=url,
            qr=qr_svg(url),
            window=window(meeting),
        )
        return context


class LeaveRequestCreateView(LoginRequiredMixin, FormView):
    """A member asks for leave before the meeting starts."""

    form_class = LeaveRequestForm
    template_name = "performance/signin/leave_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = get_object_or_404(Meeting, pk=kwargs["pk"])
        self.member = Member.objects.filter(user=request.user).first()
        if self.member is None or not services.is_invited(meeting=self.meeting, member=self.member):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        return context

    def form_valid(self, form):
        try:
            services.leave_request(
                meeting=self.meeting, member=self.member, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request for leave is sent to the office."))
        return redirect("home")


class LeaveListView(PermissionRequiredMixin, TabsMixin, PageMixin, ListView):
    """Leave requests, those awaiting a decision first: two queries."""

    permission_required = "performance.view_leaverequest"
    template_name = "performance/signin/leave_list.html"
    context_object_name = "requests"
    paginate_by = 50
    tab = "performance:meeting_list"

    def get_queryset(self):
        # Awaiting a decision first ("requested" > "refused" > "approved"), then the
        # latest meetings.
        return (
            LeaveRequest.objects.for_user(self.request.user)
            .with_related()
            .order_by("-state", "-meeting__date", "requested_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_decide"] = self.request.user.has_perm("performance.change_leaverequest")
        return context


class LeaveDecideView(PermissionRequiredMixin, View):
    permission_required = "performance.change_leaverequest"

    def post(self, request, pk):
        leave = get_object_or_404(LeaveRequest, pk=pk)
        approve = request.POST.get("decision") == "approve"
        try:
            services.leave_decide(request=leave, user=request.user, approve=approve)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            text = _("Leave approved: %(member)s.") if approve else _("Leave refused: %(member)s.")
            messages.success(request, text % {"member": leave.member.name})
        return redirect("performance:leave_list")
