"""Two venues with two office heads: `venue` is managed by `office_head_user`,
`other_venue` by `other_office_head_user` (import these fixtures in a conftest)."""

import pytest

from tests.venues.factories import VenueFactory


@pytest.fixture
def venue(office_head_user):
    return VenueFactory(township__name="城关镇", managers=[office_head_user])


@pytest.fixture
def other_venue(other_office_head_user):
    return VenueFactory(township__name="颍桥回族镇", managers=[other_office_head_user])
