"""The member rules hold for every entry point: the staff pages, the import, the admin and
`full_clean()` in a shell all go through `Member.clean()` / `SectorLink.clean()`."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.members.models import Member, SectorLink
from tests.members.factories import (
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
    SectorFactory,
    SectorLinkFactory,
)

pytestmark = pytest.mark.django_db


def _admin_data(client, url, **overrides):
    """The admin change form's current values, as a browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "photo" or value is None:
            continue
        data[name] = value
    data.update(overrides)
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _paired_cpc_member():
    pairing = PairingFactory(
        cpc_member=CpcMemberFactory(name="王五"), partner=MemberFactory(name="赵六")
    )
    PairingFactory()  # two of a kind: another pairing, of other members
    return pairing


def test_the_admin_refuses_a_paired_cpc_member_turning_non_party(admin_client):
    pairing = _paired_cpc_member()
    member = pairing.cpc_member
    url = reverse("admin:members_member_change", args=[member.pk])
    response = admin_client.post(url, _admin_data(admin_client, url, affiliation="non_party"))
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["affiliation"])
    assert "请先结束" in errors and "赵六" in errors
    member.refresh_from_db()
    pairing.refresh_from_db()
    assert member.is_cpc and pairing.is_active and pairing.cpc_member_id == member.pk


def test_the_admin_accepts_the_same_change_once_the_pairing_ended(admin_client):
    pairing = _paired_cpc_member()
    pairing.ended_on = datetime.date(2021, 6, 1)
    pairing.save()
    member = pairing.cpc_member
    url = reverse("admin:members_member_change", args=[member.pk])
    response = admin_client.post(url, _admin_data(admin_client, url, affiliation="non_party"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.affiliation == Member.Affiliation.NON_PARTY


@pytest.mark.parametrize(("side", "affiliation"), [("partner", "cpc"), ("cpc_member", "non_party")])
def test_full_clean_refuses_a_side_change_while_paired(side, affiliation):
    pairing = _paired_cpc_member()
    member = Member.objects.get(pk=getattr(pairing, side).pk)
    member.affiliation = affiliation
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    [message] = refused.value.message_dict["affiliation"]
    other = pairing.partner if side == "cpc_member" else pairing.cpc_member
    assert "请先结束" in message and other.name in message


def test_full_clean_of_an_unsaved_copy_reads_the_stored_side():
    # An instance not loaded from the database (e.g. built by hand) reads its stored side.
    pairing = _paired_cpc_member()
    stored = Member.objects.get(pk=pairing.cpc_member_id)
    copy = Member(**{f.attname: getattr(stored, f.attname) for f in Member._meta.concrete_fields})
    copy._state.adding = False
    copy.affiliation = Member.Affiliation.NON_PARTY
    with pytest.raises(ValidationError, match="请先结束"):
        copy.full_clean()


def test_full_clean_accepts_a_change_within_the_non_cpc_side():
    pairing = _paired_cpc_member()
    partner = Member.objects.get(pk=pairing.partner_id)
    partner.affiliation = Member.Affiliation.DEMOCRATIC_PARTY
    partner.full_clean()


def test_the_admin_refuses_the_same_person_twice_in_a_term(admin_client):
    sector = SectorFactory(name="无党派人士")
    MemberFactory(name="张三", phone="13800000001", sector=sector, member_no="11-001")
    MemberFactory(name="张三", phone="13800000002", sector=sector, member_no="11-002")
    other = Member.objects.get(member_no="11-002")
    url = reverse("admin:members_member_change", args=[other.pk])
    response = admin_client.post(url, _admin_data(admin_client, url, phone="13800000001"))
    assert response.status_code == 200
    assert "11-001" in str(response.context["adminform"].form.non_field_errors())
    other.refresh_from_db()
    assert other.phone == "13800000002"


def test_full_clean_refuses_the_same_person_twice_in_a_term():
    first = MemberFactory(name="张三", phone="13800000001")
    twin = MemberFactory.build(name="张 三", phone="13800000001", sector=first.sector)
    with pytest.raises(ValidationError, match=first.member_no):
        twin.full_clean()
    assert twin.name == "张三"  # stored without the space


def test_the_admin_refuses_pinyin_with_a_syllable_missing(admin_client):
    member = MemberFactory(name="曾国藩")
    url = reverse("admin:members_member_change", args=[member.pk])
    response = admin_client.post(url, _admin_data(admin_client, url, name_pinyin="zeng guo"))
    assert response.status_code == 200
    assert "3 个汉字" in str(response.context["adminform"].form.errors["name_pinyin"])
    member.refresh_from_db()
    assert member.name_pinyin == "zeng guo fan"


def test_a_new_name_in_the_admin_recomputes_a_locked_pinyin_left_unchanged(admin_client):
    member = MemberFactory(name="单田芳")
    member.name_pinyin, member.pinyin_locked = "dan tian fang", True
    member.save()
    url = reverse("admin:members_member_change", args=[member.pk])
    response = admin_client.post(url, _admin_data(admin_client, url, name="曾田芳"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name_pinyin, member.pinyin_locked) == ("zeng tian fang", False)


def test_full_clean_keeps_typed_pinyin_and_splits_it():
    member = MemberFactory(name="单田芳")
    member = Member.objects.get(pk=member.pk)
    assert member.name_pinyin == "shan tian fang"
    member.name_pinyin = "DànTiánFāng"
    member.full_clean()
    member.save()
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials, member.pinyin_locked) == (
        "dan tian fang",
        "dtf",
        True,
    )


def test_a_sector_link_twice_is_refused_by_full_clean():
    link = SectorLinkFactory(party_member=CpcMemberFactory(is_party_group=True))
    SectorLinkFactory(party_member=CpcMemberFactory(is_party_group=True))  # another link
    again = SectorLink(party_member=link.party_member, sector=link.sector, term=link.term)
    with pytest.raises(ValidationError, match="已联系此界别"):
        again.full_clean()
    next_term = SectorLink(party_member=link.party_member, sector=link.sector, term=link.term + 1)
    next_term.full_clean()


def test_the_admin_archives_through_the_service_and_ends_the_pairings(admin_client):
    pairing = _paired_cpc_member()
    member = pairing.partner
    other = MemberFactory()
    url = reverse("admin:members_member_changelist")
    response = admin_client.post(
        url, {"action": "archive", "_selected_action": [member.pk]}, follow=True
    )
    assert response.status_code == 200
    member.refresh_from_db()
    pairing.refresh_from_db()
    other.refresh_from_db()
    assert member.status == Member.Status.ARCHIVED and member.left_on is not None
    assert not pairing.is_active
    assert other.is_active
    admin_client.post(url, {"action": "restore", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.is_active and member.left_on is None


def test_the_admin_cannot_set_the_status_by_hand(admin_client):
    member = MemberFactory()
    url = reverse("admin:members_member_change", args=[member.pk])
    admin_client.post(url, _admin_data(admin_client, url, status="archived"))
    member.refresh_from_db()
    assert member.is_active


def test_an_active_pairing_needs_active_members_of_its_term(admin_client):
    cpc = CpcMemberFactory()
    archived = MemberFactory(status=Member.Status.ARCHIVED)
    earlier = MemberFactory(term=10)
    for partner in (archived, earlier):
        pairing = PairingFactory.build(cpc_member=cpc, partner=partner)
        with pytest.raises(ValidationError) as refused:
            pairing.full_clean()
        assert "partner" in refused.value.message_dict
    # Through the admin too; an ended pairing of an archived member stays editable.
    response = admin_client.post(
        reverse("admin:members_pairing_add"),
        {"cpc_member": cpc.pk, "partner": archived.pk, "term": 11, "started_on": "2021-03-01"},
    )
    assert response.status_code == 200
    assert "不是第 11 届的在任委员" in str(response.context["adminform"].form.errors["partner"])
    ended = PairingFactory.build(
        cpc_member=cpc, partner=archived, ended_on=datetime.date(2021, 6, 1)
    )
    ended.full_clean()
