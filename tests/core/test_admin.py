"""Every model registered in admin lists, searches, filters and opens its add form."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label.split(".")[-1]
    in {"accounts", "members", "venues", "consultation", "performance"}
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_search_and_add(client, superuser, model):
    client.force_login(superuser)
    model_admin = admin.site._registry[model]
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert model_admin.list_display != ("__str__",), "list_display must be set"
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "测试"}).status_code == 200
    assert model_admin.search_fields, f"{opts.label} has no search_fields"
    if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
        assert (
            client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        )


def test_admin_is_in_chinese(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "站点管理" in html or "数据管理" in html


def test_non_superusers_cannot_open_admin(client_for):
    for role in ["staff_user", "leader_user", "office_head_user", "member_user"]:
        response = client_for(role).get(reverse("admin:index"))
        assert response.status_code == 302
