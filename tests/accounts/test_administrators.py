"""三员分立: the system, security and audit administrators each reach the admin and only
their part of it; none of them needs a superuser."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.accounts import roles
from tests.accounts.factories import UnitFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(db):
    return {
        role: UserFactory(username=f"t_{role}", roles=[role])
        for role in (roles.SYSADMIN, roles.SECADMIN, roles.AUDITOR)
    }


def client_of(client, user):
    client.force_login(user)
    return client


def test_administrator_roles_sign_in_to_the_admin_and_leaving_the_role_ends_it(admins):
    for user in admins.values():
        user.refresh_from_db()
        assert user.is_staff and not user.is_superuser
    auditor = admins[roles.AUDITOR]
    auditor.groups.remove(Group.objects.get(name=roles.AUDITOR))
    auditor.refresh_from_db()
    assert not auditor.is_staff


def test_an_auditor_reads_members_and_history_but_cannot_change_a_member(client, admins):
    member = MemberFactory(name="张三")
    c = client_of(client, admins[roles.AUDITOR])
    change = reverse("admin:members_member_change", args=[member.pk])
    assert c.get(change).status_code == 200  # the read-only view
    assert c.get(reverse("admin:members_member_history", args=[member.pk])).status_code == 200
    assert c.post(change, {"name": "李四"}).status_code == 403
    assert c.post(reverse("members:update", args=[member.pk]), {"name": "李四"}).status_code == 403
    assert c.get(reverse("admin:members_member_add")).status_code == 403
    member.refresh_from_db()
    assert member.name == "张三"
    assert c.get(reverse("core:security_events")).status_code == 200


def test_a_sysadmin_keeps_users_and_units_but_not_roles_or_the_trail(client, admins):
    c = client_of(client, admins[roles.SYSADMIN])
    assert c.get(reverse("admin:accounts_user_add")).status_code == 200
    assert c.get(reverse("admin:accounts_unit_add")).status_code == 200
    assert c.get(reverse("admin:performance_pointrule_changelist")).status_code == 200
    assert c.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert c.get(reverse("admin:core_securityevent_changelist")).status_code == 403
    assert c.get(reverse("core:security_events")).status_code == 403
    assert c.get(reverse("admin:members_member_changelist")).status_code == 403
    other = UserFactory(username="li")
    page = c.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()
    assert 'name="full_name"' in page
    assert 'name="groups"' not in page and 'name="is_superuser"' not in page


def test_a_secadmin_keeps_roles_and_lockouts_but_not_domain_data(client, admins):
    c = client_of(client, admins[roles.SECADMIN])
    assert c.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert c.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert c.get(reverse("admin:accounts_unit_changelist")).status_code == 403
    assert c.get(reverse("admin:core_securityevent_changelist")).status_code == 403
    member = MemberFactory(name="张三")
    assert c.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 403
    other = UserFactory(username="li")
    page = c.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()
    assert 'name="groups"' in page and 'name="is_active"' in page
    assert 'name="full_name"' not in page and 'name="is_superuser"' not in page


def test_no_administrator_role_is_a_superuser_and_units_stay_theirs(admins):
    UnitFactory()
    for user in admins.values():
        assert not user.has_perm("members.change_member")
    assert admins[roles.SYSADMIN].has_perm("accounts.change_unit")
    assert not admins[roles.SECADMIN].has_perm("accounts.change_unit")
    assert not admins[roles.AUDITOR].has_perm("accounts.change_unit")
    assert admins[roles.AUDITOR].has_perm("members.view_member")
    assert not admins[roles.AUDITOR].has_perm("members.view_member_personal")


def test_every_page_in_an_administrators_navigation_opens(client, admins):
    """The auditor's view permissions show them pages built for staff: none may fail."""
    from apps.core.registry import registry

    for user in admins.values():
        client.force_login(user)
        for item in registry.nav_for(user):
            response = client.get(reverse(item.url_name))
            assert response.status_code < 500, (user.username, item.url_name)
        assert client.get(reverse("home")).status_code == 200
