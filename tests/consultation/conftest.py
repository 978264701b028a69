import pytest

from apps.accounts import roles
from tests.accounts.factories import UserFactory
from tests.venues.fixtures import other_venue, venue  # noqa: F401


@pytest.fixture
def other_member_user(db):
    return UserFactory(username="t_member2", roles=[roles.MEMBER])


@pytest.fixture
def users(
    staff_user,
    leader_user,
    office_head_user,
    other_office_head_user,
    member_user,
    other_member_user,
    superuser,
):
    return {
        "staff": staff_user,
        "leader": leader_user,
        "office_head": office_head_user,
        "other_office_head": other_office_head_user,
        "member": member_user,
        "other_member": other_member_user,
        "superuser": superuser,
    }
