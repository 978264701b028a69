"""The offices' ranking is a kept page (`apps.core.pagecache`): re-deriving the scores when
only the ranks move (a venue became a member home, its total unchanged) shows the new
ranks at once. The ranks are written by `bulk_update`, which sends no signal; the data
version moves on the SQL itself (`versions.watch_writes`)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts import roles
from apps.consultation.models import Session
from apps.performance.models import OfficeScore
from apps.performance.office_scores import office_scores_derive
from apps.venues.models import Venue
from tests.accounts.factories import UserFactory
from tests.consultation.factories import PublishedSessionFactory, SuggestionFactory
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, MemberHomeFactory, VenueFactory

from .factories import YEAR
from .test_office_scores import LONG_MINUTES, office_rules

pytestmark = pytest.mark.django_db(transaction=True)


def test_ranks_re_derived_alone_show_on_the_kept_ranking(settings):
    office_rules()
    first, second = VenueFactory(), VenueFactory()
    home = MemberHomeFactory()
    for venue, forms in (
        (first, [Session.Form.SYMPOSIUM, Session.Form.ON_SITE]),
        (second, ["other"]),
    ):
        member = MemberFactory()
        AssignmentFactory(venue=venue, member=member)
        for form in forms:
            session = PublishedSessionFactory(
                venue=venue, form=form, members=[member], minutes=LONG_MINUTES
            )
            SuggestionFactory(session=session, text=f"{venue.name}的建议")
    PublishedSessionFactory(venue=home)
    office_scores_derive(year=YEAR)
    client = Client()
    client.force_login(UserFactory(username="t_rank", roles=[roles.COUNTY_STAFF]))
    url = reverse("performance:office_list", args=[YEAR])

    second.kind = Venue.Kind.MEMBER_HOME  # its total stays; its rank among homes moves
    second.save()
    client.get(url)  # kept before the scores are derived again
    ranks = dict(OfficeScore.objects.filter(year=YEAR).values_list("venue_id", "rank"))
    office_scores_derive(year=YEAR)  # only ranks change: one bulk_update
    assert dict(OfficeScore.objects.filter(year=YEAR).values_list("venue_id", "rank")) != ranks

    kept = client.get(url).text
    settings.PAGE_CACHE = False
    fresh = client.get(url).text

    def plain(html):
        return re.sub(r'value="[^"]+"', 'value=""', html)

    assert plain(kept) == plain(fresh)
