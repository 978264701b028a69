from django.urls import path

from apps.core.pagecache import cached_page

from . import views

app_name = "venues"

urlpatterns = [
    path("", cached_page(views.VenueListView.as_view()), name="list"),
    path("<int:pk>/", cached_page(views.VenueDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", views.VenueUpdateView.as_view(), name="update"),
    path(
        "<int:pk>/stationed/add/",
        views.AssignmentCreateView.as_view(),
        name="assignment_create",
    ),
    path(
        "stationed/<int:pk>/end/",
        views.AssignmentEndView.as_view(),
        name="assignment_end",
    ),
]
