"""Every paginated list answers `?page=` out of range with a page, never a 404: the last
page for a number past the end, the first for anything unreadable (`apps.core.mixins
.PageMixin`)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.list import MultipleObjectMixin

from apps.consultation.views import departments, research, sessions, suggestions
from apps.core.mixins import PageMixin, page_number
from apps.members.views import MemberListView
from apps.performance.models import Evaluation
from apps.performance.views import duty_reports, evaluation, meetings, study
from tests.consultation.factories import (
    DepartmentFactory,
    ReferralFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    SessionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory
from tests.performance.factories import (
    YEAR,
    DutyReportFactory,
    MeetingFactory,
    StudySessionFactory,
)

pytestmark = pytest.mark.django_db

PAGE_SIZE = 2
ROWS = 3  # two pages

LISTS = [
    "members",
    "sessions",
    "topics",
    "projects",
    "suggestions",
    "my_suggestions",
    "department",
    "evaluation",
    "meetings",
    "duty_reports",
    "study",
]

VIEWS = [
    sessions.SessionListView,
    research.TopicListView,
    research.ProjectListView,
    suggestions.SuggestionListView,
    suggestions.MySuggestionsView,
    departments.DepartmentDetailView,
    evaluation.EvaluationListView,
    meetings.MeetingListView,
    duty_reports.DutyReportListView,
    study.StudyListView,
]


def make_list(name, member_user):
    """(role, url, query) of a list holding ROWS rows that role sees."""
    if name == "members":
        MemberFactory.create_batch(ROWS)
        return "staff_user", reverse("members:list"), {}
    if name == "sessions":
        SessionFactory.create_batch(ROWS)
        return "staff_user", reverse("consultation:list"), {}
    if name == "topics":
        TopicFactory.create_batch(ROWS)
        return "staff_user", reverse("consultation:topic_list"), {}
    if name == "projects":
        ResearchProjectFactory.create_batch(ROWS)
        return "staff_user", reverse("consultation:project_list"), {}
    if name == "suggestions":
        ReportSuggestionFactory.create_batch(ROWS)
        return "staff_user", reverse("consultation:suggestion_list"), {}
    if name == "my_suggestions":
        proposer = MemberFactory(user=member_user)
        ReportSuggestionFactory.create_batch(ROWS, members=[proposer])
        return "member_user", reverse("consultation:my_suggestions"), {}
    if name == "department":
        department = DepartmentFactory()
        ReferralFactory.create_batch(ROWS, department=department)
        return "staff_user", reverse("consultation:department_detail", args=[department.pk]), {}
    if name == "evaluation":
        for member in MemberFactory.create_batch(ROWS):
            Evaluation.objects.create(year=YEAR, member=member)
        return "staff_user", reverse("performance:evaluation_list", args=[YEAR]), {}
    if name == "meetings":
        MeetingFactory.create_batch(ROWS)
        return "staff_user", reverse("performance:meeting_list"), {"year": YEAR}
    if name == "duty_reports":
        DutyReportFactory.create_batch(ROWS)
        return "staff_user", reverse("performance:dutyreport_list"), {"year": YEAR}
    if name == "study":
        StudySessionFactory.create_batch(ROWS)
        return "staff_user", reverse("performance:study_list"), {"year": YEAR}
    raise AssertionError(name)


@pytest.fixture
def small_pages(settings, monkeypatch):
    settings.PAGINATE_BY = PAGE_SIZE  # MemberListView reads it per request
    for view in VIEWS:
        monkeypatch.setattr(view, "paginate_by", PAGE_SIZE)


@pytest.mark.parametrize("name", LISTS)
def test_a_page_out_of_range_shows_the_last_or_the_first_page(
    client_for, member_user, small_pages, name
):
    role, url, query = make_list(name, member_user)
    client = client_for(role)
    expected = {"999999": 2, "abc": 1, "0": 1, "-1": 1, "2": 2, "last": 2, "": 1, "１": 1}
    for raw, number in expected.items():
        response = client.get(url, {**query, "page": raw})
        assert response.status_code == 200, (url, raw)
        page = response.context["page_obj"]
        assert page.paginator.num_pages == 2, url
        assert page.number == number, (url, raw)
        assert len(page.object_list) == (PAGE_SIZE if number == 1 else ROWS - PAGE_SIZE)


def test_an_empty_list_shows_its_first_page(client_for, small_pages):
    response = client_for("staff_user").get(reverse("consultation:topic_list"), {"page": "9"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


@pytest.mark.parametrize(
    ("raw", "pages", "number"),
    [("3", 5, 3), ("6", 5, 5), ("0", 5, 1), ("-2", 5, 1), ("x", 5, 1), ("last", 5, 5)],
)
def test_page_number(raw, pages, number):
    assert page_number(raw, pages) == number


def _view_classes(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                yield view_class


def test_every_paginated_list_uses_the_one_paginator():
    paginated = {
        view
        for view in _view_classes(get_resolver().url_patterns)
        if issubclass(view, MultipleObjectMixin)
        and (view.paginate_by or view.get_paginate_by is not MultipleObjectMixin.get_paginate_by)
        and view.__module__.startswith("apps.")
    }
    assert {MemberListView, *VIEWS} <= paginated
    assert [v.__name__ for v in paginated if not issubclass(v, PageMixin)] == []
