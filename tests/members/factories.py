import datetime

import factory
from factory.django import DjangoModelFactory

from apps.members.models import ContactRecord, Member, Pairing, Sector, SectorLink

TERM = 11


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"界别{n}")


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    term = TERM
    member_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Faker("name", locale="zh_CN")
    gender = Member.Gender.MALE
    sector = factory.SubFactory(SectorFactory, name="无党派人士")
    affiliation = Member.Affiliation.NON_PARTY
    work_unit = factory.Faker("company", locale="zh_CN")
    title = "职员"
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class CpcMemberFactory(MemberFactory):
    sector = factory.SubFactory(SectorFactory, name="中共")
    affiliation = Member.Affiliation.CPC


class SectorLinkFactory(DjangoModelFactory):
    class Meta:
        model = SectorLink

    party_member = factory.SubFactory(CpcMemberFactory)
    sector = factory.SubFactory(SectorFactory)
    term = TERM


class PairingFactory(DjangoModelFactory):
    class Meta:
        model = Pairing

    cpc_member = factory.SubFactory(CpcMemberFactory)
    partner = factory.SubFactory(MemberFactory)
    term = TERM
    started_on = datetime.date(2021, 3, 1)


class ContactRecordFactory(DjangoModelFactory):
    class Meta:
        model = ContactRecord

    pairing = factory.SubFactory(PairingFactory)
    date = datetime.date(2021, 6, 1)
    way = ContactRecord.Way.PHONE
    content = "电话沟通近期履职情况"


class DemocraticMemberFactory(MemberFactory):
    sector = factory.SubFactory(SectorFactory, name="民盟")
    affiliation = Member.Affiliation.DEMOCRATIC_PARTY


class PartyGroupMemberFactory(CpcMemberFactory):
    is_party_group = True
    is_standing = True
    work_unit = "县政协"
    title = "副主席"
