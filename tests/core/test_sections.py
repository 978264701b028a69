"""The one section mechanism: later apps add a template (and a rows provider) to a page of
an earlier app; the page fills them once for all its rows and renders them at its places."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory

from apps.core.sections import Sections


@pytest.fixture
def request_():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_sections_are_added_once_and_kept_in_order():
    page = Sections().page("things:detail")
    page.add("b.html", order=200)
    page.add("a.html", order=100)
    page.add("b.html", order=50)  # a second ready() adds nothing
    assert [s.template for s in page.entries] == ["a.html", "b.html"]


def test_a_page_is_the_same_object_for_every_app():
    registry = Sections()
    assert registry.page("things:list") is registry.page("things:list")
    assert registry.page("things:list") is not registry.page("things:detail")


def test_fill_calls_each_provider_once_with_all_rows_and_the_page_values(request_):
    calls = []

    def counts(rows, *, request, year):
        calls.append(([r["pk"] for r in rows], year))
        for row in rows:
            row["count"] = row["pk"] * 10
        return {"total": sum(r["count"] for r in rows)}

    page = Sections().page("things:list")
    page.add("plain.html", order=100)
    page.add("counts.html", order=200, rows=counts)
    page.add("hidden.html", order=300, rows=counts, visible=lambda user: user.is_authenticated)
    rows = [{"pk": 1}, {"pk": 2}]

    added = page.fill(rows, request=request_, year=2021)

    assert calls == [([1, 2], 2021)]  # once, for every row; not for the hidden section
    assert rows == [{"pk": 1, "count": 10}, {"pk": 2, "count": 20}]
    assert added == {"sections": ["plain.html", "counts.html"], "total": 30}


def test_two_providers_of_one_page_may_not_set_the_same_value(request_):
    page = Sections().page("things:list")
    page.add("a.html", rows=lambda rows, **page: {"total": 1})
    page.add("b.html", rows=lambda rows, **page: {"total": 2})
    with pytest.raises(ImproperlyConfigured, match="total"):
        page.fill([], request=request_)


def test_the_tag_renders_each_section_at_the_place_trimmed(settings, tmp_path):
    (tmp_path / "one.html").write_text(
        '{% if place == "row_class" %}\n  warn\n'
        '{% elif place == "body" %}<p>one {{ n }}</p>{% endif %}\n'
    )
    (tmp_path / "two.html").write_text('{% if place == "body" %}<p>two</p>{% endif %}\n')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    page = Template(
        '{% load sections %}<tr class="row {% sections "row_class" %}">{% sections %}</tr>'
    )
    html = page.render(Context({"sections": ["one.html", "two.html"], "n": 3}))
    assert html == '<tr class="row warn"><p>one 3</p> <p>two</p></tr>'
    assert page.render(Context({})) == '<tr class="row "></tr>'
