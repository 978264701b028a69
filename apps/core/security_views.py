"""The audit administrator's page (安全审计): the security events with filters, and the
same filtered events as .xlsx. Only holders of `core.view_securityevent` (the `auditor`
role) open it; the system administrator does not."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_filters.views import FilterView

from . import audit
from .mixins import PageMixin
from .models import SecurityEvent
from .spreadsheets import Sheet, filter_summary, xlsx_download
from .widget_html import use_fast_options

EXPORT_MAX_ROWS = 100_000


class SecurityEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Event type"), choices=SecurityEvent.Kind.choices, empty_label=_("All")
    )
    result = django_filters.ChoiceFilter(
        label=_("Result"), choices=SecurityEvent.Result.choices, empty_label=_("All")
    )
    username = django_filters.CharFilter(label=_("Username"), lookup_expr="icontains")
    target = django_filters.CharFilter(label=_("Object"), lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label=_("Source address"), lookup_expr="exact")
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = SecurityEvent
        fields = ["kind", "result", "username", "target", "ip_address", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            use_fast_options(field.widget)


def filtered_events(request):
    filterset = SecurityEventFilter(request.GET or None, queryset=SecurityEvent.objects.all())
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else None)


class PrintLogView(View):
    """POST from `static/js/app.js` when a signed-in user prints a page (the browser's
    "beforeprint", from a print button or Ctrl+P): a "print" event with the page's path
    and query (which list, which filter) and title. 204, no body."""

    http_method_names = ["post"]

    def post(self, request):
        path = str(request.POST.get("path", ""))[:255]
        if not path.startswith("/"):
            return HttpResponse(status=400)
        audit.record(
            "print",
            request=request,
            target=path,
            detail={"title": request.POST.get("title", "")[:200]},
        )
        return HttpResponse(status=204)


class SecurityEventListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Newest first, PAGINATE_BY a page: two queries (count, rows) whatever the filter."""

    permission_required = "core.view_securityevent"
    filterset_class = SecurityEventFilter
    template_name = "core/security_event_list.html"
    context_object_name = "events"
    strict = False

    def get_paginate_by(self, queryset):
        return settings.PAGINATE_BY

    def get_queryset(self):
        return SecurityEvent.objects.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        # Labels looked up once per page (`get_kind_display` rebuilds the choices per call).
        kinds = dict(SecurityEvent.Kind.choices)
        results = dict(SecurityEvent.Result.choices)
        for event in context["events"]:
            event.kind_label = kinds.get(event.kind, event.kind)
            event.result_label = results.get(event.result, event.result)
        return context


class SecurityEventExportView(PermissionRequiredMixin, View):
    """The filtered events (all pages, at most EXPORT_MAX_ROWS) as .xlsx; logged."""

    permission_required = "core.view_securityevent"

    def get(self, request):

        filterset = SecurityEventFilter(request.GET, queryset=SecurityEvent.objects.all())
        events = filterset.qs if filterset.is_valid() else SecurityEvent.objects.none()
        headers = [
            _gettext("Time"),
            _gettext("Username"),
            _gettext("Source address"),
            _gettext("Event type"),
            _gettext("Object"),
            _gettext("Result"),
            _gettext("Detail"),
        ]
        kinds = dict(SecurityEvent.Kind.choices)
        results = dict(SecurityEvent.Result.choices)

        def event_rows():
            for event in events.order_by("-created_at", "-id")[:EXPORT_MAX_ROWS].iterator(2000):
                yield [
                    event.created_at,
                    event.username,
                    event.ip_address or "",
                    str(kinds.get(event.kind, event.kind)),
                    event.target,
                    str(results.get(event.result, event.result)),
                    str(event.detail or ""),
                ]

        stamp = timezone.localdate().strftime("%Y%m%d")
        title = _gettext("Security events")
        return xlsx_download(
            request,
            Sheet(title, headers, event_rows()),
            title=title,
            filter_text=filter_summary(filterset.form),
            filename=f"security-events-{stamp}.xlsx",
            display_name=f"安全审计记录-{stamp}.xlsx",
        )
