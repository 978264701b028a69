"""社情民意: who may report, review, compile, instruct and read each item (the reporting
member, another member, the office head of the township and of another, staff, leaders,
a department, anonymous users); the item's states and reasons; an item in one issue only;
the notifications and to-dos."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.consultation import opinion_services as services
from apps.consultation import opinion_todos
from apps.consultation.models import (
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    OpinionPhoto,
    Referral,
)
from apps.core.models import Notification
from tests.consultation.factories import (
    AdoptedOpinionFactory,
    DepartmentAccountFactory,
    OfficeOpinionFactory,
    OpinionCategoryFactory,
    OpinionItemFactory,
    SubmittedOpinionFactory,
    jpeg_upload,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 6, 1)


@pytest.fixture
def world(users, venue, other_venue):
    """Two members (each linked to a user), two offices with their heads, two departments
    (one with the referral), and an item of each source."""
    member = MemberFactory(name="张委员", user=users["member"])
    other = MemberFactory(name="李委员", user=users["other_member"])
    dept = DepartmentAccountFactory(user__username="t_dept1")
    other_dept = DepartmentAccountFactory(user__username="t_dept2")
    mine = SubmittedOpinionFactory(member=member, title="我的社情民意")
    draft = OpinionItemFactory(member=member, title="我的草稿")
    others = SubmittedOpinionFactory(member=other, title="别人的社情民意")
    office = OfficeOpinionFactory(venue=venue, title="城关镇联络室反映")
    office_draft = OfficeOpinionFactory(
        venue=venue, title="城关镇联络室草稿", state="draft", submitted_on=None
    )
    other_office = OfficeOpinionFactory(venue=other_venue, title="颍桥联络室反映")
    referred = AdoptedOpinionFactory(member=other, title="已转办的社情民意")
    services.opinion_refer(
        item=referred,
        user=users["staff"],
        department=dept.department,
        referred_on=DAY,
        due_on=DAY + datetime.timedelta(days=30),
    )
    return {
        **users,
        "member_obj": member,
        "dept": dept.user,
        "other_dept": other_dept.user,
        "dept_obj": dept.department,
        "mine": mine,
        "draft": draft,
        "others": others,
        "office": office,
        "office_draft": office_draft,
        "other_office": other_office,
        "referred": referred,
        "venue": venue,
        "other_venue": other_venue,
    }


# Who reads which item (detail page: 200, or 404 for an item out of scope).
READS = {
    "member": {"mine", "draft"},
    "other_member": {"others", "referred"},
    "office_head": {"office", "office_draft"},
    "other_office_head": {"other_office"},
    "staff": {"mine", "others", "office", "other_office", "referred"},
    "leader": {"mine", "others", "office", "other_office", "referred"},
    "dept": {"referred"},
    "other_dept": set(),
}
ITEMS = ["mine", "draft", "others", "office", "office_draft", "other_office", "referred"]


@pytest.mark.parametrize("role", list(READS))
def test_each_role_reads_exactly_its_items(client, world, role):
    client.force_login(world[role])
    for name in ITEMS:
        response = client.get(reverse("consultation:opinion_detail", args=[world[name].pk]))
        expected = 200 if name in READS[role] else 404
        assert response.status_code == expected, (role, name)
    visible = set(OpinionItem.objects.for_user(world[role]).values_list("title", flat=True))
    assert visible == {world[name].title for name in READS[role]}


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for url in (
        reverse("consultation:opinion_detail", args=[world["mine"].pk]),
        reverse("consultation:opinion_list"),
        reverse("consultation:my_opinions"),
        reverse("consultation:opinion_create"),
        reverse("consultation:opinion_issue_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_an_office_head_reads_the_submitted_items_of_members_stationed_at_the_office(world):
    from apps.venues.models import Assignment

    Assignment.objects.create(venue=world["venue"], member=world["member_obj"], started_on=DAY)
    visible = set(OpinionItem.objects.for_user(world["office_head"]).values_list("pk", flat=True))
    assert world["mine"].pk in visible
    assert world["draft"].pk not in visible  # a member's draft stays theirs
    other = set(
        OpinionItem.objects.for_user(world["other_office_head"]).values_list("pk", flat=True)
    )
    assert world["mine"].pk not in other


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff", 200),
        ("leader", 200),
        ("member", 403),
        ("office_head", 403),
        ("dept", 403),
    ],
)
def test_only_staff_and_leaders_open_the_committee_pages(client, world, role, status):
    client.force_login(world[role])
    for name in (
        "consultation:opinion_list",
        "consultation:opinion_issue_list",
        "consultation:opinion_statistics",
        "consultation:opinion_export",
    ):
        assert client.get(reverse(name)).status_code == status, name


# --- reporting -------------------------------------------------------------------------------


def _form(**extra):
    category = OpinionCategoryFactory()
    return {
        "title": "关于村口道路积水的建议",
        "category": category.pk,
        "situation": "雨后积水严重，群众出行不便。",
        "analysis": "排水沟堵塞。",
        "suggestion": "尽快疏通排水沟。",
        **extra,
    }


def test_a_member_reports_and_submits_an_item_with_a_photo(client, world):
    client.force_login(world["member"])
    response = client.post(
        reverse("consultation:opinion_create"),
        _form(photos=[jpeg_upload()], submit="1"),
    )
    item = OpinionItem.objects.get(title="关于村口道路积水的建议")
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.member == world["member_obj"] and item.venue is None
    assert item.state == "submitted" and item.submitted_on is not None
    photo = OpinionPhoto.objects.get(item=item)
    assert client.get(photo.get_thumbnail_url()).status_code == 200
    # Another member cannot see the photo.
    client.force_login(world["other_member"])
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_an_office_head_reports_for_residents_of_their_office_only(client, world):
    client.force_login(world["office_head"])
    response = client.post(
        reverse("consultation:opinion_create"), _form(office=world["other_venue"].pk)
    )
    assert response.status_code == 200 and "office" in response.context["form"].errors
    response = client.post(reverse("consultation:opinion_create"), _form(office=world["venue"].pk))
    item = OpinionItem.objects.get(title="关于村口道路积水的建议")
    assert item.venue == world["venue"] and item.member is None
    assert item.township == world["venue"].township and item.state == "draft"
    assert item in OpinionItem.objects.of_office(world["venue"])


@pytest.mark.parametrize("role", ["staff", "leader", "dept"])
def test_staff_leaders_and_departments_do_not_report(client, world, role):
    client.force_login(world[role])
    assert client.get(reverse("consultation:opinion_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.opinion_save(item=OpinionItem(title="x"), user=world[role])


def test_only_the_reporter_edits_a_draft_or_a_returned_item(client, world):
    url = reverse("consultation:opinion_update", args=[world["draft"].pk])
    client.force_login(world["other_member"])
    assert client.get(url).status_code == 404
    client.force_login(world["staff"])
    assert client.get(url).status_code == 404  # a draft is the reporter's alone
    client.force_login(world["member"])
    assert client.get(url).status_code == 200
    submitted = reverse("consultation:opinion_update", args=[world["mine"].pk])
    assert client.get(submitted).status_code == 403  # submitted: no more edits
    office_url = reverse("consultation:opinion_update", args=[world["office_draft"].pk])
    client.force_login(world["other_office_head"])
    assert client.get(office_url).status_code == 404
    client.force_login(world["office_head"])
    assert client.get(office_url).status_code == 200


# --- review ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "member", "office_head", "dept"])
def test_only_staff_review(client, world, role):
    client.force_login(world[role])
    for name in ("opinion_adopt", "opinion_not_adopt", "opinion_return"):
        response = client.get(reverse(f"consultation:{name}", args=[world["office"].pk]))
        assert response.status_code in (403, 404), (role, name)
    with pytest.raises(PermissionDenied):
        services.opinion_adopt(item=world["office"], user=world[role])


def test_staff_adopt_with_an_edited_text_and_the_submitted_one_is_kept(client, world):
    client.force_login(world["staff"])
    item = world["mine"]
    response = client.post(
        reverse("consultation:opinion_adopt", args=[item.pk]),
        {"edited_title": "关于某问题的情况反映", "edited_text": "编辑后的正文。"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "adopted" and item.reviewed_by == world["staff"]
    assert item.sent_title == "关于某问题的情况反映" and item.sent_text == "编辑后的正文。"
    assert item.situation == "群众反映问题较为集中。"  # as submitted
    # The reporter is told; nobody else.
    notes = Notification.objects.filter(kind="opinion_reviewed")
    assert list(notes.values_list("recipient__username", flat=True)) == ["t_member"]


def test_adopting_without_edits_sends_the_submitted_text(client, world):
    client.force_login(world["staff"])
    item = world["mine"]
    page = client.get(reverse("consultation:opinion_adopt", args=[item.pk]))
    initial = page.context["form"].initial
    client.post(reverse("consultation:opinion_adopt", args=[item.pk]), initial)
    item.refresh_from_db()
    assert item.state == "adopted" and not item.is_edited


def test_not_adopting_or_returning_needs_a_reason_the_reporter_reads(client, world):
    client.force_login(world["staff"])
    url = reverse("consultation:opinion_not_adopt", args=[world["others"].pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(url, {"reason": "内容重复。"})
    world["others"].refresh_from_db()
    assert world["others"].state == "not_adopted"
    client.force_login(world["other_member"])
    page = client.get(world["others"].get_absolute_url()).content.decode()
    assert "内容重复。" in page
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionItem.objects.filter(pk=world["others"].pk).update(reason="")


def test_a_returned_item_is_revised_and_submitted_again(client, world):
    services.opinion_return(item=world["office"], user=world["staff"], reason="请补充人数。")
    todos = opinion_todos.for_reporter(world["office_head"], DAY)
    assert [t.kind for t in todos] == ["opinion_returned"]
    assert opinion_todos.for_reporter(world["other_office_head"], DAY) == []
    client.force_login(world["office_head"])
    url = reverse("consultation:opinion_update", args=[world["office"].pk])
    response = client.post(url, _form(title="已补充的反映", submit="1"))
    assert response.status_code == 302
    item = OpinionItem.objects.get(pk=world["office"].pk)
    assert item.state == "submitted" and item.reason == "" and item.reviewed_on is None
    assert item.venue == world["venue"]  # the source never changes
    assert opinion_todos.for_reporter(world["office_head"], DAY) == []


def test_staff_todos_count_the_items_waiting(world):
    todos = {t.kind: t.count for t in opinion_todos.for_staff(world["staff"], DAY)}
    assert todos == {"opinion_to_review": 4, "opinion_to_compile": 1}
    assert opinion_todos.for_staff(world["leader"], DAY) == []


# --- issues ---------------------------------------------------------------------------------


def test_staff_compile_issues_numbered_per_year_and_an_item_goes_into_one(client, world):
    first, second = AdoptedOpinionFactory(), AdoptedOpinionFactory()
    client.force_login(world["staff"])
    response = client.post(
        reverse("consultation:opinion_issue_create"),
        {
            "items": [first.pk, world["referred"].pk],
            "compiled_on": "2021-06-10",
            "recipients": "县委",
        },
    )
    issue = OpinionIssue.objects.get()
    assert response["Location"] == issue.get_absolute_url()
    assert (issue.year, issue.number) == (2021, 1)
    assert "2021" in issue.title and "1" in issue.title
    # The compiled item is no choice of the next issue; forcing it is refused.
    with pytest.raises(ValidationError):
        services.issue_compile(user=world["staff"], items=[first, second], compiled_on=DAY)
    following = services.issue_compile(
        user=world["staff"], items=[second], compiled_on=datetime.date(2021, 7, 1)
    )
    assert following.number == 2
    first.refresh_from_db()
    assert first.issue == issue
    next_year = services.issue_compile(
        user=world["staff"],
        items=[AdoptedOpinionFactory(reviewed_on=datetime.date(2021, 12, 1))],
        compiled_on=datetime.date(2022, 1, 5),
    )
    assert (next_year.year, next_year.number) == (2022, 1)


def test_only_an_adopted_item_is_compiled_the_database_refuses_others(world):
    issue = services.issue_compile(user=world["staff"], items=[world["referred"]], compiled_on=DAY)
    with pytest.raises(ValidationError):
        services.issue_compile(user=world["staff"], items=[world["mine"]], compiled_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionItem.objects.filter(pk=world["mine"].pk).update(issue=issue)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionIssue.objects.create(year=2021, number=issue.number, compiled_on=DAY)


@pytest.mark.parametrize("role", ["leader", "member", "office_head", "dept"])
def test_only_staff_compile(client, world, role):
    client.force_login(world[role])
    assert client.get(reverse("consultation:opinion_issue_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.issue_compile(user=world[role], items=[world["referred"]])


def test_an_issue_is_sent_after_it_is_compiled(world):
    issue = services.issue_compile(user=world["staff"], items=[world["referred"]], compiled_on=DAY)
    with pytest.raises(ValidationError):
        services.issue_send(
            issue=issue,
            user=world["staff"],
            sent_on=DAY - datetime.timedelta(days=1),
            recipients="县委",
        )
    services.issue_send(issue=issue, user=world["staff"], sent_on=DAY, recipients="县委、县政府")
    issue.refresh_from_db()
    assert issue.sent_on == DAY and issue.recipients == "县委、县政府"


# --- instructions, referrals, higher adoption ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("leader", True), ("staff", True), ("member", False), ("office_head", False), ("dept", False)],
)
def test_leaders_instruct_and_staff_on_their_behalf(client, world, role, allowed):
    item = world["referred"]
    client.force_login(world[role])
    url = reverse("consultation:opinion_instruct", args=[item.pk])
    response = client.post(
        url,
        {
            "leader_name": "李振华",
            "leader_title": "县委书记",
            "instructed_on": "2021-06-02",
            "text": "请认真研究。",
        },
    )
    if not allowed:
        assert response.status_code in (403, 404)
        assert not OpinionInstruction.objects.exists()
        return
    assert response.status_code == 302
    instruction = OpinionInstruction.objects.get()
    assert instruction.item == item and instruction.on_behalf == (role == "staff")
    assert (
        Notification.objects.filter(kind="opinion_instructed")
        .values_list("recipient__username", flat=True)
        .get()
        == "t_member2"
    )


def test_a_leader_instructs_on_an_issue_and_its_items_show_it(client, world):
    issue = services.issue_compile(user=world["staff"], items=[world["referred"]], compiled_on=DAY)
    client.force_login(world["leader"])
    response = client.post(
        reverse("consultation:opinion_issue_instruct", args=[issue.pk]),
        {"leader_name": "陈卫东", "instructed_on": "2021-06-03", "text": "本期问题逐项研究。"},
    )
    assert response.status_code == 302
    page = client.get(world["referred"].get_absolute_url()).content.decode()
    assert "本期问题逐项研究。" in page


def test_a_referred_item_reaches_its_department_on_the_handling_pages(client, world):
    referral = world["referred"].referrals.get()
    client.force_login(world["dept"])
    listing = client.get(reverse("consultation:handling_list")).content.decode()
    assert "已转办的社情民意" in listing
    detail = client.get(reverse("consultation:handling_detail", args=[referral.pk]))
    assert detail.status_code == 200 and "已转办的社情民意" in detail.content.decode()
    response = client.post(
        reverse("consultation:handling_reply", args=[referral.pk]),
        {"text": "已安排整改。", "replied_on": "2021-06-20", "implementation": "B"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reply_text == "已安排整改。" and not referral.reply_on_behalf
    # The reporter is told and reads the reply on the item's page.
    assert Notification.objects.filter(
        kind="referral_replied", recipient=world["other_member"]
    ).exists()
    client.force_login(world["other_member"])
    assert "已安排整改。" in client.get(world["referred"].get_absolute_url()).content.decode()
    assert referral in Referral.objects.for_user(world["other_member"])  # its letter too
    assert referral not in Referral.objects.for_user(world["member"])
    # Another department sees nothing of it.
    client.force_login(world["other_dept"])
    assert (
        client.get(reverse("consultation:handling_detail", args=[referral.pk])).status_code == 404
    )
    assert (
        "已转办的社情民意" not in client.get(reverse("consultation:handling_list")).content.decode()
    )


def test_only_an_adopted_item_is_referred(client, world):
    with pytest.raises(ValidationError):
        services.opinion_refer(
            item=world["mine"],
            user=world["staff"],
            department=world["dept_obj"],
            referred_on=DAY,
            due_on=DAY,
        )
    client.force_login(world["staff"])
    assert (
        client.get(reverse("consultation:opinion_refer", args=[world["mine"].pk])).status_code
        == 403
    )
    client.force_login(world["leader"])
    assert (
        client.get(reverse("consultation:opinion_refer", args=[world["referred"].pk])).status_code
        == 403
    )


def test_staff_record_a_higher_adoption_once_per_level(client, world):
    item = world["referred"]
    client.force_login(world["staff"])
    url = reverse("consultation:opinion_adoption", args=[item.pk])
    data = {
        "level": "city",
        "kind": "adopted",
        "on": "2021-07-01",
        "body": "许昌市政协《社情民意》第5期",
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200 and again.context["form"].errors
    assert item.adoptions.count() == 1
    assert item in OpinionItem.objects.adopted_at(
        "city"
    ) and item in OpinionItem.objects.adopted_at("higher")
    assert item not in OpinionItem.objects.adopted_at("province")
    client.force_login(world["leader"])
    assert client.get(url).status_code == 403


def test_the_item_page_shows_the_whole_chain(client, world):
    item = world["referred"]
    issue = services.issue_compile(user=world["staff"], items=[item], compiled_on=DAY)
    services.issue_send(issue=issue, user=world["staff"], sent_on=DAY, recipients="县委、县政府")
    services.opinion_instruct(
        item=item,
        user=world["leader"],
        leader_name="李振华",
        leader_title="县委书记",
        instructed_on=DAY,
        text="请县住建局研究。",
    )
    services.adoption_record(
        item=item, user=world["staff"], level="city", kind="adopted", on=DAY, body="许昌市政协"
    )
    client.force_login(world["other_member"])
    page = client.get(item.get_absolute_url()).content.decode()
    for text in (
        "step-submitted",
        "step-reviewed",
        "step-issue",
        "请县住建局研究。",
        "许昌市政协",
        "referral-",
    ):
        assert text in page, text
    assert issue.get_absolute_url() not in page  # the bulletin is the committee's page
    client.force_login(world["leader"])
    assert issue.get_absolute_url() in client.get(item.get_absolute_url()).content.decode()


def test_staff_edit_the_text_sent_up_until_the_item_is_compiled(client, world):
    item = world["referred"]
    url = reverse("consultation:opinion_sent_text", args=[item.pk])
    client.force_login(world["leader"])
    assert client.get(url).status_code == 403
    client.force_login(world["staff"])
    response = client.post(url, {"edited_title": item.title, "edited_text": "删繁就简后的正文。"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.edited_title == "" and item.edited_text == "删繁就简后的正文。"
    assert item.sent_title == item.title and item.submitted_text.startswith("群众反映")
    # Back to the submitted text: nothing edited is kept.
    client.post(url, {"edited_title": item.title, "edited_text": item.submitted_text})
    item.refresh_from_db()
    assert not item.is_edited
    services.issue_compile(user=world["staff"], items=[item], compiled_on=DAY)
    page = client.get(item.get_absolute_url()).content.decode()
    assert url not in page  # compiled: sent as it is in the issue
    assert client.get(url).status_code == 403
    with pytest.raises(ValidationError):
        services.opinion_set_sent_text(item=item, user=world["staff"], edited_text="改")
