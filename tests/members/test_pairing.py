"""双联: pairing rules, ending keeps history, contact records, the coverage page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.members import services
from apps.members.models import ContactRecord, Pairing
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    DemocraticMemberFactory,
    MemberFactory,
    PairingFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2021, 12, 31)


def test_pairing_create_pairs_a_cpc_with_a_non_cpc_member():
    pairing = services.pairing_create(
        cpc_member=CpcMemberFactory(),
        partner=DemocraticMemberFactory(),
        started_on=datetime.date(2021, 3, 1),
    )
    assert pairing.term == 11 and pairing.is_active


@pytest.mark.parametrize(
    ("cpc_factory", "partner_factory", "field", "message"),
    [
        (CpcMemberFactory, CpcMemberFactory, "partner", "是中共党员"),
        (MemberFactory, DemocraticMemberFactory, "cpc_member", "不是中共党员"),
    ],
)
def test_two_cpc_or_two_non_cpc_members_are_refused(cpc_factory, partner_factory, field, message):
    with pytest.raises(ValidationError) as error:
        services.pairing_create(
            cpc_member=cpc_factory(),
            partner=partner_factory(),
            started_on=datetime.date(2021, 3, 1),
        )
    assert message in str(error.value.message_dict[field])
    assert not Pairing.objects.exists()


def test_a_second_active_pairing_is_refused_in_words():
    first = PairingFactory(cpc_member__name="王五")
    with pytest.raises(ValidationError) as error:
        services.pairing_create(
            cpc_member=CpcMemberFactory(),
            partner=first.partner,
            started_on=datetime.date(2021, 4, 1),
        )
    assert "本届已与王五结对，请先结束该结对" in str(error.value)


def test_ending_keeps_the_history_and_frees_the_partner():
    pairing = PairingFactory()
    ContactRecordFactory(pairing=pairing)
    services.pairing_end(pairing=pairing, ended_on=datetime.date(2021, 9, 1))
    with pytest.raises(ValidationError):
        services.pairing_end(pairing=pairing)
    new = services.pairing_create(
        cpc_member=CpcMemberFactory(),
        partner=pairing.partner,
        started_on=datetime.date(2021, 9, 2),
    )
    assert Pairing.objects.filter(partner=pairing.partner).count() == 2
    assert pairing.contacts.count() == 1 and new.is_active
    assert pairing.history.count() == 2


def test_end_before_start_is_refused():
    pairing = PairingFactory(started_on=datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError):
        services.pairing_end(pairing=pairing, ended_on=datetime.date(2021, 1, 1))


def test_staff_create_a_pairing_through_the_page(client_for):
    cpc, partner = CpcMemberFactory(name="张三"), MemberFactory(name="李四")
    client = client_for("staff_user")
    form = client.get(reverse("members:pairing_create"), {"partner": partner.pk})
    html = form.content.decode()
    assert "data-member-picker" in html and "member-picker.js" in html
    assert f'<option value="{partner.pk}" selected>李四' in html  # only the chosen one
    response = client.post(
        reverse("members:pairing_create"),
        {"cpc_member": cpc.pk, "partner": partner.pk, "started_on": "2021-03-01", "note": ""},
    )
    pairing = Pairing.objects.get()
    assert response["Location"] == pairing.get_absolute_url()


def test_the_page_refuses_two_cpc_members_with_a_clear_message(client_for):
    a, b = CpcMemberFactory(name="张三"), CpcMemberFactory(name="李四")
    response = client_for("staff_user").post(
        reverse("members:pairing_create"),
        {"cpc_member": a.pk, "partner": b.pk, "started_on": "2021-03-01"},
    )
    assert response.status_code == 200
    assert "李四是中共党员：结对须由一名党员委员联系一名党外委员" in response.content.decode()
    assert not Pairing.objects.exists()


def test_the_cpc_member_adds_a_record_to_their_own_pairing(client_for, linked_cpc_member):
    pairing = linked_cpc_member.pairings_led.get()
    client = client_for("member_user")
    page = client.get(pairing.get_absolute_url())
    assert "添加联系记录" in page.content.decode()
    response = client.post(
        reverse("members:contact_create", args=[pairing.pk]),
        {"date": "2021-06-01", "way": "visit", "content": "走访了解企业经营情况"},
    )
    assert response.status_code == 302
    record = ContactRecord.objects.get()
    assert record.created_by.username == "t_member" and record.way == "visit"


def test_a_bad_record_is_refused_next_to_its_field(client_for, linked_cpc_member):
    pairing = linked_cpc_member.pairings_led.get()
    response = client_for("member_user").post(
        reverse("members:contact_create", args=[pairing.pk]),
        {"date": "2020-01-01", "way": "visit", "content": "早于结对"},
    )
    assert response.status_code == 400
    assert "联系日期不能早于结对开始日期" in response.content.decode()
    assert not ContactRecord.objects.exists()


def test_a_member_sees_only_their_own_pairings(client_for, linked_cpc_member, other_pairing):
    response = client_for("member_user").get(reverse("members:my_pairings"))
    others = [p.other.name for p in response.context["pairings"]]
    assert others == ["李四"]
    assert "赵六" not in response.content.decode()


def test_an_ended_pairing_can_not_get_new_records_from_the_member(client_for, linked_cpc_member):
    pairing = linked_cpc_member.pairings_led.get()
    services.pairing_end(pairing=pairing, ended_on=datetime.date(2021, 6, 1))
    response = client_for("member_user").post(
        reverse("members:contact_create", args=[pairing.pk]),
        {"date": "2021-05-01", "way": "phone", "content": "x"},
    )
    assert response.status_code == 403


@time_machine.travel(datetime.datetime(2021, 12, 31, 12, tzinfo=datetime.UTC))
def test_coverage_page(client_for):
    fresh = PairingFactory(cpc_member__name="甲", partner__name="子")
    PairingFactory(cpc_member=fresh.cpc_member, partner__name="丑")  # load 2, no contact
    stale = PairingFactory(cpc_member__name="乙", partner__name="寅")
    ContactRecordFactory(pairing=fresh, date=datetime.date(2021, 12, 1))
    ContactRecordFactory(pairing=stale, date=datetime.date(2021, 6, 1))
    MemberFactory(name="卯")  # unpaired
    CpcMemberFactory(name="丙")  # CPC without a pairing
    ended = PairingFactory(
        cpc_member=stale.cpc_member, partner__name="辰", ended_on=datetime.date(2021, 5, 1)
    )
    ended.partner.status = "archived"
    ended.partner.save()
    response = client_for("leader_user").get(reverse("members:coverage"))
    coverage = response.context["coverage"]
    assert (coverage.cpc_pairing, coverage.covered, coverage.non_cpc) == (2, 3, 4)
    assert [(load.member.name, load.count) for load in coverage.loads] == [("甲", 2), ("乙", 1)]
    assert [m.name for m in coverage.unpaired] == ["卯"]
    assert [m.name for m in coverage.idle_cpc] == ["丙"]
    assert sorted(p.partner.name for p in coverage.stale) == ["丑", "寅"]
    assert coverage.load_histogram == [(1, 1), (2, 1)]
    html = response.content.decode()
    assert "3/4" in html and "卯" in html


@time_machine.travel(datetime.datetime(2021, 12, 31, 12, tzinfo=datetime.UTC))
def test_the_stale_threshold_comes_from_settings(settings):
    pairing = PairingFactory()
    ContactRecordFactory(pairing=pairing, date=datetime.date(2021, 11, 1))
    assert services.coverage_counts()["stale"] == 0
    settings.PAIRING_CONTACT_STALE_DAYS = 30
    assert services.coverage_counts()["stale"] == 1
    assert len(services.coverage_report().stale) == 1


def test_coverage_counts_match_the_report():
    PairingFactory.create_batch(3)
    MemberFactory()
    counts = services.coverage_counts(today=TODAY)
    report = services.coverage_report(today=TODAY)
    assert (counts["covered"], counts["non_cpc"], counts["cpc_pairing"], counts["stale"]) == (
        report.covered,
        report.non_cpc,
        report.cpc_pairing,
        len(report.stale),
    )


def test_staff_end_a_pairing_through_the_page(client_for):
    pairing = PairingFactory()
    client = client_for("staff_user")
    response = client.post(
        reverse("members:pairing_end", args=[pairing.pk]), {"ended_on": "2021-02-01"}
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(
        reverse("members:pairing_end", args=[pairing.pk]), {"ended_on": "2021-08-01"}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.ended_on == datetime.date(2021, 8, 1)


# --- a paired member cannot change side --------------------------------------------------


def _edit(client, member, **overrides):
    data = {
        "term": member.term,
        "member_no": member.member_no,
        "name": member.name,
        "name_pinyin": "",
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": "",
        "sector": member.sector_id,
        "affiliation": member.affiliation,
        "work_unit": member.work_unit,
        "title": member.title,
        "phone": member.phone,
        "email": "",
        "address": "",
        "joined_on": "",
        "left_on": "",
        "note": "",
        **overrides,
    }
    return client.post(reverse("members:update", args=[member.pk]), data)


@pytest.fixture
def staff(client_for):
    return client_for("staff_user")


@pytest.mark.parametrize(("side", "affiliation"), [("partner", "cpc"), ("cpc_member", "non_party")])
def test_a_paired_member_cannot_change_side(staff, side, affiliation):
    pairing = PairingFactory(
        cpc_member=CpcMemberFactory(name="王五"), partner=MemberFactory(name="赵六")
    )
    PairingFactory()  # another pairing, of other members
    member = getattr(pairing, side)
    other = pairing.cpc_member if side == "partner" else pairing.partner
    stored = member.affiliation
    response = _edit(staff, member, affiliation=affiliation)
    assert response.status_code == 200
    errors = str(response.context["form"].errors["affiliation"])
    assert "请先结束" in errors and other.name in errors
    assert f'value="{member.name}"' in response.content.decode()  # the input stays
    member.refresh_from_db()
    assert member.affiliation == stored


def test_a_member_may_change_side_once_their_pairings_ended(staff):
    pairing = PairingFactory(ended_on=datetime.date(2021, 6, 1))
    response = _edit(staff, pairing.partner, affiliation="cpc")
    assert response.status_code == 302
    pairing.partner.refresh_from_db()
    assert pairing.partner.is_cpc


def test_a_paired_member_may_change_within_the_non_cpc_side(staff):
    pairing = PairingFactory(partner=MemberFactory())
    response = _edit(staff, pairing.partner, affiliation="democratic")
    assert response.status_code == 302


def test_the_import_refuses_a_paired_member_changing_side(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.members.views import IMPORT_SESSION_KEY
    from tests.members.roster_files import xlsx_bytes

    staff = client_for("staff_user")
    pairing = PairingFactory(
        cpc_member=CpcMemberFactory(name="王五"), partner=MemberFactory(name="赵六")
    )
    partner = pairing.partner
    headers = ["委员编号", "姓名", "性别", "界别", "政治面貌"]
    rows = [[partner.member_no, partner.name, "男", partner.sector.name, "中共党员"]]
    staff.post(
        reverse("members:import"), {"file": SimpleUploadedFile("r.xlsx", xlsx_bytes(rows, headers))}
    )
    page = staff.get(reverse("members:import_preview"))
    [result] = page.context["results"]
    assert result.status == "error"
    assert any("政治面貌" in e and "请先结束" in e and "王五" in e for e in result.errors)
    token = staff.session[IMPORT_SESSION_KEY]["token"]
    staff.post(reverse("members:import_preview"), {"token": token})
    partner.refresh_from_db()
    assert not partner.is_cpc
