"""Who may open which research page: every page × anonymous, staff, leader, superuser, the
two office heads and the two members. Leaders write instructions; staff refer, record
replies and close; office heads read; a member sees the suggestions they proposed and the
projects whose team they served on (see test_member_reading.py)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.consultation.models import Instruction, Referral
from tests.consultation.factories import (
    DepartmentFactory,
    InstructionFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    SessionFactory,
    SuggestionFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

ROLES = [
    None,
    "staff_user",
    "leader_user",
    "superuser",
    "office_head_user",
    "other_office_head_user",
    "member_user",
    "other_member_user",
]
READERS = ["staff_user", "leader_user", "superuser", "office_head_user", "other_office_head_user"]
WRITERS = ["staff_user", "superuser"]


def expected(role, allowed, denied=403):
    if role is None:
        return 302
    return 200 if role in allowed else denied


@pytest.fixture
def world(member_user, other_member_user, venue):
    proposer = MemberFactory(user=member_user)
    MemberFactory(user=other_member_user)
    report = ReportFactory()
    report.attachment.save("r.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.attachment_name = "调研报告.pdf"
    report.save()
    suggestion = ReportSuggestionFactory(report=report, members=[proposer])
    instruction = InstructionFactory(report=report)
    referral = ReferralFactory(suggestion=suggestion, instruction=instruction)
    replied = RepliedReferralFactory(suggestion=ReportSuggestionFactory(report=report))
    draft_suggestion = SuggestionFactory(session=SessionFactory(venue=venue))
    return {
        "report": report,
        "project": report.project,
        "topic": report.project.topic,
        "suggestion": suggestion,
        "draft_suggestion": draft_suggestion,
        "referral": referral,
        "replied": replied,
        "department": referral.department,
        "version": report.versions.get(),
    }


def read_urls(w):
    return [
        reverse("consultation:topic_list"),
        reverse("consultation:topic_detail", args=[w["topic"].pk]),
        reverse("consultation:project_list"),
        reverse("consultation:project_detail", args=[w["project"].pk]),
        reverse("consultation:report_detail", args=[w["report"].pk]),
        reverse("consultation:report_file", args=[w["report"].pk]),
        reverse("consultation:suggestion_list"),
        reverse("consultation:statistics"),
        reverse("consultation:department_list"),
        reverse("consultation:department_detail", args=[w["department"].pk]),
    ]


def staff_urls(w):
    return [
        reverse("consultation:topic_create"),
        reverse("consultation:topic_update", args=[w["topic"].pk]),
        reverse("consultation:project_create", args=[w["topic"].pk]),
        reverse("consultation:project_update", args=[w["project"].pk]),
        reverse("consultation:report_create", args=[w["project"].pk]),
        reverse("consultation:report_update", args=[w["report"].pk]),
        reverse("consultation:suggestion_create", args=[w["report"].pk]),
        reverse("consultation:suggestion_update", args=[w["suggestion"].pk]),
        reverse("consultation:referral_create", args=[w["suggestion"].pk]),
        reverse("consultation:referral_reply", args=[w["referral"].pk]),
        reverse("consultation:referral_close", args=[w["replied"].pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages(client_for, world, role):
    client = client_for(role)
    w = world
    # A member on no team: the project list (empty) opens; the project, its report and the
    # report's file are not found; the rest of the research work is not theirs.
    for_members = {
        reverse("consultation:project_list"): 200,
        reverse("consultation:project_detail", args=[w["project"].pk]): 404,
        reverse("consultation:report_detail", args=[w["report"].pk]): 404,
        reverse("consultation:report_file", args=[w["report"].pk]): 404,
    }
    for url in read_urls(world):
        if role in ("member_user", "other_member_user"):
            assert client.get(url).status_code == for_members.get(url, 403), url
        else:
            assert client.get(url).status_code == expected(role, READERS), url


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages(client_for, world, role):
    client = client_for(role)
    for url in staff_urls(world):
        assert client.get(url).status_code == expected(role, WRITERS), url


@pytest.mark.parametrize("role", ROLES)
def test_instructions_are_written_by_leaders_and_staff(client_for, world, role):
    url = reverse("consultation:instruction_create", args=[world["report"].pk])
    allowed = ["staff_user", "leader_user", "superuser"]
    assert client_for(role).get(url).status_code == expected(role, allowed)


@pytest.mark.parametrize("role", ROLES)
def test_export_is_for_staff_and_leaders(client_for, world, role):
    url = reverse("consultation:suggestion_export")
    allowed = ["staff_user", "leader_user", "superuser"]
    assert client_for(role).get(url).status_code == expected(role, allowed)


@pytest.mark.parametrize("role", ROLES)
def test_a_member_sees_their_own_suggestions_only(client_for, world, role):
    client = client_for(role)
    own = reverse("consultation:suggestion_detail", args=[world["suggestion"].pk])
    mine = reverse("consultation:my_suggestions")
    response = client.get(own)
    assert response.status_code == expected(role, [*READERS, "member_user"], 404)
    if role == "member_user":
        html = response.content.decode()
        # Their progress and the department's reply, no link to pages they may not open.
        assert world["department"].name in html and "待答复" in html
        assert world["department"].get_absolute_url() not in html
        assert world["report"].get_absolute_url() not in html
    allowed_mine = ["member_user", "other_member_user", "superuser"]
    response = client.get(mine)
    assert response.status_code == expected(role, allowed_mine)
    if role == "member_user":
        assert [s.pk for s in response.context["suggestions"]] == [world["suggestion"].pk]
    if role == "other_member_user":
        assert list(response.context["suggestions"]) == []


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_sessions_suggestion_follows_its_session(client_for, world, role):
    url = reverse("consultation:suggestion_detail", args=[world["draft_suggestion"].pk])
    allowed = ["staff_user", "leader_user", "superuser", "office_head_user"]
    assert client_for(role).get(url).status_code == expected(role, allowed, 404)


def test_the_ledger_of_an_office_head_leaves_out_other_venues_drafts(client_for, world):
    own_head, other_head = client_for("office_head_user"), client_for("other_office_head_user")
    own = own_head.get(reverse("consultation:suggestion_list"))
    other = other_head.get(reverse("consultation:suggestion_list"))
    # A draft's suggestion is not raised yet: in no ledger, on its session for its office.
    assert world["draft_suggestion"] not in own.context["suggestions"]
    assert world["draft_suggestion"] not in other.context["suggestions"]
    assert world["suggestion"] in other.context["suggestions"]
    draft = world["draft_suggestion"]
    assert draft.text in own_head.get(draft.session.get_absolute_url()).content.decode()
    assert own_head.get(draft.get_absolute_url()).status_code == 200
    assert other_head.get(draft.get_absolute_url()).status_code == 404


def test_a_leader_writes_an_instruction_in_their_name(client_for, world, leader_user):
    leader_user.title = "县委书记"
    leader_user.save()
    client = client_for("leader_user")
    url = reverse("consultation:instruction_create", args=[world["report"].pk])
    form = client.get(url).context["form"]
    assert form["leader_title"].initial == "县委书记"
    response = client.post(
        url,
        {
            "leader_name": leader_user.get_full_name(),
            "leader_title": "县委书记",
            "instructed_on": "2021-06-28",
            "text": "请抓好落实。",
        },
    )
    assert response.status_code == 302
    instruction = Instruction.objects.get(text="请抓好落实。")
    assert not instruction.on_behalf and instruction.entered_by == leader_user


@pytest.mark.parametrize("role", ["leader_user", "office_head_user", "member_user"])
def test_no_one_but_staff_posts_a_referral_a_reply_or_a_close(client_for, world, role):
    client = client_for(role)
    department = DepartmentFactory()
    posts = [
        (
            reverse("consultation:referral_create", args=[world["suggestion"].pk]),
            {"department": department.pk, "referred_on": "2021-07-01", "due_on": "2021-08-01"},
        ),
        (
            reverse("consultation:referral_reply", args=[world["referral"].pk]),
            {"text": "x", "replied_on": "2021-07-05", "implementation": "A"},
        ),
        (
            reverse("consultation:referral_close", args=[world["replied"].pk]),
            {"satisfaction": "satisfied", "closed_on": "2021-08-20"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Referral.objects.count() == 2
    world["referral"].refresh_from_db()
    assert world["referral"].replied_on is None


def test_staff_refer_record_the_reply_and_close(client_for, world):
    client = client_for("staff_user")
    department, co = DepartmentFactory(), DepartmentFactory()
    suggestion = world["suggestion"]
    response = client.post(
        reverse("consultation:referral_create", args=[suggestion.pk]),
        {
            "department": department.pk,
            "co_departments": [co.pk],
            "instruction": world["report"].instructions.get().pk,
            "referred_on": "2021-07-02",
            "due_on": "2021-09-01",
            "note": "请限期办理。",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(department=department)
    assert list(referral.co_departments.all()) == [co]
    response = client.post(
        reverse("consultation:referral_reply", args=[referral.pk]),
        {"text": "已落实。", "replied_on": "2021-08-01", "implementation": "A"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("consultation:referral_close", args=[referral.pk]),
        {"satisfaction": "satisfied", "closed_on": "2021-08-10"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.closed_on == datetime.date(2021, 8, 10)
    assert referral.reply_recorded_by.username == referral.closed_by.username == "t_staff"


def test_bad_referral_input_shows_messages_and_keeps_the_data(client_for, world):
    client = client_for("staff_user")
    department = DepartmentFactory()
    url = reverse("consultation:referral_create", args=[world["suggestion"].pk])
    response = client.post(
        url,
        {
            "department": department.pk,
            "co_departments": [department.pk],
            "referred_on": "2021-07-02",
            "due_on": "2021-06-01",
            "note": "保留这段要求",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "办理期限不能早于批转日期。" in errors["due_on"]
    assert "主办单位不能同时是协办单位。" in errors["co_departments"]
    assert "保留这段要求" in response.content.decode()
    # A duplicate (open with the same department) is refused next to the department.
    response = client.post(
        url,
        {
            "department": world["referral"].department.pk,
            "referred_on": "2021-07-02",
            "due_on": "2021-08-02",
        },
    )
    assert response.status_code == 200
    assert "该意见建议已批转该单位，尚未办结。" in response.context["form"].errors["department"]
    for junk in ({"department": "x", "referred_on": "2021-13-40", "due_on": "y"}, {}):
        assert client.post(url, junk).status_code == 200
