from django.urls import path

from apps.core.pagecache import cached_page

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.LatestReportView.as_view(), name="latest"),
    path("<int:year>/", cached_page(views.ReportView.as_view()), name="year"),
    path("<int:year>/report.docx", views.ReportDocxView.as_view(), name="docx"),
]
