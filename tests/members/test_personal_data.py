"""Members' personal data (个人信息保护法): masked for every role but the member themself;
staff with view_member_personal reveal one value with a click (logged); exports mask or
carry who exported them. The full value never reaches the HTML of a role that may not see it."""

import datetime

import pytest
from django.urls import reverse

from apps.core.models import SecurityEvent
from apps.members.personal import mask_address, mask_date, mask_email, mask_phone
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory
from tests.xlsx import workbook as workbook_of

pytestmark = pytest.mark.django_db

PHONE, BIRTH, EMAIL, ADDRESS = (
    "13812341234",
    datetime.date(1965, 3, 9),
    "zhangsan@xc.gov.cn",
    "襄城县城关镇文昌路18号",
)
FULL = [PHONE, "1965-03-09", EMAIL, ADDRESS]
MASKED = ["138****1234", "1965-**-**", "z***@xc.gov.cn", "襄城县城关镇****"]


@pytest.fixture
def person(db):
    return MemberFactory(name="张三", phone=PHONE, birth_date=BIRTH, email=EMAIL, address=ADDRESS)


@pytest.fixture
def other(db):
    return MemberFactory(name="李四", phone="13900001111", email="lisi@xc.gov.cn")


def test_masks():
    assert mask_phone(PHONE) == "138****1234"
    assert mask_date(BIRTH) == "1965-**-**"
    assert mask_email(EMAIL) == "z***@xc.gov.cn"
    assert mask_address(ADDRESS) == "襄城县城关镇****"
    assert mask_phone("") == mask_email("") == mask_address("") == mask_date(None) == ""


@pytest.mark.parametrize("role", ["staff_user", "leader_user", "office_head_user"])
def test_no_role_but_the_member_finds_the_values_in_the_html(client_for, person, venue, role):
    AssignmentFactory(venue=venue, member=person)  # the office head's venue
    client = client_for(role)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "张三" in html
    for full, masked in zip(FULL, MASKED, strict=True):
        assert full not in html
        assert masked in html
    if role != "office_head_user":
        listed = client.get(reverse("members:list")).content.decode()
        assert "张三" in listed and PHONE not in listed and "138****1234" in listed


def test_a_member_sees_their_own_values_and_not_others(client_for, member_user, person, other):
    person.user = member_user
    person.save()
    client = client_for("member_user")
    html = client.get(person.get_absolute_url()).content.decode()
    for full in FULL:
        assert full in html
    assert client.get(other.get_absolute_url()).status_code == 404


def test_staff_reveal_one_value_with_a_click_and_it_is_logged(client_for, staff_user, person):
    client = client_for("staff_user")
    page = client.get(person.get_absolute_url()).content.decode()
    url = reverse("members:reveal", args=[person.pk, "phone"])
    assert f'hx-get="{url}"' in page
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert EMAIL not in response.content.decode()
    event = SecurityEvent.objects.get(kind="reveal")
    assert (event.username, event.detail) == ("t_staff", {"field": "phone"})
    assert str(person.pk) in event.target
    assert client.get(reverse("members:reveal", args=[person.pk, "note"])).status_code == 404


@pytest.mark.parametrize("role", ["leader_user", "office_head_user", "member_user", None])
def test_others_cannot_reveal(client_for, person, role):
    response = client_for(role).get(reverse("members:reveal", args=[person.pk, "phone"]))
    assert response.status_code in {302, 403}
    assert PHONE not in response.content.decode()
    assert not SecurityEvent.objects.filter(kind="reveal").exists()


def read(response):
    return workbook_of(response)


def test_a_leaders_export_is_masked_and_logged(client_for, leader_user, person):
    workbook = read(client_for("leader_user").get(reverse("members:export")))
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert PHONE not in values and "138****1234" in values and "1965-**-**" in values
    event = SecurityEvent.objects.get(kind="export")
    assert (event.username, event.detail["rows"]) == ("t_leader", 1)


def test_a_staff_export_carries_the_values_and_who_exported_them(client_for, staff_user, person):
    response = client_for("staff_user").get(reverse("members:export"), {"q": "张"})
    workbook = read(response)
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert PHONE in values and ADDRESS in values
    assert "t_staff" in workbook.properties.creator
    assert (
        "t_staff" in workbook.properties.description and "导出" in workbook.properties.description
    )
    event = SecurityEvent.objects.get(kind="export")
    assert event.detail["rows"] == 1 and "张" in event.detail["filter"]
    assert event.target.startswith("委员名册")
