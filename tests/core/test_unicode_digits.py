"""Numbers read from a query string, a form or a file are ASCII digits
(`apps.core.numbers.is_number`): "²" or "١" is a digit to `str.isdigit` but `int()`
refuses or misreads it, and a crafted ?venue=² used to answer 500."""

import pytest
from django.urls import reverse

from apps.core.numbers import is_number
from apps.members.models import Member
from apps.members.widgets import MemberPickerMultiple

pytestmark = pytest.mark.django_db

ODD = ["²", "١٢", "３", "1²", "-1", " 1", ""]


def test_is_number_reads_only_ascii_digits():
    assert is_number("2021") and is_number("0")
    assert not any(is_number(raw) for raw in ODD)


@pytest.mark.parametrize("raw", ODD)
def test_odd_initial_ids_on_create_forms_are_ignored(client_for, raw):
    client = client_for("staff_user")
    response = client.get(reverse("members:pairing_create"), {"cpc_member": raw, "partner": raw})
    assert response.status_code == 200
    response = client.get(reverse("consultation:opinion_create"), {"office": raw})
    assert response.status_code in (200, 403)


def test_the_member_picker_ignores_odd_values():
    widget = MemberPickerMultiple()
    widget.choices = type("C", (), {"queryset": Member.objects.all()})()
    widget.suggested = []
    groups = widget.optgroups("members", ["²", "١"])
    assert groups == [] or all(not options for _name, options, _i in groups)
