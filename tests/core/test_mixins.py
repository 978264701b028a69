"""The shared page helpers of `apps.core.mixins`: the year a page shows, the years its
picker offers, and the user handed to a form. Both former copies' behaviours are kept:
the research pages' (2000–2100, next year offered) and the venue pages' (recorded years
only, this year the newest offered)."""

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.generic.edit import FormMixin

from apps.core.mixins import (
    FIRST_YEAR,
    UserFormKwargsMixin,
    selected_year,
    year_choices,
    year_param,
)

THIS_YEAR = timezone.localdate().year


def request_for(**params):
    return RequestFactory().get("/", params)


def test_year_choices_run_from_next_year_back_to_the_first_year_of_records():
    years = year_choices()
    assert years[0] == THIS_YEAR + 1
    assert years[-1] == FIRST_YEAR == 2021
    assert years == sorted(years, reverse=True)
    assert len(years) == THIS_YEAR + 2 - FIRST_YEAR


def test_year_choices_without_next_year_start_at_this_year():
    assert year_choices(next_year=False) == year_choices()[1:]
    assert year_choices(next_year=False)[0] == THIS_YEAR


@pytest.mark.parametrize("raw", ["2000", "2021", "2100", str(THIS_YEAR)])
def test_a_plausible_year_is_taken(raw):
    assert year_param(request_for(year=raw)) == int(raw)
    assert selected_year(request_for(year=raw), 1999) == int(raw)


@pytest.mark.django_db  # no default given: the latest year with records (none: this year)
@pytest.mark.parametrize(
    "raw", ["", "abc", "1999", "2101", "-1", "20 21", "2021' OR 1=1", "²", "2021²"]
)
def test_a_bad_year_falls_back_to_the_default(raw):
    assert year_param(request_for(year=raw)) is None
    assert selected_year(request_for(year=raw), 2019) == 2019
    assert selected_year(request_for(year=raw)) == THIS_YEAR


def test_no_year_at_all_falls_back_to_the_default():
    assert year_param(RequestFactory().get("/")) is None
    assert selected_year(RequestFactory().get("/"), 2022) == 2022


@pytest.mark.django_db
def test_recorded_only_accepts_the_first_year_of_records_to_next_year():
    for year in (FIRST_YEAR, THIS_YEAR, THIS_YEAR + 1):
        assert selected_year(request_for(year=str(year)), recorded_only=True) == year
    for year in (2000, FIRST_YEAR - 1, THIS_YEAR + 2, 2100):
        assert year_param(request_for(year=str(year)), recorded_only=True) is None
        assert selected_year(request_for(year=str(year)), recorded_only=True) == THIS_YEAR


def test_user_form_kwargs_mixin_hands_the_user_to_the_form():
    class Page(UserFormKwargsMixin, FormMixin):
        pass

    request = RequestFactory().get("/")
    request.user = object()
    page = Page()
    page.request = request
    kwargs = page.get_form_kwargs()
    assert kwargs["user"] is request.user
    assert "initial" in kwargs  # what the form view passes is kept
