from django.urls import path

from . import security_views, views

app_name = "core"

urlpatterns = [
    path("bench/floor/", views.FloorView.as_view(), name="floor"),
    path("healthz", views.healthz, name="healthz"),
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
