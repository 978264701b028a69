from tests.venues.fixtures import other_venue, venue  # noqa: F401
