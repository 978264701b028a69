"""The overview is true to the year it shows: the "without contact" and "idle" flags of a
past year are counted at its last day, "最新" and every page's default year are the
latest year with records, and the livelihood consultations and service-centre posts are
there (issue 16, part 1)."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.core.mixins import latest_year
from apps.core.registry import registry
from tests.accounts.factories import UnitFactory
from tests.consultation.factories import PublishedSessionFactory, SessionFactory, TopicFactory
from tests.members.factories import ContactRecordFactory
from tests.venues.factories import VenueFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def figure(response, prefix):
    return next(f for f in response.context["figures"] if str(f.label).startswith(prefix))


@pytest.fixture
def year_2021(db):
    """Two offices (one active late in 2021, one last active in May) and two pairs (one
    contacted in December 2021, one in June); nothing since."""
    busy, quiet = VenueFactory(), VenueFactory()
    PublishedSessionFactory(venue=busy, started_at=at(2021, 12, 1))
    PublishedSessionFactory(venue=quiet, started_at=at(2021, 5, 1))
    ContactRecordFactory(date=datetime.date(2021, 12, 10))
    ContactRecordFactory(date=datetime.date(2021, 6, 1))
    return busy, quiet


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_flags_of_2021_are_counted_at_its_end_not_today(client_for, year_2021):
    client = client_for("leader_user")
    past = client.get(HOME, {"year": 2021})
    assert figure(past, "久未联系").value == 1  # June's pair; December's was in touch
    assert figure(past, "60 天").value == 1  # the May office; December's was active
    # The same flags today (2026): every pair and office has gone quiet since.
    now = client.get(HOME, {"year": 2026})
    assert figure(now, "久未联系").value == 2
    assert figure(now, "60 天").value == 2
    # …and each figure's link shows the same count.
    coverage = client.get(figure(past, "久未联系").url.split("#")[0])
    assert len(coverage.context["coverage"].stale) == 1
    venues = client.get(figure(past, "60 天").url)
    assert venues.context["idle_count"] == 1


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_latest_is_the_latest_year_with_records_on_every_page(client_for, year_2021):
    assert latest_year() == 2021
    client = client_for("staff_user")
    home = client.get(HOME)
    assert home.context["year"] == 2021 and home.context["latest"]
    assert "最新 · 2021" in home.content.decode()
    assert client.get(reverse("venues:list")).context["year"] == 2021
    assert client.get(reverse("performance:dutyreport_list")).context["year"] == 2021
    assert client.get(reverse("performance:study_list")).context["year"] == 2021
    assert client.get(reverse("consultation:statistics")).context["year"] == 2021
    assert client.get(reverse("reports:latest"))["Location"] == reverse("reports:year", args=[2021])
    # A draft of 2026 is no record of work: the latest year stays 2021.
    SessionFactory(started_at=at(2026, 3, 1))
    assert latest_year() == 2021
    PublishedSessionFactory(started_at=at(2026, 3, 1))
    assert latest_year() == 2026


def test_livelihood_consultations_are_counted_and_each_linked(client_for):
    livelihood = TopicFactory(title="停车难")
    central = TopicFactory(title="乡村振兴", category="central")
    sessions = [PublishedSessionFactory(topic=livelihood) for _ in range(2)]
    PublishedSessionFactory(topic=central)
    SessionFactory(topic=livelihood)  # a draft is not held
    client = client_for("staff_user")
    response = client.get(HOME, {"year": 2021})
    shown = figure(response, "2021年急难愁盼")
    assert shown.value == 2
    assert [url for _label, url in shown.items] == [s.get_absolute_url() for s in sessions]
    listed = client.get(shown.url)
    assert listed.context["paginator"].count == 2
    html = response.content.decode()
    assert all(s.get_absolute_url() in html for s in sessions)


def test_service_centre_posts_beside_the_total(client_for):
    UnitFactory(name="县政协委员联络服务中心", kind="institution", authorized_posts=10)
    UnitFactory(name="办公室", kind="office", authorized_posts=8)
    response = client_for("leader_user").get(HOME)
    assert figure(response, "编制数").value == 18
    assert figure(response, "委员联络服务中心").value == 10


def test_overview_figures_are_a_function_of_year_and_today(leader_user, year_2021):
    """The perf cache keys the figures by (year, today): the same pair, the same figures."""
    today = datetime.date(2026, 11, 30)
    first = registry.figures_for(leader_user, year=2021, today=today)
    again = registry.figures_for(leader_user, year=2021, today=today)
    assert [(str(f.label), f.value) for f in first] == [(str(f.label), f.value) for f in again]
    december = registry.figures_for(leader_user, year=2021, today=datetime.date(2021, 12, 20))
    values = {str(f.label): f.value for f in december}
    assert values["久未联系的结对"] == 1


def test_every_chart_on_the_overview_equals_its_table(client_for, year_2021):
    response = client_for("leader_user").get(HOME, {"year": 2021})
    html = response.content.decode()
    charts = response.context["charts"]
    assert {c.key for c in charts} >= {
        "sessions-month",
        "sessions-township",
        "venue-activity",
        "suggestion-progress",
        "department-replies",
        "grades",
        "attendance",
    }
    for chart in charts:
        assert_chart_matches_table(html, chart.key)


def assert_chart_matches_table(html: str, key: str) -> None:
    """The JSON the canvas draws equals the rows of the table beside it."""
    data = json.loads(
        re.search(
            rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', html, re.S
        )[1]
    )
    table = re.search(rf'<table[^>]*data-chart-table="{key}">(.*?)</table>', html, re.S)[1]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):  # not the "nothing" row
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows.append(cells)
    expected = [
        [label, *(str(s["values"][i]) for s in data["series"])]
        for i, label in enumerate(data["labels"])
    ]
    assert rows == expected, key
    assert f'data-chart="chart-data-{key}"' in html  # the canvas that draws it


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_past_years_coverage_counts_the_pairings_in_force_at_its_end(client_for, leader_user):
    """2021 counts the pairings that ended in 2023 and not the one that started in 2024;
    today (2026) the other way round. The overview, the report and the coverage page
    agree."""
    from apps.reports import chapters
    from tests.members.factories import PairingFactory

    always = PairingFactory()  # in force since 2021
    ended = [PairingFactory(ended_on=datetime.date(2023, 5, 1)) for _ in range(2)]
    started = PairingFactory(started_on=datetime.date(2024, 2, 1))
    client = client_for("leader_user")
    for year, paired, value in ((2021, {always, *ended}, "3/4"), (2026, {always, started}, "2/4")):
        shown = figure(client.get(HOME, {"year": year}), "党外委员结对覆盖")
        assert shown.value == value
        assert shown.url == f"{reverse('members:coverage')}?year={year}"
        # The coverage page names who was paired at the end of that year.
        coverage = client.get(shown.url).context["coverage"]
        assert f"{coverage.covered}/{coverage.non_cpc}" == value
        assert {p for load in coverage.loads for p in load.pairings} == paired
        unpaired = {p.partner_id for p in {always, *ended, started} - paired}
        assert {m.pk for m in coverage.unpaired} == unpaired
        people = next(c for c in chapters.report(leader_user, year=year) if c.key == "people")
        assert next(f for f in people.parts[0].figures if f.url == shown.url).value == value


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_evaluation_pages_open_on_the_latest_year_like_every_page(
    client_for, member_user, year_2021
):
    """Point rules written ahead for 2023 do not move the evaluation's default year: it
    is `latest_year()` (2021 here), as the overview's "最新" and every other page."""
    from tests.members.factories import MemberFactory
    from tests.performance.factories import PointRuleFactory

    PointRuleFactory(year=2023)
    PointRuleFactory(year=2021)
    member = MemberFactory(user=member_user)
    staff = client_for("staff_user")
    for year in (2021, 2026):
        if year == 2026:  # a published session of 2026 moves every page at once
            PublishedSessionFactory(started_at=at(2026, 3, 1))
        evaluation = reverse("performance:evaluation_list", args=[year])
        assert staff.get(reverse("performance:evaluation_current"))["Location"] == evaluation
        assert staff.get(reverse("performance:index"))["Location"] == evaluation
        assert client_for("member_user").get(reverse("performance:my_ledger"))[
            "Location"
        ] == reverse("performance:ledger", args=[year, member.pk])
        assert staff.get(HOME).context["year"] == year
        assert staff.get(reverse("performance:dutyreport_list")).context["year"] == year


@time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_office_heads_home_counts_the_latest_year_too(client_for, office_head_user):
    """An office head's venues show the sessions of the year every page opens on (2021
    here), not this year's zero."""
    from django.utils.html import strip_tags

    venue = VenueFactory(managers=[office_head_user])
    PublishedSessionFactory(venue=venue, started_at=at(2021, 5, 1))
    PublishedSessionFactory(venue=venue, started_at=at(2021, 9, 1))
    html = " ".join(strip_tags(client_for("office_head_user").get(HOME).content.decode()).split())
    assert "2021 年协商活动 2 次" in html
