"""Every model registered in admin lists, searches, filters and opens its add form."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label.split(".")[-1]
    in {"core", "accounts", "members", "venues", "consultation", "performance", "auth"}
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
    # third-party apps and Django 5's new admin labels read in Chinese too
    assert "登录锁定" in html and "登录尝试" in html and "登录日志" in html
    for english in ["Axes", "Access attempts", "Access logs", "Model name"]:
        assert english not in html


def test_role_groups_show_their_chinese_name_and_users(client, superuser):
    from apps.accounts import roles
    from tests.accounts.factories import UserFactory

    UserFactory(roles=[roles.OFFICE_HEAD])
    UserFactory(roles=[roles.OFFICE_HEAD])
    client.force_login(superuser)
    response = client.get(reverse("admin:auth_group_changelist"))
    rows = {
        g.name: (str(response.context["cl"].model_admin.role(g)), g.n_users)
        for g in response.context["cl"].result_list
    }
    assert rows["office_head"] == ("联络室负责人", 2)
    assert rows["member"][1] == 0


def test_non_superusers_cannot_open_admin(client_for):
    for role in ["staff_user", "leader_user", "office_head_user", "member_user"]:
        response = client_for(role).get(reverse("admin:index"))
        assert response.status_code == 302
