"""Every demo login on the county as `make run` seeds it: the home page and every page of
its navigation answer 200. Factories build small worlds; this is the one place the pages
meet the full seed (proposals' referrals beside suggestions', ten-year-old drafts, every
role's to-dos), where a page that assumes one kind of record fails first."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.core.registry import registry

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ("staff", "leader", "office1", "member", "dept1", "sysadmin", "secadmin", "auditor")


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_every_demo_login_opens_home_and_its_navigation(seeded_county, client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    pages = ["/", reverse("core:inbox"), reverse("core:badge")]
    pages += [reverse(item.url_name) for item in registry.nav_for(user)]
    failed = {}
    for url in pages:
        response = client.get(url, follow=True)  # an index page may redirect
        if response.status_code != 200:
            failed[url] = response.status_code
    assert failed == {}
