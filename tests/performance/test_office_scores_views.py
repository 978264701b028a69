"""The office evaluation's pages for every role: the ranking (totals for staff, leaders and
office heads), each venue's breakdown (an office head only their own: another's is a
404), the export, adjustments, the home section and the venue page; query budgets with
many rows; the chart is its table."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts import roles
from apps.consultation.models import Session
from apps.performance.models import OfficeScore, OfficeScoreLine
from apps.performance.office_scores import office_scores_derive
from apps.venues.models import Venue
from tests.accounts.factories import UserFactory
from tests.consultation.factories import PublishedSessionFactory, SuggestionFactory
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, MemberHomeFactory, VenueFactory

from .factories import YEAR
from .test_office_scores import LONG_MINUTES, office_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def department_user(db):
    return UserFactory(username="t_dept", roles=[roles.DEPARTMENT])


@pytest.fixture
def county(office_head_user, other_office_head_user):
    """Office A managed by the office head, office B by the other; a member home."""
    office_rules()
    a = VenueFactory(managers=[office_head_user])
    b = VenueFactory(managers=[other_office_head_user])
    home = MemberHomeFactory()
    for venue, forms in ((a, [Session.Form.SYMPOSIUM, Session.Form.ON_SITE]), (b, ["other"])):
        member = MemberFactory()
        AssignmentFactory(venue=venue, member=member)
        for form in forms:
            session = PublishedSessionFactory(
                venue=venue, form=form, members=[member], minutes=LONG_MINUTES
            )
            SuggestionFactory(session=session, text=f"{venue.name}的建议")
    PublishedSessionFactory(venue=home)
    office_scores_derive(year=YEAR)
    return {"a": a, "b": b, "home": home}


def ranking_url(year=YEAR):
    return reverse("performance:office_list", args=[year])


def detail_url(venue, year=YEAR):
    return reverse("performance:office_detail", args=[year, venue.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("member_user", 403),
        ("department_user", 403),
        ("staff_user", 200),
        ("leader_user", 200),
        ("office_head_user", 200),
    ],
)
def test_who_may_open_the_ranking(client_for, county, who, status):
    assert client_for(who).get(ranking_url()).status_code == status
    assert client_for(who).get(reverse("performance:office_current")).status_code in (
        302,
        403,
    )


@pytest.mark.parametrize("who", ["staff_user", "leader_user"])
def test_staff_and_leaders_read_every_breakdown(client_for, county, who):
    client = client_for(who)
    for venue in (county["a"], county["b"], county["home"]):
        response = client.get(detail_url(venue))
        assert response.status_code == 200
        lines = response.context["lines"]
        assert lines and {line.venue_id for line in lines} == {venue.pk}
        assert response.context["score"].total == sum((line.points for line in lines), Decimal("0"))
        # each derived line links to its source
        assert all(line.link for line in lines)


def test_an_office_head_reads_only_their_own_office_lines(client_for, county):
    client = client_for("office_head_user")
    own = client.get(detail_url(county["a"]))
    assert own.status_code == 200
    body = own.content.decode()
    assert f"{county['a'].name}的建议" in body
    assert own.context["can_adjust"] is False
    # another office's and the home's breakdown: not found
    assert client.get(detail_url(county["b"])).status_code == 404
    assert client.get(detail_url(county["home"])).status_code == 404
    # the ranking shows every total, but links only their own breakdown
    ranking = client.get(ranking_url())
    offices = ranking.context["rankings"][0].scores
    assert {s.venue_id for s in offices} == {county["a"].pk, county["b"].pk}
    links = {s.venue_id: s.link for s in offices}
    assert links[county["a"].pk] == detail_url(county["a"])
    assert links[county["b"].pk] == ""
    html = ranking.content.decode()
    assert detail_url(county["a"]) in html and detail_url(county["b"]) not in html


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("member_user", 403)])
def test_others_cannot_open_a_breakdown(client_for, county, who, status):
    assert client_for(who).get(detail_url(county["a"])).status_code == status


def test_the_ranking_lists_offices_and_homes_apart_and_the_chart_is_its_table(client_for, county):
    response = client_for("leader_user").get(ranking_url())
    offices, homes = response.context["rankings"]
    assert [s.venue_id for s in offices.scores] == [county["a"].pk, county["b"].pk]
    assert [s.rank for s in offices.scores] == [1, 2]
    assert [s.venue_id for s in homes.scores] == [county["home"].pk]
    for ranking in (offices, homes):
        data = ranking.chart.data()
        assert data["labels"] == [s.venue.name for s in ranking.scores]
        assert data["series"][0]["values"] == [float(s.total) for s in ranking.scores]
        assert [url for url, _row in ranking.chart.table_rows()] == [
            detail_url(s.venue) for s in ranking.scores
        ]
    body = response.content.decode()
    assert 'id="chart-data-scores-office"' in body
    assert 'id="chart-data-scores-home"' in body


def test_the_default_year_and_an_empty_year(client_for, county):
    client = client_for("staff_user")
    response = client.get(reverse("performance:office_current"), {"year": YEAR})
    assert response.status_code == 302 and response.url == ranking_url()
    empty = client.get(ranking_url(YEAR + 1))
    assert empty.status_code == 200
    assert all(not r.scores for r in empty.context["rankings"])
    assert client.get(detail_url(county["a"], YEAR + 1)).status_code == 200


def test_the_ranking_exports_to_xlsx(client_for, county):
    from tests.xlsx import table_sheet, workbook

    response = client_for("staff_user").get(reverse("performance:office_export", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(table_sheet(response).values)
    assert rows[1][:2] == (1, county["a"].name)
    assert rows[1][3] == float(OfficeScore.objects.get(venue=county["a"], year=YEAR).total)
    assert len(workbook(response).worksheets) == 2
    assert (
        client_for("member_user").get(reverse("performance:office_export", args=[YEAR])).status_code
        == 403
    )


def test_staff_adjust_a_score_and_office_heads_may_not(client_for, county):
    url = reverse("performance:office_adjust", args=[YEAR, county["b"].pk])
    data = {"points": "2.0", "date": "2021-12-20", "reason": "群众满意度测评加分"}
    before = OfficeScore.objects.get(venue=county["b"], year=YEAR).total
    assert client_for("office_head_user").post(url, data).status_code == 403
    assert client_for("leader_user").post(url, data).status_code == 403

    response = client_for("staff_user").post(url, data)

    assert response.status_code == 302 and response.url == detail_url(county["b"])
    assert OfficeScore.objects.get(venue=county["b"], year=YEAR).total == before + 2
    line = OfficeScoreLine.objects.adjustments().get(venue=county["b"])
    # a bad adjustment shows its errors, never a 500
    bad = client_for("staff_user").post(url, {"points": "0", "date": "2030-01-01", "reason": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    delete = reverse("performance:office_adjust_delete", args=[YEAR, county["b"].pk, line.pk])
    assert client_for("staff_user").post(delete).status_code == 302
    assert OfficeScore.objects.get(venue=county["b"], year=YEAR).total == before


def test_staff_rederive_now(client_for, county):
    OfficeScoreLine.objects.all().delete()
    response = client_for("staff_user").post(reverse("performance:office_derive", args=[YEAR]))
    assert response.status_code == 302
    assert OfficeScoreLine.objects.exists()
    assert (
        client_for("leader_user")
        .post(reverse("performance:office_derive", args=[YEAR]))
        .status_code
        == 403
    )


def test_the_office_head_home_shows_their_score_and_rank(client_for, county):
    body = client_for("office_head_user").get(reverse("home")).content.decode()
    score = OfficeScore.objects.get(venue=county["a"], year=YEAR)
    assert 'id="office-score-heading"' in body
    assert detail_url(county["a"]) in body
    assert f"{score.total}" in body
    assert detail_url(county["b"]) not in body
    member_home = client_for("member_user").get(reverse("home")).content.decode()
    assert 'id="office-score-heading"' not in member_home


def test_the_venue_page_shows_its_score(client_for, county):
    url = reverse("venues:detail", args=[county["b"].pk]) + f"?year={YEAR}"
    staff = client_for("staff_user").get(url).content.decode()
    assert 'id="venue-office-score"' in staff and detail_url(county["b"]) in staff
    head = client_for("office_head_user").get(url).content.decode()
    assert 'id="venue-office-score"' in head and detail_url(county["b"]) not in head


def test_the_navigation_offers_the_ranking(client_for, county):
    url = reverse("performance:office_current")
    assert url in client_for("office_head_user").get(reverse("home")).content.decode()
    assert url in client_for("staff_user").get(ranking_url()).content.decode()
    assert url not in client_for("member_user").get(reverse("home")).content.decode()


def test_query_counts_do_not_grow_with_rows(client_for, county, django_assert_max_num_queries):
    for i in range(14):
        venue = VenueFactory()
        member = MemberFactory()
        AssignmentFactory(venue=venue, member=member)
        for month in (2, 5, 8):
            session = PublishedSessionFactory(
                venue=venue,
                started_at=datetime.datetime(YEAR, month, 3 + i, 9, tzinfo=datetime.UTC),
                members=[member],
                minutes=LONG_MINUTES,
            )
            SuggestionFactory(session=session)
    for _i in range(4):
        MemberHomeFactory()
    for month in range(1, 13):
        session = PublishedSessionFactory(
            venue=county["a"],
            started_at=datetime.datetime(YEAR, month, 20, 9, tzinfo=datetime.UTC),
            minutes=LONG_MINUTES,
        )
        SuggestionFactory(session=session)
    office_scores_derive(year=YEAR)
    assert OfficeScore.objects.filter(year=YEAR, venue__kind="office").count() == 16
    assert OfficeScoreLine.objects.filter(venue=county["a"]).count() > 40

    for who in ("staff_user", "office_head_user"):
        client = client_for(who)
        with django_assert_max_num_queries(12):
            response = client.get(ranking_url())
        assert len(response.context["rankings"][0].scores) == 16
        assert len(response.context["rankings"][1].scores) == 5
        with django_assert_max_num_queries(18):
            response = client.get(detail_url(county["a"]))
        assert len(response.context["lines"]) > 40


def test_the_overview_shows_the_offices_chart_to_staff_and_leaders(client_for, county):
    for who, shown in (("leader_user", True), ("staff_user", True), ("office_head_user", False)):
        body = client_for(who).get(reverse("home"), {"year": YEAR}).content.decode()
        assert ('id="chart-data-scores-office"' in body) == shown, who


@pytest.mark.django_db(transaction=True)
def test_ranks_re_derived_alone_show_on_the_kept_ranking(county, client_for, settings):
    """The ranking is a kept page (`apps.core.pagecache`): re-deriving when only the ranks
    move (office B became a member home, its total unchanged) shows the new ranks at once.
    The ranks are written by `bulk_update`, which sends no signal; the data version moves
    on the SQL itself (`versions.watch_writes`)."""
    client = client_for("staff_user")
    county["b"].kind = Venue.Kind.MEMBER_HOME
    county["b"].save()
    client.get(ranking_url())  # kept before the scores are derived again
    ranks = dict(OfficeScore.objects.filter(year=YEAR).values_list("venue_id", "rank"))
    office_scores_derive(year=YEAR)  # only ranks change: one bulk_update
    assert dict(OfficeScore.objects.filter(year=YEAR).values_list("venue_id", "rank")) != ranks

    kept = client.get(ranking_url()).text
    settings.PAGE_CACHE = False
    fresh = client.get(ranking_url()).text

    def plain(html):
        return re.sub(r'value="[^"]+"', 'value=""', html)

    assert plain(kept) == plain(fresh)
