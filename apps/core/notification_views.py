"""The inbox (`/notifications/`), opening one, marking all read, the channels a user
chooses, and the navigation's badge (fetched by htmx after a page loads, so no page pays
for it). Every view reads the signed-in user's own rows only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, UpdateView

from .forms import StyledModelForm
from .mixins import PageMixin
from .models import Notification, NotificationChannels
from .notifications import channels_of, mark_read
from .todos import todos


class InboxView(PageMixin, ListView):
    """The user's notifications, newest first: two queries (count, rows) and the unread
    count."""

    template_name = "core/notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = Notification.objects.for_user(self.request.user).unread().count()
        return context


class OpenView(View):
    """Mark one notification read and go to what it is about."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        mark_read(request.user, pk=notification.pk)
        url = notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            url = reverse("core:inbox")
        return HttpResponseRedirect(url)


class MarkAllReadView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        if mark_read(request.user):
            messages.success(request, _("All notifications are marked read."))
        return HttpResponseRedirect(reverse("core:inbox"))


@method_decorator(login_not_required, name="dispatch")
class BadgeView(View):
    """The navigation's counts: unread notifications and to-dos (an htmx fragment). Open
    without sign-in so that a session expired behind an open page swaps in nothing rather
    than the sign-in page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return HttpResponse('<span id="nav-badges"></span>')
        context = {
            "unread_count": Notification.objects.for_user(user).unread().count(),
            "todo_count": todos.count_for(user),
        }
        return render(request, "core/notifications/badge.html", context)


class ChannelsForm(StyledModelForm):
    class Meta:
        model = NotificationChannels
        fields = ["email", "sms"]


class ChannelsView(SuccessMessageMixin, UpdateView):
    """The channels a user chooses beyond the inbox (their profile's notification part)."""

    form_class = ChannelsForm
    template_name = "core/notifications/channels.html"
    success_url = reverse_lazy("core:channels")
    success_message = _("Your notification settings are saved.")

    def get_object(self, queryset=None):
        return channels_of(self.request.user)
