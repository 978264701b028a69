import pytest
from django.urls import reverse

from apps.accounts.models import Unit
from tests.accounts.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_changes_are_recorded_with_who_when_and_before_after(client, superuser):
    unit = UnitFactory(name="办公室", authorized_posts=8)
    client.force_login(superuser)
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    response = client.post(
        url,
        {
            "name": "办公室",
            "kind": unit.kind,
            "authorized_posts": 9,
            "sort_order": 1,
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest, previous = Unit.history.filter(id=unit.pk).order_by("-history_date")[:2]
    assert latest.history_user == superuser
    assert latest.history_date is not None
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("authorized_posts", 8, 9),
        ("sort_order", 100, 1),
    ]
    history_page = client.get(reverse("admin:accounts_unit_history", args=[unit.pk]))
    assert history_page.status_code == 200
