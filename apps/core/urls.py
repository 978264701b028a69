from django.urls import path

from . import notification_views, security_views, views

app_name = "core"

urlpatterns = [
    path("bench/floor/", views.FloorView.as_view(), name="floor"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", notification_views.InboxView.as_view(), name="inbox"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.OpenView.as_view(),
        name="notification_open",
    ),
    path("notifications/read/", notification_views.MarkAllReadView.as_view(), name="mark_all_read"),
    path("notifications/badge/", notification_views.BadgeView.as_view(), name="badge"),
    path("notifications/settings/", notification_views.ChannelsView.as_view(), name="channels"),
    path(
        "security/events/",
        security_views.SecurityEventListView.as_view(),
        name="security_events",
    ),
    path("security/print/", security_views.PrintLogView.as_view(), name="print_log"),
    path(
        "security/events/export.xlsx",
        security_views.SecurityEventExportView.as_view(),
        name="security_events_export",
    ),
]
