"""Model rules: pinyin on save, the queryset scopes, and the invariants the database
itself holds (run on PostgreSQL and on SQLite by CI)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.members.models import Member, Pairing
from tests.members.factories import (
    CpcMemberFactory,
    DemocraticMemberFactory,
    MemberFactory,
    PairingFactory,
)

pytestmark = pytest.mark.django_db


def test_pinyin_and_initials_are_computed_on_save():
    member = MemberFactory(name="曾小贤")
    assert (member.name_pinyin, member.name_initials) == ("zeng xiao xian", "zxx")


def test_pinyin_follows_a_new_name():
    member = MemberFactory(name="张三")
    member.name = "单四"
    member.save()
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("shan si", "ss")


def test_staff_edited_pinyin_is_kept_on_save():
    member = MemberFactory(name="单田芳")
    member.name_pinyin = "Dan Tian Fang"
    member.pinyin_locked = True
    member.save()
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("dan tian fang", "dtf")
    member.title = "艺术家"
    member.save()
    member.refresh_from_db()
    assert member.name_pinyin == "dan tian fang"


def test_update_fields_with_the_name_saves_the_pinyin_too():
    member = MemberFactory(name="张三")
    member.name = "曾三"
    member.save(update_fields=["name"])
    member.refresh_from_db()
    assert member.name_pinyin == "zeng san"


def test_search_by_initials_pinyin_name_and_number():
    zhang = MemberFactory(name="张三", member_no="11-001")
    zhao = MemberFactory(name="赵武", member_no="11-002")
    zeng = MemberFactory(name="曾明", member_no="11-003")
    assert list(Member.objects.search("zs")) == [zhang]
    assert list(Member.objects.search("ZS")) == [zhang]
    assert set(Member.objects.search("z")) == {zhang, zhao, zeng}
    assert list(Member.objects.search("zhang s")) == [zhang]
    assert list(Member.objects.search("zeng")) == [zeng]
    assert list(Member.objects.search("三")) == [zhang]
    assert list(Member.objects.search("11-002")) == [zhao]
    assert set(Member.objects.search("")) == {zhang, zhao, zeng}


def test_search_is_one_query(django_assert_num_queries):
    MemberFactory.create_batch(5)
    with django_assert_num_queries(1):
        list(Member.objects.search("zs"))


def test_scopes():
    cpc = CpcMemberFactory()
    democratic = DemocraticMemberFactory()
    archived = MemberFactory(status=Member.Status.ARCHIVED)
    other_term = MemberFactory(term=10)
    assert set(Member.objects.cpc()) == {cpc}
    assert set(Member.objects.non_cpc()) == {democratic, archived, other_term}
    assert archived not in Member.objects.active()
    assert other_term not in Member.objects.current_term()


def _pair(**kwargs):
    with transaction.atomic():
        return PairingFactory(**kwargs)


def test_database_refuses_a_second_active_pairing_of_a_non_cpc_member():
    partner = MemberFactory()
    _pair(partner=partner)
    with pytest.raises(IntegrityError):
        _pair(partner=partner)
    assert Pairing.objects.filter(partner=partner).count() == 1, connection.vendor


def test_database_allows_a_new_pairing_after_the_old_one_ended_and_in_another_term():
    partner = MemberFactory()
    first = _pair(partner=partner)
    first.ended_on = datetime.date(2021, 12, 31)
    first.save()
    _pair(partner=partner, started_on=datetime.date(2022, 1, 1))
    _pair(partner=partner, term=12)
    assert Pairing.objects.filter(partner=partner).count() == 3


def test_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError):
        _pair(started_on=datetime.date(2021, 3, 1), ended_on=datetime.date(2021, 2, 1))


def test_database_refuses_a_pairing_with_oneself():
    member = CpcMemberFactory()
    with pytest.raises(IntegrityError):
        _pair(cpc_member=member, partner=member)


def test_database_refuses_leaving_before_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(joined_on=datetime.date(2021, 1, 1), left_on=datetime.date(2020, 1, 1))


def test_model_validation_refuses_term_0():
    with pytest.raises(ValidationError) as error:
        MemberFactory.build(term=0, sector=MemberFactory().sector).full_clean()
    assert "term" in error.value.message_dict


def test_database_refuses_a_duplicate_member_number_in_a_term():
    MemberFactory(member_no="11-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(member_no="11-001")
    MemberFactory(member_no="11-001", term=10)


def test_clean_refuses_two_cpc_or_two_non_cpc_members_in_words():
    two_cpc = Pairing(
        cpc_member=CpcMemberFactory(name="甲"),
        partner=CpcMemberFactory(name="乙"),
        term=11,
        started_on=datetime.date(2021, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        two_cpc.full_clean()
    assert "乙是中共党员" in str(error.value.message_dict["partner"])
    two_others = Pairing(
        cpc_member=MemberFactory(name="丙"),
        partner=MemberFactory(name="丁"),
        term=11,
        started_on=datetime.date(2021, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        two_others.full_clean()
    assert "丙不是中共党员" in str(error.value.message_dict["cpc_member"])


def test_member_clean_checks_the_date_order():
    member = MemberFactory.build(
        sector=CpcMemberFactory().sector,
        birth_date=datetime.date(1980, 1, 1),
        joined_on=datetime.date(1979, 1, 1),
        left_on=datetime.date(1978, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert set(error.value.message_dict) >= {"joined_on", "left_on"}
