from django.urls import path, register_converter

from . import views


class YearConverter:
    """A four-digit year."""

    regex = "[12][0-9]{3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


register_converter(YearConverter, "perf_year")

app_name = "performance"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    # Evaluation and the ledger
    path("evaluation/", views.EvaluationCurrentView.as_view(), name="evaluation_current"),
    path(
        "evaluation/<perf_year:year>/",
        views.EvaluationListView.as_view(),
        name="evaluation_list",
    ),
    path(
        "evaluation/<perf_year:year>/export/",
        views.EvaluationExportView.as_view(),
        name="evaluation_export",
    ),
    path("evaluation/<perf_year:year>/derive/", views.LedgerDeriveView.as_view(), name="derive"),
    path("my/", views.MyLedgerView.as_view(), name="my_ledger"),
    path("ledger/<perf_year:year>/<int:member_pk>/", views.LedgerView.as_view(), name="ledger"),
    path(
        "ledger/<perf_year:year>/<int:member_pk>/adjust/",
        views.AdjustmentCreateView.as_view(),
        name="adjust",
    ),
    path(
        "ledger/<perf_year:year>/<int:member_pk>/adjust/<int:pk>/delete/",
        views.AdjustmentDeleteView.as_view(),
        name="adjust_delete",
    ),
    # Meetings and attendance
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path(
        "meetings/<int:pk>/attendance/",
        views.AttendanceSheetView.as_view(),
        name="attendance_sheet",
    ),
    # The 列席 rotation
    path("rotation/", views.BatchListView.as_view(), name="batch_list"),
    path("rotation/plan/", views.RotationPlanView.as_view(), name="rotation_plan"),
    path("rotation/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("rotation/<int:pk>/edit/", views.BatchUpdateView.as_view(), name="batch_update"),
    # Duty reports
    path("duty-reports/", views.DutyReportListView.as_view(), name="dutyreport_list"),
    path("duty-reports/new/", views.DutyReportCreateView.as_view(), name="dutyreport_create"),
    path("duty-reports/<int:pk>/", views.DutyReportDetailView.as_view(), name="dutyreport_detail"),
    path(
        "duty-reports/<int:pk>/edit/",
        views.DutyReportUpdateView.as_view(),
        name="dutyreport_update",
    ),
    path("duty-reports/<int:pk>/file/", views.DutyReportFileView.as_view(), name="dutyreport_file"),
    # Study sessions
    path("study/", views.StudyListView.as_view(), name="study_list"),
    path("study/new/", views.StudyCreateView.as_view(), name="study_create"),
    path("study/<int:pk>/", views.StudyDetailView.as_view(), name="study_detail"),
    path("study/<int:pk>/edit/", views.StudyUpdateView.as_view(), name="study_update"),
]
