"""Every create form saves once per rendered form (`apps.core.submission`): the same POST
sent twice — one after the other, or at the same moment on PostgreSQL — makes one row,
and the second lands on the first row's page with a message. A POST without a key is
handled as before; a form sent back with errors keeps its key, so the corrected form is
still saved once."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.consultation.models import (
    Instruction,
    Referral,
    Report,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)
from apps.core.models import SubmissionKey
from apps.members.models import ContactRecord, Member, Pairing, SectorLink
from apps.performance.models import DutyReport, Meeting, PointEntry, StudySession
from apps.venues.models import Assignment
from tests.accounts.factories import UnitFactory
from tests.consultation.factories import (
    DepartmentFactory,
    ReportFactory,
    ReportSuggestionFactory,
    TopicFactory,
)
from tests.consultation.test_session_form import form_data as session_data
from tests.members.factories import (
    CpcMemberFactory,
    DemocraticMemberFactory,
    MemberFactory,
    PairingFactory,
    PartyGroupMemberFactory,
    SectorFactory,
)
from tests.performance.factories import YEAR, standard_rules
from tests.performance.test_duty_report_files import form_data as duty_data

REPEATED = "该表单已提交，未重复保存"

VIEWS = [
    "member",
    "sector_link",
    "pairing",
    "contact",
    "assignment",
    "session",
    "topic",
    "project",
    "report",
    "instruction",
    "suggestion",
    "referral",
    "meeting",
    "adjustment",
    "duty_report",
    "study",
]


def case(name, *, venue, staff_user):
    """(role, url, data, model whose rows it adds) of one create view."""
    if name == "member":
        data = {
            "term": "11",
            "member_no": "11-300",
            "name": "曾小明",
            "gender": "M",
            "ethnicity": "汉族",
            "sector": SectorFactory().pk,
            "affiliation": "non_party",
            "joined_on": "2021-01-10",
        }
        return "staff_user", reverse("members:create"), data, Member
    if name == "sector_link":
        data = {"party_member": PartyGroupMemberFactory().pk, "sector": SectorFactory().pk}
        return "staff_user", reverse("members:sector_link_create"), data, SectorLink
    if name == "pairing":
        data = {
            "cpc_member": CpcMemberFactory().pk,
            "partner": DemocraticMemberFactory().pk,
            "started_on": "2021-03-01",
        }
        return "staff_user", reverse("members:pairing_create"), data, Pairing
    if name == "contact":
        pairing = PairingFactory()
        data = {"date": "2021-05-01", "way": "visit", "content": "走访座谈"}
        return (
            "staff_user",
            reverse("members:contact_create", args=[pairing.pk]),
            data,
            ContactRecord,
        )
    if name == "assignment":
        data = {"member": MemberFactory().pk, "started_on": "2021-03-01", "note": ""}
        url = reverse("venues:assignment_create", args=[venue.pk])
        return "staff_user", url, data, Assignment
    if name == "session":
        data = session_data(venue, new_topic_title="停车难")
        return "office_head_user", reverse("consultation:create"), data, Session
    if name == "topic":
        data = {
            "title": "数字乡村建设",
            "year": 2021,
            "category": "central",
            "source": "party_government",
            "status": "confirmed",
        }
        return "staff_user", reverse("consultation:topic_create"), data, Topic
    if name == "project":
        data = {
            "title": "关于数字乡村建设的调研",
            "lead_unit": UnitFactory().pk,
            "planned_start": "2021-03-01",
            "planned_end": "2021-05-01",
            "status": "planned",
        }
        url = reverse("consultation:project_create", args=[TopicFactory().pk])
        return "staff_user", url, data, ResearchProject
    if name == "report":
        project = ReportFactory().project
        data = {"title": "调研报告", "submitted_on": "2021-06-01", "body": "正文"}
        return "staff_user", reverse("consultation:report_create", args=[project.pk]), data, Report
    if name == "instruction":
        data = {
            "leader_name": "张三",
            "leader_title": "县委书记",
            "instructed_on": "2021-06-28",
            "text": "请抓好落实。",
        }
        url = reverse("consultation:instruction_create", args=[ReportFactory().pk])
        return "staff_user", url, data, Instruction
    if name == "suggestion":
        data = {"text": "加快建设", "category": "livelihood"}
        url = reverse("consultation:suggestion_create", args=[ReportFactory().pk])
        return "staff_user", url, data, Suggestion
    if name == "referral":
        suggestion = ReportSuggestionFactory()
        data = {
            "department": DepartmentFactory().pk,
            "referred_on": "2021-07-02",
            "due_on": "2021-09-01",
        }
        url = reverse("consultation:referral_create", args=[suggestion.pk])
        return "staff_user", url, data, Referral
    if name == "meeting":
        data = {"kind": "standing", "term": 11, "title": "常委会议", "date": "2021-06-01"}
        return "staff_user", reverse("performance:meeting_create"), data, Meeting
    if name == "adjustment":
        standard_rules()
        member = MemberFactory()
        data = {"category": "activity", "points": "2", "date": f"{YEAR}-06-01", "reason": "补录"}
        url = reverse("performance:adjust", args=[YEAR, member.pk])
        return "staff_user", url, data, PointEntry
    if name == "duty_report":
        data = duty_data(MemberFactory(is_standing=True), text="述职报告正文")
        return "staff_user", reverse("performance:dutyreport_create"), data, DutyReport
    if name == "study":
        data = {"kind": "weekly", "date": "2021-06-01", "speaker": staff_user.pk, "subject": "学习"}
        return "staff_user", reverse("performance:study_create"), data, StudySession
    raise AssertionError(name)


def rendered_key(html: str) -> str:
    match = re.search(r'name="submission_key" value="([0-9a-f]{32})"', html)
    assert match, "the form carries no submission key"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("name", VIEWS)
def test_the_same_post_twice_makes_one_row_and_lands_on_it(client_for, venue, staff_user, name):
    # given a create form as rendered (its key) and valid fields
    role, url, data, model = case(name, venue=venue, staff_user=staff_user)
    client = client_for(role)
    if name not in ("contact", "sector_link"):  # those forms sit on another page
        data["submission_key"] = rendered_key(client.get(url).content.decode())
    else:
        data["submission_key"] = uuid.uuid4().hex
    before = model.objects.count()
    # when it is posted twice
    first = client.post(url, data)
    assert first.status_code == 302, first.context and first.context["form"].errors
    created = model.objects.count() - before
    assert created == 1
    row = model.objects.latest("pk")
    second = client.post(url, data)
    # then one row, and the second lands where the first row is shown, with a message
    assert model.objects.count() - before == 1
    assert second.status_code == 302
    claim = SubmissionKey.objects.get(key=data["submission_key"])
    assert claim.created_object == row
    assert REPEATED in [str(m) for m in get_messages(second.wsgi_request)]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["contact", "suggestion", "instruction"])
def test_the_repeat_lands_on_the_first_rows_page(client_for, venue, staff_user, name):
    role, url, data, model = case(name, venue=venue, staff_user=staff_user)
    client = client_for(role)
    data["submission_key"] = uuid.uuid4().hex
    client.post(url, data)
    row = model.objects.latest("pk")
    landing = {
        "contact": reverse("members:pairing_detail", args=[getattr(row, "pairing_id", 0)]),
        "suggestion": row.get_absolute_url() if name == "suggestion" else "",
        "instruction": row.get_absolute_url() if name == "instruction" else "",
    }[name]
    assert client.post(url, data)["Location"] == landing


@pytest.mark.django_db
def test_the_session_page_lands_on_the_first_session(client_for, venue):
    client = client_for("office_head_user")
    url = reverse("consultation:create")
    data = {**session_data(venue, new_topic_title="停车难"), "submission_key": uuid.uuid4().hex}
    first = client.post(url, data)
    session = Session.objects.get()
    assert first["Location"] == session.get_absolute_url()
    second = client.post(url, data, follow=True)
    assert second.redirect_chain == [(session.get_absolute_url(), 302)]
    assert REPEATED in second.content.decode()
    assert Session.objects.count() == 1
    assert Suggestion.objects.filter(session=session).count() == 2


@pytest.mark.django_db
def test_without_a_key_each_post_saves_as_before(client_for, staff_user, venue):
    _, url, data, model = case("topic", venue=venue, staff_user=staff_user)
    client = client_for("staff_user")
    client.post(url, data)
    client.post(url, {**data, "title": "第二个"})
    assert model.objects.count() == 2
    client.post(url, {**data, "title": "第三个", "submission_key": "not-a-key"})
    assert model.objects.count() == 3
    assert not SubmissionKey.objects.exists()


@pytest.mark.django_db
def test_a_form_with_errors_keeps_its_key_and_the_corrected_form_saves_once(client_for, venue):
    client = client_for("office_head_user")
    url = reverse("consultation:create")
    key = rendered_key(client.get(url).content.decode())
    bad = client.post(url, {**session_data(venue), "submission_key": key})
    assert bad.status_code == 200
    assert bad.context["form"].errors
    # the page comes back with the same key and what was typed
    assert rendered_key(bad.content.decode()) == key
    assert "会议纪要全文" in bad.content.decode()
    assert not SubmissionKey.objects.exists()
    good = {**session_data(venue, new_topic_title="停车难"), "submission_key": key}
    assert client.post(url, good).status_code == 302
    assert client.post(url, good).status_code == 302
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_each_rendered_form_has_its_own_key(client_for):
    client = client_for("staff_user")
    url = reverse("consultation:topic_create")
    assert rendered_key(client.get(url).content.decode()) != rendered_key(
        client.get(url).content.decode()
    )


@pytest.mark.django_db
def test_a_key_is_per_user(client_for, venue, staff_user, superuser):
    _, url, data, model = case("topic", venue=venue, staff_user=staff_user)
    data["submission_key"] = uuid.uuid4().hex
    client_for("staff_user").post(url, data)
    other = client_for("superuser").post(url, {**data, "title": "第二个"})
    assert model.objects.count() == 2
    assert other["Location"] == model.objects.latest("pk").get_absolute_url()


@pytest.mark.django_db
def test_keys_expire_and_a_deleted_row_frees_its_key(client_for, venue, staff_user, settings):
    _, url, data, model = case("topic", venue=venue, staff_user=staff_user)
    client = client_for("staff_user")
    data["submission_key"] = uuid.uuid4().hex
    client.post(url, data)
    model.objects.get().delete()
    client.post(url, data)  # the key's row is gone: saved afresh
    assert model.objects.count() == 1
    old = timezone.now() - timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS + 1)
    SubmissionKey.objects.update(created_at=old)
    client.post(url, {**data, "title": "第二个", "submission_key": uuid.uuid4().hex})
    assert SubmissionKey.objects.count() == 1  # the expired one is gone
    assert model.objects.count() == 2


# --- two requests at the same moment ------------------------------------------------------


def post_together(clients, url, data):
    """POST `data` from each client at once, each thread on its own connection."""
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)
    errors: list = []

    def run(index, client):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database serializes writers"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["session", "contact", "suggestion", "instruction"])
def test_two_concurrent_posts_make_one_row(django_user_model, venue, staff_user, name):
    role, url, data, model = case(name, venue=venue, staff_user=staff_user)
    user = {"staff_user": staff_user, "office_head_user": venue.managers.get()}[role]
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    data["submission_key"] = uuid.uuid4().hex
    responses = post_together(clients, url, data)
    assert model.objects.count() == 1
    row = model.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    messages = [[str(m) for m in get_messages(r.wsgi_request)] for r in responses]
    repeated = [r for r, m in zip(responses, messages, strict=True) if REPEATED in m]
    assert len(repeated) == 1  # one saved, the other landed on what it saved
    claim = SubmissionKey.objects.get()
    assert claim.created_object == row
    if name in ("session", "suggestion", "instruction"):
        assert repeated[0]["Location"] == row.get_absolute_url()
