"""Notifications: `notify()` (inbox rows, email/SMS after commit, channels, keys), delivery
failures recorded and retried without sending twice, the inbox pages for every role."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts import roles
from apps.core.models import Delivery, Notification, NotificationChannels
from apps.core.notifications import notify, retry_failed
from apps.core.sms import MemorySMSBackend
from tests.accounts.factories import UserFactory
from tests.fixtures import ROLE_FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    MemorySMSBackend.outbox.clear()
    yield
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.gov.cn", phone="13800000001")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.gov.cn", phone="13800000002")


def test_notify_creates_one_row_per_recipient_and_emails_after_commit(
    alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify([alice, alice, None], kind="test", title="标题", url="/sessions/1/")
        # Nothing leaves before the transaction commits.
        assert mail.outbox == []
    assert [n.recipient for n in rows] == [alice]
    assert not Notification.objects.filter(recipient=bob).exists()
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["alice@example.gov.cn"]]
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_the_email_is_in_chinese_with_an_absolute_link(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [alice], kind="test", title="您的协商活动已发布", body="详见链接", url="/sessions/7/"
        )
    message = mail.outbox[0]
    assert "您的协商活动已发布" in message.subject
    assert "襄城县政协" in message.subject
    assert "https://zx.example.gov.cn/sessions/7/" in message.body
    assert "点击查看" in message.body
    assert "详见链接" in message.body


def test_channels_follow_the_users_choice(alice, bob, django_capture_on_commit_callbacks):
    NotificationChannels.objects.create(user=alice, email=False, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice, bob], kind="test", title="通知", url="/x/")
    assert [m.to for m in mail.outbox] == [["bob@example.gov.cn"]]
    assert [phone for phone, _text in MemorySMSBackend.outbox] == ["13800000001"]
    assert "https://zx.example.gov.cn/x/" in MemorySMSBackend.outbox[0][1]


def test_a_rolled_back_change_tells_nobody(alice, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify([alice], kind="test", title="通知")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_keyed_notification_is_given_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify([alice], kind="reminder", title="提醒", key="k:1")
        second = notify([alice], kind="reminder", title="提醒", key="k:1")
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_retried_once(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.core.test_notifications.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], kind="test", title="通知")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "smtp down" in delivery.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed() == {"sent": 1, "failed": 0}
    # A sent delivery is never sent again.
    assert retry_failed() == {"sent": 0, "failed": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("smtp down")


# --- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ROLE_FIXTURES)
def test_every_role_reads_only_their_own_inbox(client_for, fixture, request, alice):
    user = request.getfixturevalue(fixture)
    notify([user], kind="test", title="我的通知")
    notify([alice], kind="test", title="别人的通知")
    other = Notification.objects.get(recipient=alice)
    client = client_for(fixture)
    page = client.get(reverse("core:inbox"))
    assert page.status_code == 200
    assert "我的通知" in page.content.decode()
    assert "别人的通知" not in page.content.decode()
    # Another's notification is not found; it stays unread.
    assert client.get(reverse("core:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.is_unread


@pytest.mark.parametrize("url", ["core:inbox", "core:channels"], ids=lambda name: name)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_badge_of_an_expired_session_is_empty(client):
    response = client.get(reverse("core:badge"))
    assert response.status_code == 200
    assert response.content.decode() == '<span id="nav-badges"></span>'


def test_opening_marks_read_and_goes_to_the_item(client, alice):
    (notification,) = notify([alice], kind="test", title="通知", url="/sessions/3/")
    client.force_login(alice)
    response = client.get(notification.get_absolute_url())
    assert response["Location"] == "/sessions/3/"
    notification.refresh_from_db()
    assert not notification.is_unread


def test_an_outside_link_is_never_followed(client, alice):
    (notification,) = notify([alice], kind="test", title="通知", url="https://evil.example/")
    client.force_login(alice)
    assert client.get(notification.get_absolute_url())["Location"] == reverse("core:inbox")


def test_mark_all_read_touches_only_the_users_rows(client, alice, bob):
    notify([alice, bob], kind="test", title="通知")
    client.force_login(alice)
    client.post(reverse("core:mark_all_read"))
    assert not Notification.objects.filter(recipient=alice).unread().exists()
    assert Notification.objects.filter(recipient=bob).unread().exists()


def test_channels_page_saves_the_choice(client, alice):
    client.force_login(alice)
    page = client.get(reverse("core:channels"))
    assert "alice@example.gov.cn" in page.content.decode()
    client.post(reverse("core:channels"), {"sms": "on"})
    choice = NotificationChannels.objects.get(user=alice)
    assert (choice.email, choice.sms) == (False, True)


def test_the_badge_counts_unread_notifications(client, alice):
    notify([alice], kind="test", title="一")
    notify([alice], kind="test", title="二")
    client.force_login(alice)
    assert "2条新通知" in client.get(reverse("core:badge")).content.decode()


def test_the_inbox_reads_in_a_fixed_number_of_queries(client, alice, django_assert_max_num_queries):
    for n in range(40):
        notify([alice], kind="test", title=f"通知{n}", url="/")
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("core:inbox")).status_code == 200


def test_the_badge_reads_in_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, staff_user
):
    client = client_for("staff_user")
    # 18: the duty-report to-do reads the evaluated year as every page's default,
    # `latest_year()` (one query per app that registers record years); the 社情民意 to-dos
    # of staff (items to review and to compile: one query).
    with django_assert_max_num_queries(18):
        assert client.get(reverse("core:badge")).status_code == 200


def test_a_member_user_is_a_plain_user(alice):
    """The inbox needs no role: a user without groups has one too."""
    assert not alice.groups.filter(name__in=roles.ALL_ROLES).exists()
