"""The roster pages: list filters and search, create and edit with validation,
archive instead of delete, a member's own contact details, the photo."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.members.models import Member, Pairing
from tests.members.factories import (
    CpcMemberFactory,
    DemocraticMemberFactory,
    MemberFactory,
    PairingFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("members:list")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def names(response) -> list[str]:
    return [m.name for m in response.context["members"]]


@pytest.fixture
def staff(client_for):
    return client_for("staff_user")


def test_list_is_sorted_by_pinyin_and_shows_the_current_terms_active_members(staff):
    MemberFactory(name="张三")
    MemberFactory(name="曾国")  # zeng, not ceng: before zhang
    MemberFactory(name="安平")
    MemberFactory(name="李四", status=Member.Status.ARCHIVED)
    MemberFactory(name="王五", term=10)
    response = staff.get(LIST)
    assert names(response) == ["安平", "曾国", "张三"]


def test_list_filters(staff):
    cpc_sector = SectorFactory(name="中共")
    CpcMemberFactory(name="党员甲", sector=cpc_sector, is_standing=True)
    CpcMemberFactory(name="党员乙", sector=cpc_sector)
    DemocraticMemberFactory(name="民盟丙", is_standing=True)
    MemberFactory(name="无党派丁")
    MemberFactory(name="往届戊", term=10)
    MemberFactory(name="归档己", status=Member.Status.ARCHIVED)
    assert set(names(staff.get(LIST, {"affiliation": "cpc"}))) == {"党员甲", "党员乙"}
    assert set(names(staff.get(LIST, {"affiliation": "democratic"}))) == {"民盟丙"}
    assert set(names(staff.get(LIST, {"is_standing": "true"}))) == {"党员甲", "民盟丙"}
    assert set(names(staff.get(LIST, {"sector": cpc_sector.pk}))) == {"党员甲", "党员乙"}
    assert names(staff.get(LIST, {"term": "10"})) == ["往届戊"]
    assert names(staff.get(LIST, {"status": "archived"})) == ["归档己"]
    assert len(names(staff.get(LIST, {"status": "", "term": ""}))) == 6


def test_list_search_by_pinyin_initials_and_name(staff):
    MemberFactory(name="张三")
    MemberFactory(name="李四")
    assert names(staff.get(LIST, {"q": "zs"})) == ["张三"]
    assert names(staff.get(LIST, {"q": "四"})) == ["李四"]
    html = staff.get(LIST, {"q": "zs"}).content.decode()
    assert "zhang san" in html


def test_a_bad_filter_value_is_no_error(staff):
    response = staff.get(LIST, {"sector": "abc", "term": "x"})
    assert response.status_code == 200


def _member_data(sector, **overrides):
    data = {
        "term": "11",
        "member_no": "11-300",
        "name": "曾小明",
        "name_pinyin": "",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1975-06-01",
        "sector": sector.pk,
        "affiliation": "non_party",
        "work_unit": "襄城县人民医院",
        "title": "医师",
        "phone": "138 1234 5678",
        "email": "",
        "address": "",
        "joined_on": "2021-01-10",
        "left_on": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_staff_create_a_member(staff):
    sector = SectorFactory(name="无党派人士")
    response = staff.post(reverse("members:create"), _member_data(sector))
    member = Member.objects.get(member_no="11-300")
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    assert member.phone == "13812345678"
    assert (member.name_pinyin, member.name_initials) == ("zeng xiao ming", "zxm")
    assert member.history.get().history_user.username == "t_staff"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "请输入以 1 开头的 11 位手机号码"),
        ({"phone": "23812345678"}, "phone", "请输入以 1 开头的 11 位手机号码"),
        ({"left_on": "2020-01-01"}, "left_on", "离任日期不能早于任职日期"),
        ({"birth_date": "2030-01-01", "joined_on": ""}, "birth_date", "出生日期不能晚于今天"),
        ({"joined_on": "1970-01-01"}, "joined_on", "任职日期必须晚于出生日期"),
        ({"is_party_group": "on"}, "is_party_group", "只有中共党员才能是党组成员"),
    ],
)
def test_create_refuses_bad_input_with_a_chinese_message_next_to_the_field(
    staff, overrides, field, message
):
    sector = SectorFactory(name="无党派人士")
    response = staff.post(reverse("members:create"), _member_data(sector, **overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    html = response.content.decode()
    assert message in html and 'value="曾小明"' in html  # the input stays
    assert not Member.objects.exists()


def test_no_duplicate_member_number_or_person_in_a_term(staff):
    sector = SectorFactory(name="无党派人士")
    MemberFactory(member_no="11-300", name="别人")
    response = staff.post(reverse("members:create"), _member_data(sector))
    assert "委员编号" in str(response.context["form"].errors) or "已存在" in str(
        response.context["form"].errors
    )
    MemberFactory(member_no="11-301", name="曾小明", phone="13812345678")
    response = staff.post(reverse("members:create"), _member_data(sector, member_no="11-302"))
    assert "曾小明 已在第 11 届名册中（编号 11-301）" in str(response.context["form"].errors)
    assert Member.objects.count() == 2
    # Another term may have the same number and person.
    response = staff.post(reverse("members:create"), _member_data(sector, term="12"))
    assert response.status_code == 302


def test_staff_correct_the_pinyin_and_it_stays(staff):
    sector = SectorFactory(name="无党派人士")
    member = MemberFactory(name="单田芳", sector=sector, member_no="11-300", phone="13812345678")
    url = reverse("members:update", args=[member.pk])
    data = _member_data(sector, name="单田芳", name_pinyin="Dan Tian Fang", birth_date="")
    assert staff.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials, member.pinyin_locked) == (
        "dan tian fang",
        "dtf",
        True,
    )
    # Saving again with the pinyin untouched keeps it.
    data["title"] = "评书艺术家"
    assert staff.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.name_pinyin == "dan tian fang"
    # Clearing it computes it again.
    data["name_pinyin"] = ""
    assert staff.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.name_pinyin, member.pinyin_locked) == ("shan tian fang", False)


def test_a_new_name_recomputes_a_locked_pinyin_left_unchanged(staff):
    sector = SectorFactory(name="无党派人士")
    member = MemberFactory(name="单田芳", sector=sector, member_no="11-300", phone="13812345678")
    member.name_pinyin, member.pinyin_locked = "dan tian fang", True
    member.save()
    url = reverse("members:update", args=[member.pk])
    data = _member_data(sector, name="曾田芳", name_pinyin="dan tian fang", birth_date="")
    assert staff.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.name_pinyin == "zeng tian fang"


def test_photo_upload_is_checked_and_kept_off_public_urls(staff, settings):
    sector = SectorFactory(name="无党派人士")
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = staff.post(reverse("members:create"), {**_member_data(sector), "photo": fake})
    assert "请上传" in str(response.context["form"].errors["photo"])
    assert not Member.objects.exists()
    photo = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = staff.post(reverse("members:create"), {**_member_data(sector), "photo": photo})
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.photo.name.startswith("members/photos/")
    assert not member.photo.name.endswith("me.png")  # a random name
    detail = staff.get(member.get_absolute_url()).content.decode()
    assert reverse("members:photo", args=[member.pk]) in detail
    assert settings.MEDIA_URL not in detail


def test_photo_of_another_image_format_is_refused(staff):
    sector = SectorFactory(name="无党派人士")
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("x.gif", buffer.getvalue(), content_type="image/gif")
    response = staff.post(reverse("members:create"), {**_member_data(sector), "photo": gif})
    assert "不是 JPEG、PNG 或 WebP 格式的图片" in str(response.context["form"].errors["photo"])


def test_photo_is_normalized_without_its_exif_location(staff):
    sector = SectorFactory(name="无党派人士")
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (34.0, 1.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (3000, 1500), "red").save(buffer, format="JPEG", exif=exif.tobytes())
    photo = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = staff.post(reverse("members:create"), {**_member_data(sector), "photo": photo})
    assert response.status_code == 302
    with Member.objects.get().photo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (2000, 1000)
        assert not image.getexif()


def test_archive_ends_active_pairings_and_keeps_history(staff):
    pairing = PairingFactory()
    member = pairing.partner
    response = staff.post(reverse("members:archive", args=[member.pk]), {"left_on": "2021-09-30"})
    assert response.status_code == 302
    member.refresh_from_db()
    pairing.refresh_from_db()
    assert member.status == Member.Status.ARCHIVED
    assert member.left_on == datetime.date(2021, 9, 30)
    assert pairing.ended_on == datetime.date(2021, 9, 30)
    assert Pairing.objects.filter(pk=pairing.pk).exists()
    staff.post(reverse("members:restore", args=[member.pk]))
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE and member.left_on is None


def test_a_member_with_records_is_archived_never_deleted(staff):
    pairing = PairingFactory()
    response = staff.post(reverse("members:delete", args=[pairing.partner.pk]), follow=True)
    assert Member.objects.filter(pk=pairing.partner.pk).exists()
    assert "不能删除，请改为归档" in response.content.decode()


def test_a_member_entered_by_mistake_is_deleted(staff):
    member = MemberFactory()
    response = staff.post(reverse("members:delete", args=[member.pk]))
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()


def test_detail_shows_everything_about_a_member(staff):
    pairing = PairingFactory(cpc_member__name="张三", partner__name="李四")
    pairing.cpc_member.is_party_group = True
    pairing.cpc_member.save()
    from tests.members.factories import SectorLinkFactory

    SectorLinkFactory(party_member=pairing.cpc_member, sector=SectorFactory(name="教育界"))
    html = staff.get(pairing.cpc_member.get_absolute_url()).content.decode()
    phone = pairing.cpc_member.phone
    for text in ["张三", "李四", "教育界", f"{phone[:3]}****{phone[-4:]}", "修改记录"]:
        assert text in html
    # Personal data are masked even for staff, who reveal them one by one (logged).
    assert phone not in html


def test_a_member_edits_only_their_own_contact_details(client_for, member_user):
    member = CpcMemberFactory(user=member_user, name="张三", title="局长")
    client = client_for("member_user")
    url = reverse("members:my_contact")
    response = client.post(
        url,
        {"phone": "13900001111", "email": "z@example.cn", "address": "城关镇", "title": "主席"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.email, member.address) == (
        "13900001111",
        "z@example.cn",
        "城关镇",
    )
    assert member.title == "局长"
    bad = client.post(url, {"phone": "123", "email": "", "address": ""})
    assert "请输入以 1 开头的 11 位手机号码" in bad.content.decode()
    # The own detail page offers the contact form but no staff action.
    html = client.get(member.get_absolute_url()).content.decode()
    assert url in html
    assert reverse("members:update", args=[member.pk]) not in html


def test_leaders_read_but_see_no_write_action(client_for):
    member = MemberFactory()
    html = client_for("leader_user").get(member.get_absolute_url()).content.decode()
    assert reverse("members:update", args=[member.pk]) not in html
    list_html = client_for("leader_user").get(LIST).content.decode()
    assert reverse("members:create") not in list_html
    assert reverse("members:export") in list_html


def test_other_apps_widen_the_scope_and_add_detail_sections(
    client_for, office_head_user, monkeypatch
):
    from django.db.models import Q

    from apps.core.sections import Section, sections
    from apps.members import managers

    stationed, other = MemberFactory(name="驻站委员"), MemberFactory(name="别处委员")
    monkeypatch.setattr(
        managers,
        "extra_member_scopes",
        [lambda user: Q(pk=stationed.pk) if user == office_head_user else None],
    )
    monkeypatch.setattr(
        sections.page("members:detail"), "entries", [Section("members/home_member.html")]
    )
    client = client_for("office_head_user")
    response = client.get(stationed.get_absolute_url())
    assert response.status_code == 200
    assert "我的委员信息" in response.content.decode()  # the registered section
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client_for("member_user").get(stationed.get_absolute_url()).status_code == 404


def test_pinyin_typed_in_admin_is_kept(client, superuser):
    member = MemberFactory(name="单田芳")
    client.force_login(superuser)
    url = reverse("admin:members_member_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(
        {
            "name_pinyin": "dan tian fang",
            "sector": member.sector_id,
            "is_standing": "",
            "is_party_group": "",
            "pinyin_locked": "",
            "user": "",
        }
    )
    data = {k: ("" if v is False else ("on" if v is True else v)) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.name_pinyin, member.pinyin_locked) == ("dan tian fang", True)


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        ("garbage", "输入一个有效的日期"),
        ("2020-12-31", "离任日期不能早于任职日期（2021-01-10）"),
    ],
)
def test_archive_refuses_a_bad_date_next_to_the_field(staff, left_on, message):
    pairing = PairingFactory(partner=MemberFactory(joined_on=datetime.date(2021, 1, 10)))
    member = pairing.partner
    response = staff.post(reverse("members:archive", args=[member.pk]), {"left_on": left_on})
    assert response.status_code == 400
    assert message in str(response.context["archive_form"].errors["left_on"])
    html = response.content.decode()
    assert message in html and f'value="{left_on}"' in html  # shown with what was typed
    assert member.name in html  # the member's page
    member.refresh_from_db()
    pairing.refresh_from_db()
    assert (member.status, member.left_on, pairing.ended_on) == (Member.Status.ACTIVE, None, None)


def test_archive_without_a_date_uses_today(staff):
    member = MemberFactory(joined_on=datetime.date(2021, 1, 10))
    response = staff.post(reverse("members:archive", args=[member.pk]), {"left_on": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Member.Status.ARCHIVED
    assert member.left_on == timezone.localdate()


def test_archive_on_the_joining_day_is_allowed(staff):
    member = MemberFactory(joined_on=datetime.date(2021, 1, 10))
    staff.post(reverse("members:archive", args=[member.pk]), {"left_on": "2021-01-10"})
    member.refresh_from_db()
    assert (member.status, member.left_on) == (Member.Status.ARCHIVED, datetime.date(2021, 1, 10))


def test_the_archive_service_refuses_a_date_before_joining():
    from django.core.exceptions import ValidationError

    from apps.members import services

    member = MemberFactory(joined_on=datetime.date(2021, 1, 10))
    with pytest.raises(ValidationError) as error:
        services.member_archive(member=member, left_on=datetime.date(2021, 1, 9))
    assert "left_on" in error.value.message_dict
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_the_member_page_offers_the_leaving_date_with_the_archive_button(staff):
    member = MemberFactory()
    html = staff.get(member.get_absolute_url()).content.decode()
    assert 'name="left_on"' in html


@pytest.mark.parametrize("term", ["0", "-1"])
def test_the_term_starts_at_one(staff, term):
    sector = SectorFactory(name="无党派人士")
    response = staff.post(reverse("members:create"), _member_data(sector, term=term))
    assert response.status_code == 200
    assert "term" in response.context["form"].errors
    assert not Member.objects.exists()


def test_a_term_0_row_of_an_import_is_an_error(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.members.roster_files import GOOD_ROWS, xlsx_bytes

    SectorFactory(name="经济界")
    content = xlsx_bytes([["0", *GOOD_ROWS[0][1:]]])
    staff.post(reverse("members:import"), {"file": SimpleUploadedFile("r.xlsx", content)})
    [result] = staff.get(reverse("members:import_preview")).context["results"]
    assert result.status == "error"
    assert any(e.startswith("届次：") for e in result.errors)


def test_a_taken_member_number_is_refused_naming_its_member(staff):
    sector = SectorFactory(name="无党派人士")
    MemberFactory(member_no="11-300", name="别人")
    response = staff.post(reverse("members:create"), _member_data(sector))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "第 11 届的委员编号 11-300 已由 别人 使用" in str(errors["member_no"])
    assert "已经存在" not in str(errors)
    # Editing another member to that number is refused the same way.
    other = MemberFactory(member_no="11-301", name="曾小明", sector=sector)
    url = reverse("members:update", args=[other.pk])
    response = staff.post(url, _member_data(sector, phone=other.phone))
    assert "已由 别人 使用" in str(response.context["form"].errors["member_no"])
    # Keeping one's own number is fine.
    response = staff.post(url, _member_data(sector, member_no="11-301", phone=other.phone))
    assert response.status_code == 302


def test_the_database_constraint_says_in_words_that_the_number_is_taken():
    from django.core.exceptions import ValidationError

    taken = MemberFactory(member_no="11-300")
    with pytest.raises(ValidationError) as error:
        MemberFactory.build(member_no="11-300", sector=taken.sector).full_clean()
    assert "本届已有委员使用该委员编号" in str(error.value)


def test_staff_typed_pinyin_without_spaces_keeps_the_initials_searchable(staff):
    sector = SectorFactory(name="无党派人士")
    member = MemberFactory(name="曾国藩", sector=sector, member_no="11-300", phone="13812345678")
    MemberFactory(name="张三")
    url = reverse("members:update", args=[member.pk])
    data = _member_data(sector, name="曾国藩", name_pinyin="Zēng Guófān", birth_date="")
    assert staff.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("zeng guo fan", "zgf")
    assert names(staff.get(LIST, {"q": "zgf"})) == ["曾国藩"]
    assert names(staff.get(LIST, {"q": "zs"})) == ["张三"]


def test_pinyin_with_a_syllable_missing_is_refused_next_to_the_field(staff):
    sector = SectorFactory(name="无党派人士")
    member = MemberFactory(name="曾国藩", sector=sector, member_no="11-300", phone="13812345678")
    url = reverse("members:update", args=[member.pk])
    data = _member_data(sector, name="曾国藩", name_pinyin="zeng guo", birth_date="")
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "3 个汉字" in str(response.context["form"].errors["name_pinyin"])
    member.refresh_from_db()
    assert member.name_pinyin == "zeng guo fan"
