"""Issue 10, item 7: the lockout page's duration in words, request size limits that keep
what was typed or say what was too large, and no browser cache of signed-in pages."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from apps.core.templatetags.core_tags import duration_text
from apps.members.models import ContactRecord
from tests.accounts.factories import PASSWORD, UserFactory
from tests.members.factories import CpcMemberFactory, MemberFactory, PairingFactory

pytestmark = pytest.mark.django_db


# --- the lockout page ----------------------------------------------------------------------


def test_the_lockout_page_says_how_long_in_words(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="zhang")
    for _ in range(2):
        client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "已被锁定 15 分钟" in html
    assert "PT15M" not in html


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (datetime.timedelta(minutes=15), "15 分钟"),
        (datetime.timedelta(minutes=90), "1 小时 30 分钟"),
        (datetime.timedelta(hours=2), "2 小时"),
        (datetime.timedelta(days=1, minutes=5), "1 天 5 分钟"),
        (datetime.timedelta(seconds=20), "0 分钟"),
        (None, ""),
    ],
)
def test_durations_in_words(duration, text):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert duration_text(duration) == text


# --- request and field size limits ---------------------------------------------------------


@pytest.fixture
def pairing_of_member(member_user):
    member = CpcMemberFactory(user=member_user)
    return PairingFactory(cpc_member=member, partner=MemberFactory())


def test_a_three_megabyte_text_is_refused_next_to_its_field_with_the_text_kept(
    client_for, pairing_of_member, settings
):
    """Answered a bare 400 before, with everything typed lost."""
    text = "长" * 1_000_000  # 3 MB in UTF-8
    response = client_for("member_user").post(
        reverse("members:contact_create", args=[pairing_of_member.pk]),
        {"date": timezone.localdate().isoformat(), "way": "visit", "content": text},
    )
    assert response.status_code == 400  # the form's own answer: its page with the messages
    html = response.content.decode()
    limit = settings.FORM_TEXT_MAX_CHARS
    assert f"确保该变量包含不超过 {limit} 字符 (目前字符数 1000000)" in html
    assert text in html  # kept in the field
    assert not ContactRecord.objects.exists()


def test_a_text_within_the_limit_is_saved(client_for, pairing_of_member, settings):
    settings.FORM_TEXT_MAX_CHARS = 10
    response = client_for("member_user").post(
        reverse("members:contact_create", args=[pairing_of_member.pk]),
        {"date": timezone.localdate().isoformat(), "way": "visit", "content": "长" * 10},
    )
    assert response.status_code == 302
    assert ContactRecord.objects.get().content == "长" * 10


def test_a_request_over_the_body_limit_answers_a_page_saying_what_was_too_large(
    client_for, pairing_of_member, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client_for("member_user").post(
        reverse("members:contact_create", args=[pairing_of_member.pk]),
        {"date": "2024-01-01", "way": "visit", "content": "长" * 500_000},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "表单过大" in html
    assert "超过了系统接受的上限 1 MB" in html
    assert "未保存" in html
    assert not ContactRecord.objects.exists()


def test_too_many_fields_are_named_too(client_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"f{n}": "x" for n in range(20)}
    response = client_for("staff_user").post(reverse("members:create"), data)
    assert response.status_code == 413
    assert "超过 10 个字段" in response.content.decode()


def test_the_body_limit_lets_a_three_megabyte_form_through_by_default(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 9 * 1024 * 1024  # urlencoded 3 MB ≈ 9 MB
    assert settings.FORM_TEXT_MAX_CHARS < settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 9


# --- Cache-Control -------------------------------------------------------------------------


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_signed_in_pages_exports_and_files_are_not_kept_by_the_browser(client_for):
    from tests.members.test_member_pages import png_bytes

    member = MemberFactory()
    member.photo.save("x.png", ContentFile(png_bytes()), save=True)
    staff = client_for("staff_user")
    for url in [
        reverse("home"),
        reverse("members:list"),
        reverse("members:detail", args=[member.pk]),
        reverse("members:export"),
        reverse("members:import_template"),
        reverse("members:photo", args=[member.pk]),
    ]:
        response = staff.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
    assert "public" not in staff.get(reverse("members:export"))["Cache-Control"]


@pytest.mark.parametrize(
    ("set_by_the_view", "sent"),
    [
        ("", "private, no-store"),
        ("private, max-age=3600", "private, no-store"),
        ("public, max-age=600, immutable", "private, no-store"),
        (
            "max-age=0, no-cache, no-store, must-revalidate, private",
            "private, no-store, no-cache, must-revalidate",
        ),
    ],
)
def test_what_a_view_set_is_made_private_and_not_stored(set_by_the_view, sent):
    from apps.core.middleware import private_no_store

    assert private_no_store(set_by_the_view) == sent


def test_static_files_stay_cacheable(client_for):
    response = client_for("staff_user").get("/static/js/member-picker.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
