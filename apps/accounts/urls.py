from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from apps.core.pagecache import cached_page

from . import views
from .forms import StyledPasswordChangeForm

app_name = "accounts"

urlpatterns = [
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            form_class=StyledPasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("units/", cached_page(views.UnitListView.as_view()), name="unit_list"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/end-all/", views.SignOutEverywhereView.as_view(), name="sign_out_everywhere"),
]
