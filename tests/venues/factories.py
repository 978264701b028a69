import datetime

import factory
from factory.django import DjangoModelFactory

from apps.venues.models import Assignment, Township, Venue
from tests.members.factories import MemberFactory


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试{n}镇")
    sort_order = factory.Sequence(lambda n: n)


class VenueFactory(DjangoModelFactory):
    """A township liaison office (the usual venue)."""

    class Meta:
        model = Venue
        skip_postgeneration_save = True

    name = factory.LazyAttribute(lambda o: f"{o.township.name}政协委员联络室")
    kind = Venue.Kind.LIAISON_OFFICE
    township = factory.SubFactory(TownshipFactory)
    address = factory.LazyAttribute(lambda o: f"{o.township.name}人民政府院内")

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.add(*extracted)


class MemberHomeFactory(VenueFactory):
    name = factory.Sequence(lambda n: f"测试委员之家{n}")
    kind = Venue.Kind.MEMBER_HOME
    township = None
    address = "县城"


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    venue = factory.SubFactory(VenueFactory)
    member = factory.SubFactory(MemberFactory)
    started_on = datetime.date(2021, 1, 1)
