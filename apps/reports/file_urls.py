"""The members' files (履职档案), namespace "files": a member's file sits under the
member's URL (/members/<id>/file/ and /members/me/file/, paths the members app does not
use; included before it), the batch under the reports (/report/files/)."""

from django.urls import path

from apps.core.pagecache import cached_page

from . import file_views

app_name = "files"

urlpatterns = [
    path("members/<int:pk>/file/", cached_page(file_views.MemberFileView.as_view()), name="member"),
    path("members/<int:pk>/file.docx", file_views.MemberFileDocxView.as_view(), name="docx"),
    path("members/me/file/", cached_page(file_views.MyFileView.as_view()), name="mine"),
    path("report/files/", cached_page(file_views.BatchView.as_view()), name="batch"),
    path(
        "report/files/chunk/", cached_page(file_views.BatchChunkView.as_view()), name="batch_chunk"
    ),
    path("report/files/files.docx", file_views.BatchDocxView.as_view(), name="batch_docx"),
]
