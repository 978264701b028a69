import pytest
from django.urls import reverse

from apps.accounts.models import Unit
from tests.accounts.factories import UnitFactory, UserFactory
from tests.fixtures import ROLE_FIXTURES

pytestmark = pytest.mark.django_db

URL = reverse("accounts:unit_list")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("staff_user", 200),
        ("leader_user", 200),
        ("superuser", 200),
        ("office_head_user", 403),
        ("member_user", 403),
    ],
)
def test_unit_list_permissions(client_for, role, status):
    assert client_for(role).get(URL).status_code == status


def test_all_roles_covered():
    assert set(ROLE_FIXTURES) == {
        "staff_user",
        "leader_user",
        "office_head_user",
        "member_user",
        "superuser",
    }


def test_unit_list_flags_committees_with_one_person_or_none(client, staff_user):
    lonely = UnitFactory(name="文史委", kind=Unit.Kind.COMMITTEE, authorized_posts=2)
    staffed = UnitFactory(name="提案委", kind=Unit.Kind.COMMITTEE, authorized_posts=2)
    center = UnitFactory(name="服务中心", kind=Unit.Kind.INSTITUTION, authorized_posts=10)
    UserFactory(unit=lonely)
    UserFactory(unit=staffed)
    UserFactory(unit=staffed)
    UserFactory(unit=center)
    UserFactory(unit=staffed, is_active=False)  # left: not in post
    client.force_login(staff_user)
    response = client.get(URL)
    units = {u.name: u for u in response.context["units"]}
    assert units["文史委"].understaffed
    assert not units["提案委"].understaffed
    assert units["提案委"].staff_in_post == 2
    # A public institution with one person is not a "一人委".
    assert not units["服务中心"].understaffed
    assert units["服务中心"].vacancies == 9
    assert response.content.decode().count('class="badge text-bg-warning understaffed"') == 1


def test_unit_list_query_count_does_not_grow(client, staff_user, django_assert_max_num_queries):
    for i in range(30):
        unit = UnitFactory(name=f"单位{i}")
        UserFactory(unit=unit)
    client.force_login(staff_user)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
