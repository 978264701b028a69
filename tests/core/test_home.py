import pytest
from django.urls import reverse

from tests.fixtures import HOME_QUERY_BUDGET

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staff_user", "leader_user", "superuser"])
def test_staff_and_leaders_see_figures(client_for, role, django_assert_max_num_queries):
    client = client_for(role)
    with django_assert_max_num_queries(HOME_QUERY_BUDGET):
        response = client.get(HOME)
    assert response.status_code == 200
    labels = [str(f.label) for f in response.context["figures"]]
    assert "编制数" in labels
    assert "figures-heading" in response.content.decode()


@pytest.mark.parametrize("role", ["office_head_user", "member_user"])
def test_office_heads_and_members_see_no_county_figures(client_for, role):
    response = client_for(role).get(HOME)
    assert response.status_code == 200
    assert response.context["figures"] == []
    assert "figures-heading" not in response.content.decode()


def test_navigation_follows_the_role(client_for):
    staff_html = client_for("staff_user").get(HOME).content.decode()
    member_html = client_for("member_user").get(HOME).content.decode()
    units_url = reverse("accounts:unit_list")
    assert units_url in staff_html
    assert units_url not in member_html
    assert reverse("admin:index") not in staff_html
    assert reverse("admin:index") in client_for("superuser").get(HOME).content.decode()


def test_floor_view_needs_sign_in(client_for):
    assert client_for(None).get(reverse("core:floor")).status_code == 302
    assert client_for("member_user").get(reverse("core:floor")).status_code == 200


def test_healthz_is_public_and_says_nothing_else(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post(reverse("core:healthz")).status_code == 405


def test_the_overview_shows_the_year_picked(client_for):
    import datetime

    from tests.performance.factories import MeetingFactory

    MeetingFactory(date=datetime.date(2021, 5, 20))
    MeetingFactory(date=datetime.date(2021, 8, 20))
    MeetingFactory(date=datetime.date(2022, 3, 1))
    client = client_for("staff_user")

    def value(response, label):
        return next(f.value for f in response.context["figures"] if str(f.label) == label)

    assert value(client.get(HOME, {"year": 2021}), "2021年会议") == 2
    assert value(client.get(HOME, {"year": 2022}), "2022年会议") == 1
    picked = client.get(HOME, {"year": 2022}).content.decode()
    assert 'class="nav-link py-1 px-2 active" href="?year=2022"' in picked
    # A malformed or absurd year is ignored: each app shows its latest year.
    for bad in ["abc", "99999", "1e5", "-1"]:
        response = client.get(HOME, {"year": bad})
        assert response.status_code == 200
        assert response.context["latest"] is True
        assert response.context["year"] == 2022  # the latest year with records
