"""The security audit trail: recorded, append-only, pruned only after 180 days, read by
the auditor on its page (filters, .xlsx) and by nobody else."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts import roles
from apps.core import audit
from apps.core.models import SecurityEvent
from tests.accounts.factories import UserFactory
from tests.xlsx import table_sheet

pytestmark = pytest.mark.django_db

LIST = reverse("core:security_events")
EXPORT = reverse("core:security_events_export")


@pytest.fixture
def auditor(db):
    return UserFactory(username="t_auditor", roles=[roles.AUDITOR])


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="t_sysadmin", roles=[roles.SYSADMIN])


@pytest.fixture
def secadmin(db):
    return UserFactory(username="t_secadmin", roles=[roles.SECADMIN])


def old_event(days: int, **fields) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind="login", created_at=timezone.now() - datetime.timedelta(days=days), **fields
    )


def test_record_keeps_who_where_what_and_result(rf, staff_user):
    request = rf.get("/members/export.xlsx?q=张", REMOTE_ADDR="10.1.2.3")
    request.user = staff_user
    event = audit.record("export", request=request, target="委员名册", detail={"rows": 3})
    event.refresh_from_db()
    assert (event.username, event.user, event.ip_address) == ("t_staff", staff_user, "10.1.2.3")
    assert (event.kind, event.target, event.result, event.detail) == (
        "export",
        "委员名册",
        "success",
        {"rows": 3},
    )


def test_an_event_cannot_be_changed_or_deleted_through_the_model():
    event = audit.record("login", user="zhang")
    event.target = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(target="changed")
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).target == ""


def test_the_database_refuses_an_update_even_in_raw_sql():
    event = audit.record("login", user="zhang")
    table = SecurityEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = 'x' WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).username == "zhang"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_unless_the_prune_says_so():
    event = audit.record("login", user="zhang")
    table = SecurityEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL xc.prune = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert not SecurityEvent.objects.filter(pk=event.pk).exists()


def test_an_event_cannot_be_edited_or_deleted_through_the_admin(client, superuser):
    event = audit.record("login", user="zhang")
    client.force_login(superuser)
    change = reverse("admin:core_securityevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"target": "changed"}).status_code == 403
    delete = reverse("admin:core_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_securityevent_add")).status_code == 403
    assert SecurityEvent.objects.get(pk=event.pk).target == ""


def test_prune_refuses_dates_within_180_days():
    recent = (timezone.localdate() - datetime.timedelta(days=179)).isoformat()
    with pytest.raises(CommandError, match="180"):
        call_command("prune_security_events", "--before", recent)
    with pytest.raises(CommandError):
        call_command("prune_security_events", "--before", "not-a-date")


def test_prune_removes_older_events_and_logs_that_it_did():
    old = old_event(400, username="old")
    kept = old_event(100, username="kept")
    before = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
    out = io.StringIO()
    call_command("prune_security_events", "--before", before, stdout=out)
    assert "1 security events" in out.getvalue()
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()
    pruned = SecurityEvent.objects.get(kind="prune")
    assert pruned.detail == {"before": before, "deleted": 1, "command": True}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("auditor", 200),
        ("sysadmin", 403),
        ("secadmin", 403),
        ("staff_user", 403),
        ("leader_user", 403),
        ("office_head_user", 403),
        ("member_user", 403),
        ("superuser", 200),
        (None, 302),
    ],
)
def test_only_the_auditor_reads_the_audit_page(client_for, request, who, status):
    if who in {"auditor", "sysadmin", "secadmin"}:
        request.getfixturevalue(who)
    assert client_for(who).get(LIST).status_code == status
    assert client_for(who).get(EXPORT).status_code == status


def test_a_sysadmin_cannot_read_events_in_the_admin_either(client, sysadmin):
    client.force_login(sysadmin)
    changelist = reverse("admin:core_securityevent_changelist")
    assert client.get(changelist).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_the_audit_page_filters_and_pages_in_a_fixed_number_of_queries(
    client_for, auditor, django_assert_max_num_queries
):
    for n in range(40):
        audit.record("login", user=f"zhang{n}")
    audit.record("export", user="li", target="委员名册", result="failure")
    client = client_for("auditor")
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["events"]) == 25
    filtered = client.get(LIST, {"kind": "export", "username": "li", "result": "failure"})
    assert [e.target for e in filtered.context["events"]] == ["委员名册"]
    # Each row names its kind and result in Chinese (labels looked up once per page).
    row = filtered.text.split('id="security-events"')[1].split("</tbody>")[0]
    assert "<td>导出</td>" in row and '<span class="badge text-bg-danger">失败</span>' in row
    # Bad input is ignored or shown by the field, never a 500.
    assert client.get(LIST, {"since": "yesterday", "kind": "nope"}).status_code == 200


def test_the_export_is_the_filtered_events_and_is_itself_logged(client_for, auditor):
    audit.record("login", user="zhang")
    audit.record("export", user="li", target="委员名册")
    response = client_for("auditor").get(EXPORT, {"kind": "export"})
    sheet = table_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["li"]
    logged = SecurityEvent.objects.filter(kind="export", username="t_auditor").get()
    assert logged.detail["rows"] == 1 and "导出" in logged.detail["filter"]


def test_a_printout_is_logged_with_the_page_and_its_filter(client_for, staff_user):
    client = client_for("staff_user")
    url = reverse("core:print_log")
    response = client.post(url, {"path": "/members/?q=张", "title": "委员名册"})
    assert response.status_code == 204
    event = SecurityEvent.objects.get(kind="print")
    assert (event.username, event.target, event.detail) == (
        "t_staff",
        "/members/?q=张",
        {"title": "委员名册"},
    )
    assert client.post(url, {"path": "http://evil"}).status_code == 400
    assert client.get(url).status_code == 405
    assert client_for(None).post(url, {"path": "/"}).status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert f'data-print-log="{url}"' in html
