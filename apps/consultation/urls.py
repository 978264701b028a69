"""Sessions under /sessions/ (their route names predate the research pages), topics,
research projects, reports, the suggestion ledger, referrals and departments beside them."""

from django.urls import include, path

from . import views

app_name = "consultation"

session_patterns = [
    path("", views.SessionListView.as_view(), name="list"),
    path("export.xlsx", views.SessionExportView.as_view(), name="export"),
    path("calendar/", views.SessionCalendarView.as_view(), name="calendar"),
    path("new/", views.SessionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SessionUpdateView.as_view(), name="update"),
    path("<int:pk>/submit/", views.SessionSubmitView.as_view(), name="submit"),
    path("<int:pk>/publish/", views.SessionPublishView.as_view(), name="publish"),
    path("<int:pk>/return/", views.SessionReturnView.as_view(), name="return"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path(
        "photos/<int:pk>/thumbnail/",
        views.PhotoView.as_view(thumbnail=True),
        name="photo_thumbnail",
    ),
]

urlpatterns = [
    path("sessions/", include(session_patterns)),
    # Topics and research projects
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/new/", views.TopicCreateView.as_view(), name="topic_create"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<int:pk>/edit/", views.TopicUpdateView.as_view(), name="topic_update"),
    path(
        "topics/<int:topic>/projects/new/",
        views.ProjectCreateView.as_view(),
        name="project_create",
    ),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path(
        "projects/<int:project>/reports/new/",
        views.ReportCreateView.as_view(),
        name="report_create",
    ),
    # Reports, their files and instructions
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/file/", views.ReportFileView.as_view(), name="report_file"),
    path(
        "reports/versions/<int:pk>/file/",
        views.ReportFileView.as_view(version=True),
        name="report_version_file",
    ),
    path(
        "reports/<int:report>/instructions/new/",
        views.InstructionCreateView.as_view(),
        name="instruction_create",
    ),
    path(
        "reports/<int:report>/suggestions/new/",
        views.SuggestionCreateView.as_view(),
        name="suggestion_create",
    ),
    # Suggestions and referrals
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestion_list"),
    path(
        "suggestions/export.xlsx",
        views.SuggestionExportView.as_view(),
        name="suggestion_export",
    ),
    path("suggestions/mine/", views.MySuggestionsView.as_view(), name="my_suggestions"),
    path("suggestions/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("suggestions/<int:pk>/", views.SuggestionDetailView.as_view(), name="suggestion_detail"),
    path(
        "suggestions/<int:pk>/edit/",
        views.SuggestionUpdateView.as_view(),
        name="suggestion_update",
    ),
    path(
        "suggestions/<int:suggestion>/refer/",
        views.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path("referrals/<int:pk>/reply/", views.ReferralReplyView.as_view(), name="referral_reply"),
    path("referrals/<int:pk>/close/", views.ReferralCloseView.as_view(), name="referral_close"),
    # Departments
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path(
        "departments/<int:pk>/",
        views.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
]
