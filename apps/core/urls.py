from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("bench/floor/", views.FloorView.as_view(), name="floor"),
    path("healthz", views.healthz, name="healthz"),
]
