from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [path("<str:token>/", views.SignInView.as_view(), name="signin")]
