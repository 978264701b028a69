from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import LoginForm
from apps.accounts.views import HomeView
from apps.core.pagecache import cached_page

admin.site.site_header = _("Xiangcheng CPPCC consultation work system")
admin.site.site_title = _("Xiangcheng CPPCC administration")
admin.site.index_title = _("Data administration")

urlpatterns = [
    # The home page of each role: the accounts app owns the roles (like the sign-in).
    path("", cached_page(HomeView.as_view()), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("apps.accounts.urls")),
    # A member's file (履职档案: /members/<id>/file/) and the batch (/report/files/) are the
    # reports app's, which reads every app: before the members' own URLs.
    path("", include("apps.reports.file_urls")),
    path("members/", include("apps.members.urls")),
    path("venues/", include("apps.venues.urls")),
    # /sessions/, /topics/, /projects/, /reports/, /suggestions/, /referrals/, /departments/
    path("", include("apps.consultation.urls")),
    path("admin/", admin.site.urls),
    path("performance/", include("apps.performance.urls")),
    path("report/", include("apps.reports.urls")),
    # The QR sign-in code of a meeting or session points here (apps.performance.signin).
    path("signin/", include("apps.performance.signin.urls")),
    path("", include("apps.core.urls")),
]

# A request over Django's size limits answers a page that names the limit (apps.core.errors).
handler400 = "apps.core.errors.bad_request"
