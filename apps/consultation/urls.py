from django.urls import path

from . import views

app_name = "consultation"

urlpatterns = [
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
