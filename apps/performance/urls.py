from django.urls import path, register_converter

from apps.core.pagecache import cached_page

from .signin import views as signin
from .views import base, duty_reports, evaluation, meetings, offices, rotation, study


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
    path("", cached_page(base.IndexView.as_view()), name="index"),
    # Evaluation and the ledger
    path("evaluation/", evaluation.EvaluationCurrentView.as_view(), name="evaluation_current"),
    path(
        "evaluation/<perf_year:year>/",
        cached_page(evaluation.EvaluationListView.as_view()),
        name="evaluation_list",
    ),
    path(
        "evaluation/<perf_year:year>/export/",
        evaluation.EvaluationExportView.as_view(),
        name="evaluation_export",
    ),
    path(
        "evaluation/<perf_year:year>/derive/", evaluation.LedgerDeriveView.as_view(), name="derive"
    ),
    path("my/", cached_page(evaluation.MyLedgerView.as_view()), name="my_ledger"),
    path(
        "ledger/<perf_year:year>/<int:member_pk>/",
        cached_page(evaluation.LedgerView.as_view()),
        name="ledger",
    ),
    path(
        "ledger/<perf_year:year>/<int:member_pk>/adjust/",
        evaluation.AdjustmentCreateView.as_view(),
        name="adjust",
    ),
    path(
        "ledger/<perf_year:year>/<int:member_pk>/adjust/<int:pk>/delete/",
        evaluation.AdjustmentDeleteView.as_view(),
        name="adjust_delete",
    ),
    # The office evaluation: rankings and each venue's breakdown
    path("offices/", offices.OfficeCurrentView.as_view(), name="office_current"),
    path(
        "offices/<perf_year:year>/",
        cached_page(offices.OfficeRankingView.as_view()),
        name="office_list",
    ),
    path(
        "offices/<perf_year:year>/export/",
        offices.OfficeExportView.as_view(),
        name="office_export",
    ),
    path(
        "offices/<perf_year:year>/derive/",
        offices.OfficeDeriveView.as_view(),
        name="office_derive",
    ),
    path(
        "offices/<perf_year:year>/<int:venue_pk>/",
        cached_page(offices.OfficeDetailView.as_view()),
        name="office_detail",
    ),
    path(
        "offices/<perf_year:year>/<int:venue_pk>/adjust/",
        offices.OfficeAdjustView.as_view(),
        name="office_adjust",
    ),
    path(
        "offices/<perf_year:year>/<int:venue_pk>/adjust/<int:pk>/delete/",
        offices.OfficeAdjustDeleteView.as_view(),
        name="office_adjust_delete",
    ),
    # Meetings and attendance
    path("meetings/", cached_page(meetings.MeetingListView.as_view()), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(
        "meetings/<int:pk>/",
        cached_page(meetings.MeetingDetailView.as_view()),
        name="meeting_detail",
    ),
    path("meetings/<int:pk>/edit/", meetings.MeetingUpdateView.as_view(), name="meeting_update"),
    path(
        "meetings/<int:pk>/attendance/",
        meetings.AttendanceSheetView.as_view(),
        name="attendance_sheet",
    ),
    # Sign-in by QR code and leave
    path(
        "meetings/<int:pk>/signin/",
        signin.MeetingSignInScreenView.as_view(),
        name="meeting_signin",
    ),
    path(
        "meetings/<int:pk>/signin/live/",
        signin.MeetingSignInLiveView.as_view(),
        name="meeting_signin_live",
    ),
    path(
        "meetings/<int:pk>/signin/close/",
        signin.MeetingSignInCloseView.as_view(),
        name="meeting_signin_close",
    ),
    path("meetings/<int:pk>/invitation/", signin.InvitationView.as_view(), name="invitation"),
    path("meetings/<int:pk>/leave/", signin.LeaveRequestCreateView.as_view(), name="leave_create"),
    path("leave/", cached_page(signin.LeaveListView.as_view()), name="leave_list"),
    path("leave/<int:pk>/decide/", signin.LeaveDecideView.as_view(), name="leave_decide"),
    path(
        "sessions/<int:pk>/signin/",
        signin.SessionSignInScreenView.as_view(),
        name="session_signin",
    ),
    path(
        "sessions/<int:pk>/signin/live/",
        signin.SessionSignInLiveView.as_view(),
        name="session_signin_live",
    ),
    # The 列席 rotation
    path("rotation/", cached_page(rotation.BatchListView.as_view()), name="batch_list"),
    path("rotation/plan/", rotation.RotationPlanView.as_view(), name="rotation_plan"),
    path(
        "rotation/<int:pk>/", cached_page(rotation.BatchDetailView.as_view()), name="batch_detail"
    ),
    path("rotation/<int:pk>/edit/", rotation.BatchUpdateView.as_view(), name="batch_update"),
    # Duty reports
    path(
        "duty-reports/",
        cached_page(duty_reports.DutyReportListView.as_view()),
        name="dutyreport_list",
    ),
    path(
        "duty-reports/new/", duty_reports.DutyReportCreateView.as_view(), name="dutyreport_create"
    ),
    path(
        "duty-reports/<int:pk>/",
        duty_reports.DutyReportDetailView.as_view(),
        name="dutyreport_detail",
    ),
    path(
        "duty-reports/<int:pk>/edit/",
        duty_reports.DutyReportUpdateView.as_view(),
        name="dutyreport_update",
    ),
    path(
        "duty-reports/<int:pk>/file/",
        duty_reports.DutyReportFileView.as_view(),
        name="dutyreport_file",
    ),
    # Study sessions
    path("study/", cached_page(study.StudyListView.as_view()), name="study_list"),
    path("study/new/", study.StudyCreateView.as_view(), name="study_create"),
    path("study/<int:pk>/", cached_page(study.StudyDetailView.as_view()), name="study_detail"),
    path("study/<int:pk>/edit/", study.StudyUpdateView.as_view(), name="study_update"),
]
