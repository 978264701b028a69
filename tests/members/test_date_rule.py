"""The one date rule on the members' pages, the roster import and the admin: a member
born 1900-01-01, joining 2999-12-31, a pairing started 1900-01-01 are refused next to
the field, with the input kept; the bounds of typed numbers hold in the database."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from apps.core.dates import work_date_bounds
from apps.core.numbers import SORT_ORDER_MAX, TERM_MAX
from apps.members.models import Member, Pairing, Sector
from tests.members.factories import CpcMemberFactory, MemberFactory, SectorFactory
from tests.members.roster_files import GOOD_ROWS, xlsx_bytes
from tests.members.test_import import preview, statuses, upload
from tests.members.test_member_pages import _member_data

pytestmark = pytest.mark.django_db

WORK_RANGE = "之间的日期"


@pytest.fixture
def staff(client_for):
    return client_for("staff_user")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"birth_date": "1900-01-01"}, "birth_date", "之间的出生日期"),
        ({"birth_date": "2020-01-01", "joined_on": ""}, "birth_date", "委员须年满 18 周岁"),
        ({"joined_on": "2999-12-31"}, "joined_on", WORK_RANGE),
        ({"joined_on": "1999-12-31"}, "joined_on", WORK_RANGE),
        ({"left_on": "2999-12-31"}, "left_on", WORK_RANGE),
        ({"term": "1000000000000"}, "term", "请输入不大于 99 的数"),
    ],
)
def test_the_member_form_refuses_impossible_dates_next_to_the_field(
    staff, overrides, field, message
):
    sector = SectorFactory(name="无党派人士")
    response = staff.post(reverse("members:create"), _member_data(sector, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {field} and message in str(errors[field])
    html = response.content.decode()
    assert message in html and 'value="曾小明"' in html
    assert f'value="{next(iter(overrides.values()))}"' in html  # the bad input stays
    assert not Member.objects.exists()


def test_the_last_day_of_next_year_and_an_adult_birth_date_are_accepted(staff):
    sector = SectorFactory(name="无党派人士")
    last = work_date_bounds()[1].isoformat()
    staff.post(reverse("members:create"), _member_data(sector, joined_on=last))
    assert Member.objects.get().joined_on.isoformat() == last


def test_the_roster_import_reports_an_impossible_date_on_its_row(staff):
    for name in ["经济界", "民盟", "中共"]:
        SectorFactory(name=name)
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][5] = "1900-01-01"
    upload(staff, xlsx_bytes(rows))
    page = preview(staff)
    assert statuses(page) == [(2, "new"), (3, "error"), (4, "new")]
    html = page.content.decode()
    assert "出生日期：请输入 1920-01-01 至" in html
    assert not Member.objects.exists()


def test_the_pairing_page_refuses_a_pairing_started_in_1900(staff):
    cpc, partner = CpcMemberFactory(name="张三"), MemberFactory(name="李四")
    response = staff.post(
        reverse("members:pairing_create"),
        {"cpc_member": cpc.pk, "partner": partner.pk, "started_on": "1900-01-01", "note": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"started_on"} and WORK_RANGE in str(errors["started_on"])
    assert 'value="1900-01-01"' in response.content.decode()
    assert not Pairing.objects.exists()


def test_the_admin_refuses_a_member_born_in_1900(client, superuser):
    client.force_login(superuser)
    sector = SectorFactory(name="无党派人士")
    data = {**_member_data(sector, birth_date="1900-01-01"), "status": "active"}
    response = client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 200
    assert "之间的出生日期" in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("value", "error"), [(10**12, DatabaseError), (TERM_MAX + 1, IntegrityError)]
)
def test_the_database_refuses_a_term_out_of_bounds_on_every_engine(value, error):
    """SQLite would store 10^12 in a small integer; the constraint refuses it (PostgreSQL
    refuses it as out of range before the constraint: a DataError)."""
    member = MemberFactory()
    member.term = value
    with pytest.raises(error), transaction.atomic():
        member.save()


def test_the_database_refuses_a_sort_order_out_of_bounds():
    sector = SectorFactory()
    Sector.objects.filter(pk=sector.pk).update(sort_order=SORT_ORDER_MAX)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.filter(pk=sector.pk).update(sort_order=SORT_ORDER_MAX + 1)
