"""Review findings on the consultation session pages: an out-of-range year filter
once answered 500 (Django's year lookup builds datetime(10000, 1, 1))."""

import pytest
from django.urls import reverse

from tests.consultation.factories import PublishedSessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["consultation:list", "consultation:export"])
@pytest.mark.parametrize("year", ["10000", "1e5"])
def test_an_out_of_range_year_filter_is_no_error(client_for, venue, url_name, year):
    PublishedSessionFactory(venue=venue)
    client = client_for("staff_user")
    client.raise_request_exception = False
    response = client.get(reverse(url_name), {"year": year})
    assert response.status_code in (200, 400)
