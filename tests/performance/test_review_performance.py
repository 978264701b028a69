"""Review findings on the performance app: protected files and whole saves."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.performance import services
from apps.performance.forms import StudySessionForm
from apps.performance.models import StudySession
from tests.members.factories import MemberFactory

from .factories import DutyReportFactory, standard_rules

pytestmark = pytest.mark.django_db


def test_a_duty_report_file_with_a_chinese_name_goes_through_nginx(
    client_for, settings, member_user
):
    """In production nginx sends the file (X-Accel-Redirect) from PROTECTED_MEDIA_PREFIX:
    the path must be that prefix and percent-encoded (a header is Latin-1: an unquoted
    Chinese name is mangled into RFC 2047 and nginx answers 404), the download name
    given as RFC 6266 filename*."""
    settings.USE_X_ACCEL_REDIRECT = True
    settings.PROTECTED_MEDIA_PREFIX = "/internal-files/"
    report = DutyReportFactory(
        member=MemberFactory(user=member_user, is_standing=True),
        attachment=SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    url = reverse("performance:dutyreport_file", args=[report.pk])
    for role in ("staff_user", "member_user"):
        response = client_for(role).get(url)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == "/internal-files/" + quote(report.attachment.name)
        assert "filename*=utf-8''" in response["Content-Disposition"].lower()
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"].startswith("private")
    assert client_for("leader_user").get(url).status_code == 200
    assert client_for("office_head_user").get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_saving_a_study_session_is_one_transaction_and_derives_the_year_once(
    client_for, staff_user, monkeypatch
):
    """The session row and its attendees are saved together or not at all, and the
    ledger of the year is derived once on commit (not once per row and relation)."""
    standard_rules()
    member = MemberFactory()
    calls = []
    derive = services.ledger_derive
    monkeypatch.setattr(
        services, "ledger_derive", lambda **kw: calls.append(kw["year"]) or derive(**kw)
    )
    data = {
        "kind": "weekly",
        "date": "2021-04-02",
        "speaker": staff_user.pk,
        "subject": "协商民主",
        "staff_attendees": [staff_user.pk],
        "attendees": [member.pk],
    }
    client = client_for("staff_user")
    assert client.post(reverse("performance:study_create"), data).status_code == 302
    assert calls == [2021]

    def broken(self):
        raise RuntimeError("the relation could not be saved")

    monkeypatch.setattr(StudySessionForm, "_save_m2m", broken)
    client.raise_request_exception = False
    response = client.post(reverse("performance:study_create"), {**data, "subject": "半截"})
    assert response.status_code == 500
    assert not StudySession.objects.filter(subject="半截").exists()
