"""manage.py security_report: what an assessor asks about; non-zero on production."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def report(*args) -> str:
    out = io.StringIO()
    call_command("security_report", *args, stdout=out)
    return out.getvalue()


def test_lists_superusers_stale_never_used_and_shared_looking_accounts(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    UserFactory(username="root", is_superuser=True)
    stale = UserFactory(username="zhangsan", last_login=timezone.now())
    stale.password_changed_at = timezone.now() - datetime.timedelta(days=120)
    stale.save(update_fields=["password_changed_at"])
    UserFactory(username="lisi", date_joined=timezone.now() - datetime.timedelta(days=60))
    UserFactory(username="office3", last_login=timezone.now())
    UserFactory(username="fine", last_login=timezone.now())
    nopass = UserFactory(username="test")
    nopass.set_unusable_password()
    nopass.save()
    text = report()
    assert "Superusers: 1\n  root" in text
    assert "No password change in 90 days: 1\n  zhangsan" in text
    assert "Never used (30+ days old): 1\n  lisi" in text
    assert "Shared-looking accounts: 2\n  office3\n  root" in text
    assert "fine" not in text and "  test" not in text


def test_production_exits_non_zero_on_a_problem_and_passes_when_clean(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    assert "No problem." in report()
    UserFactory(username="root", is_superuser=True)
    with pytest.raises(CommandError, match="security problems"):
        report()
    settings.DEMO_MODE = True
    assert "findings" in report()  # elsewhere it only lists
    with pytest.raises(CommandError):
        report("--strict")
