"""Read pages kept per user and data version (`apps.core.pagecache.cached_page`): a page
read again is not computed again, and after any committed write, for another user, with
waiting messages, for a view that writes, or for an error, it is computed afresh. The
tests commit their records (`transaction=True`): inside a test's transaction nothing is
kept."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from apps.accounts import roles
from apps.core.models import SecurityEvent
from apps.core.pagecache import PLACEHOLDER
from tests.accounts.factories import UserFactory
from tests.core import pagecache_urls
from tests.members.factories import MemberFactory
from tests.venues.factories import VenueFactory

pytestmark = pytest.mark.urls("tests.core.pagecache_urls")
committed = pytest.mark.django_db(transaction=True)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


def plain(html: str) -> str:
    """The page without the values of one answer."""
    return KEY.sub("KEY", TOKEN.sub("TOKEN", html))


@pytest.fixture(autouse=True)
def _calls():
    pagecache_urls.calls.clear()


def signed_in(username="t_kept", **kwargs) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username=username, roles=[roles.COUNTY_STAFF], **kwargs))
    return client


@committed
def test_a_page_read_again_is_not_computed_again_and_its_form_posts():
    client = signed_in()
    first = client.get("/kept/")
    second = client.get("/kept/")
    assert pagecache_urls.calls == ["kept"]
    assert plain(second.text) == plain(first.text)
    assert PLACEHOLDER.text not in second.text
    # The kept page carries the reader's own token: its form posts.
    token = TOKEN.search(second.text).group(1)
    assert client.post("/kept/", {"csrfmiddlewaretoken": token}).content == b"posted"
    # Another browser of the same user gets its own token in the same kept page.
    other = Client(enforce_csrf_checks=True)
    other.force_login(second.wsgi_request.user)
    third = other.get("/kept/")
    assert pagecache_urls.calls == ["kept", "kept"]  # the POST
    assert (
        other.post("/kept/", {"csrfmiddlewaretoken": TOKEN.search(third.text).group(1)}).content
        == b"posted"
    )


@committed
def test_each_answer_of_a_kept_page_has_new_submission_keys():
    client = signed_in()
    keys = KEY.findall(client.get("/kept/").text) + KEY.findall(client.get("/kept/").text)
    assert pagecache_urls.calls == ["kept"]
    assert len(keys) == 4 and len(set(keys)) == 4


@committed
def test_a_committed_write_computes_the_page_again():
    client = signed_in()
    client.get("/kept/")
    VenueFactory()  # autocommit: the data version moves
    client.get("/kept/")
    assert pagecache_urls.calls == ["kept", "kept"]


@committed
def test_each_user_has_their_own_page():
    first = signed_in("t_first").get("/kept/")
    second = signed_in("t_second").get("/kept/")
    assert "t_first" in first.text and "t_second" in second.text
    assert pagecache_urls.calls == ["kept", "kept"]


@committed
def test_a_page_with_waiting_messages_is_computed_and_not_kept():
    client = signed_in()
    client.get("/message/")
    assert "<i>saved</i>" in client.get("/kept/").text
    assert "<i>saved</i>" not in client.get("/kept/").text
    assert pagecache_urls.calls == ["kept", "kept"]


@committed
def test_a_view_that_writes_is_computed_every_time():
    client = signed_in()
    client.get("/writes/")
    client.get("/writes/")
    assert pagecache_urls.calls == ["writes", "writes"]
    assert SecurityEvent.objects.filter(kind="export", target="toy").count() == 2


@committed
def test_an_error_is_not_kept_and_its_page_has_a_real_token():
    client = signed_in()
    for _ in range(2):
        response = client.get("/missing/")
        assert response.status_code == 404
        assert PLACEHOLDER.text not in response.text
    assert pagecache_urls.calls == ["missing", "missing"]


@committed
def test_off_by_setting(settings):
    settings.PAGE_CACHE = False
    client = signed_in()
    client.get("/kept/")
    client.get("/kept/")
    assert pagecache_urls.calls == ["kept", "kept"]


@committed
def test_a_real_page_kept_costs_no_more_than_the_floor_and_shows_a_new_record():
    client = signed_in()
    url = reverse("venues:list")
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    with CaptureQueriesContext(connection) as floor:
        client.get(reverse("core:floor"))
    assert len(kept) <= len(floor)
    venue = VenueFactory(name="新建的委员之家")
    assert venue.name in client.get(url).text


@pytest.mark.urls("xiangcheng.urls")
@pytest.mark.parametrize(
    "name",
    ["core:inbox", "core:badge", "core:security_events", "accounts:sessions", "members:me"],
)
def test_pages_of_records_the_version_does_not_count_are_never_kept(name):
    """Notifications, security events and sign-in sessions are `UNCOUNTED` (they do not move
    the data version), and a member's own page may reveal personal data (recorded)."""
    assert not getattr(resolve(reverse(name)).func, "cached_page", False)


@pytest.mark.urls("xiangcheng.urls")
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "members:list",
        "consultation:list",
        "consultation:suggestion_list",
        "consultation:proposal_list",
        "consultation:opinion_list",
        "performance:meeting_list",
    ],
)
@committed
def test_a_read_page_read_again_costs_the_floor(name):
    client = signed_in()
    url = reverse(name)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    with CaptureQueriesContext(connection) as floor:
        client.get(reverse("core:floor"))
    assert again.status_code == 200
    assert len(kept) <= len(floor)


@pytest.mark.urls("xiangcheng.urls")
@committed
def test_a_members_own_personal_data_is_never_kept():
    user = UserFactory(username="t_self", roles=[roles.MEMBER])
    member = MemberFactory(user=user, phone="13812345678")
    client = Client()
    client.force_login(user)
    url = reverse("members:detail", args=[member.pk])
    for _ in range(2):  # computed both times: the context is there
        response = client.get(url)
        assert "13812345678" in response.text and response.context is not None
    # Anyone else reads it masked, and that page is kept.
    staff = signed_in()
    staff.get(url)
    again = staff.get(url)
    assert "13812345678" not in again.text and again.context is None
