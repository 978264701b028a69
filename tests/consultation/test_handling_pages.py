"""A handling department's pages (承办单位): who opens them, what a department never sees
(another department's referral: 404; staff pages and members' data: 403), the reply with
its letter, the co-handling opinion, and a fixed number of queries per page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.consultation.models import Referral
from tests.consultation.factories import (
    DepartmentAccountFactory,
    DepartmentFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportSuggestionFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dept(db):
    """Two departments with a user each; a referral led by the first with the second
    co-handling, and one of a third department."""
    lead, co = DepartmentFactory(name="县发展和改革委员会"), DepartmentFactory(name="县财政局")
    proposer = MemberFactory(name="张三", phone="13800000000")
    suggestion = ReportSuggestionFactory(text="加快建设停车场", members=[proposer])
    referral = ReferralFactory(
        suggestion=suggestion,
        department=lead,
        co_departments=[co],
        due_on=datetime.date(2021, 8, 31),
    )
    return {
        "lead_user": DepartmentAccountFactory(department=lead).user,
        "co_user": DepartmentAccountFactory(department=co).user,
        "referral": referral,
        "foreign": ReferralFactory(),
        "lead": lead,
        "co": co,
        "proposer": proposer,
    }


def urls(referral):
    return [
        reverse("consultation:handling_detail", args=[referral.pk]),
        reverse("consultation:handling_reply", args=[referral.pk]),
        reverse("consultation:handling_opinion", args=[referral.pk]),
    ]


@pytest.mark.parametrize(
    "role",
    [None, "staff_user", "leader_user", "office_head_user", "member_user"],
)
def test_only_department_users_open_the_handling_pages(client_for, dept, role):
    client = client_for(role)
    for url in [reverse("consultation:handling_list"), *urls(dept["referral"])]:
        response = client.get(url)
        assert response.status_code == (302 if role is None else 403), url


def test_a_department_opens_its_own_referral_and_never_anothers(dept):
    lead, co = signed_in(dept["lead_user"]), signed_in(dept["co_user"])
    detail, reply_url, opinion_url = urls(dept["referral"])
    assert lead.get(detail).status_code == 200
    assert lead.get(reply_url).status_code == 200
    assert lead.get(opinion_url).status_code == 403  # the lead gives no co-handling opinion
    assert co.get(detail).status_code == 200
    assert co.get(reply_url).status_code == 403  # the co-handling department does not reply
    assert co.get(opinion_url).status_code == 200
    for url in [
        *urls(dept["foreign"]),
        reverse("consultation:referral_letter", args=[dept["foreign"].pk]),
    ]:
        assert lead.get(url).status_code == 404, url
    listing = lead.get(reverse("consultation:handling_list"))
    assert [r.pk for r in listing.context["referrals"]] == [dept["referral"].pk]


def test_no_staff_page_and_no_personal_data(dept):
    client = signed_in(dept["lead_user"])
    referral = dept["referral"]
    for url in [
        reverse("consultation:suggestion_list"),
        reverse("consultation:suggestion_detail", args=[referral.suggestion_id]),
        reverse("consultation:department_list"),
        reverse("consultation:department_detail", args=[dept["lead"].pk]),
        reverse("consultation:referral_reply", args=[referral.pk]),
        reverse("consultation:referral_close", args=[referral.pk]),
        reverse("consultation:referral_create", args=[referral.suggestion_id]),
        reverse("consultation:project_list"),
        reverse("members:list"),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("members:detail", args=[dept["proposer"].pk])).status_code in (
        403,
        404,
    )
    page = client.get(urls(referral)[0]).content.decode()
    assert "加快建设停车场" in page
    assert "张三" not in page and "13800000000" not in page


def test_the_home_page_lists_the_departments_referrals(dept):
    overdue = ReferralFactory(
        department=dept["lead"],
        referred_on=datetime.date(2021, 1, 4),
        due_on=datetime.date(2021, 1, 31),
    )
    response = signed_in(dept["lead_user"]).get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="department-panel"' in page
    assert overdue.get_handling_url() in page and dept["referral"].get_handling_url() in page
    assert dept["foreign"].get_handling_url() not in page


def test_the_lead_records_its_reply_with_a_letter(dept):
    client = signed_in(dept["lead_user"])
    referral = dept["referral"]
    reply_url = urls(referral)[1]
    fields = {"text": "已纳入年度计划。", "replied_on": "2021-08-10", "implementation": "C"}
    # A renamed text file is refused by content; the typed reply stays.
    fake = SimpleUploadedFile("复函.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reply_url, {**fields, "letter": fake})
    assert response.status_code == 200 and "letter" in response.context["form"].errors
    assert "已纳入年度计划。" in response.content.decode()
    referral.refresh_from_db()
    assert referral.replied_on is None
    # A PDF, even under another name, is stored and named by its format.
    good = SimpleUploadedFile("复函.txt", PDF, content_type="text/plain")
    response = client.post(reply_url, {**fields, "letter": good})
    assert response.status_code == 302 and response["Location"] == referral.get_handling_url()
    referral.refresh_from_db()
    assert referral.state == Referral.State.REPLIED and not referral.reply_on_behalf
    assert referral.reply_letter.name.endswith(".pdf") and referral.reply_letter_name == "复函.txt"
    letter_url = reverse("consultation:referral_letter", args=[referral.pk])
    download = client.get(letter_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        "复函.pdf" in download["Content-Disposition"]
        or "%E5%A4%8D" in (download["Content-Disposition"])
    )
    assert signed_in(dept["co_user"]).get(letter_url).status_code == 200
    other = DepartmentAccountFactory().user
    assert signed_in(other).get(letter_url).status_code == 404


def test_the_co_handling_department_adds_its_opinion(dept):
    client = signed_in(dept["co_user"])
    referral = dept["referral"]
    response = client.post(urls(referral)[2], {"text": "", "given_on": "2021-08-05"})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    response = client.post(urls(referral)[2], {"text": "同意。", "given_on": "2021-08-05"})
    assert response.status_code == 302
    opinion = referral.opinions.get()
    assert opinion.department == dept["co"] and not opinion.on_behalf
    page = signed_in(dept["lead_user"]).get(urls(referral)[0]).content.decode()
    assert "同意。" in page


def test_staff_record_a_reply_on_the_departments_behalf(client_for, dept):
    referral = dept["referral"]
    client = client_for("staff_user")
    response = client.post(
        reverse("consultation:referral_reply", args=[referral.pk]),
        {"text": "电话答复。", "replied_on": "2021-08-10", "implementation": "B"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reply_on_behalf
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "reply-on-behalf" in page
    department_page = signed_in(dept["lead_user"]).get(urls(referral)[0]).content.decode()
    assert "reply-on-behalf" in department_page


def test_staff_reopen_an_unsatisfied_referral(client_for, dept):
    replied = RepliedReferralFactory(
        department=dept["lead"],
        closed_on=datetime.date(2021, 8, 15),
        satisfaction=Referral.Satisfaction.UNSATISFIED,
    )
    url = reverse("consultation:referral_reopen", args=[replied.pk])
    assert signed_in(dept["lead_user"]).get(url).status_code == 403
    assert client_for("leader_user").get(url).status_code == 403
    client = client_for("staff_user")
    assert url in client.get(replied.get_absolute_url()).content.decode()
    response = client.post(url, {"reason": "", "reopened_on": "2021-08-20", "due_on": "2021-09-20"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(
        url, {"reason": "委员不满意。", "reopened_on": "2021-08-20", "due_on": "2021-09-20"}
    )
    assert response.status_code == 302
    replied.refresh_from_db()
    assert replied.round_number == 2 and replied.state == Referral.State.REFERRED
    assert client.get(url).status_code == 403  # open again: nothing to reopen


@pytest.mark.parametrize(
    "params",
    [{}, {"state": "overdue"}, {"state": "due_soon", "year": "2021"}, {"state": "closed"}],
)
def test_the_departments_list_runs_a_fixed_number_of_queries(
    dept, params, django_assert_max_num_queries
):
    for i in range(30):
        ReferralFactory(
            department=dept["lead"] if i % 2 else dept["co"],
            co_departments=[dept["co"] if i % 2 else dept["lead"], DepartmentFactory()],
        )
    client = signed_in(dept["lead_user"])
    # Session and user, the user's and groups' permissions, groups; the department;
    # count, rows, co-handling departments; the session's refresh (3).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("consultation:handling_list"), params)
    assert response.status_code == 200


def test_the_detail_page_runs_a_fixed_number_of_queries(dept, django_assert_max_num_queries):
    referral = dept["referral"]
    referral.co_departments.add(*[DepartmentFactory() for _ in range(5)])
    client = signed_in(dept["co_user"])
    client.post(urls(referral)[2], {"text": "同意。", "given_on": "2021-08-05"})
    # Session and user, permissions (2), groups; the department; the referral with its
    # subject, co-handling departments, opinions, rounds.
    with django_assert_max_num_queries(10):
        response = client.get(urls(referral)[0])
    assert response.status_code == 200
    home = signed_in(dept["lead_user"])
    # The same five; the counts, the open referrals, their co-handling departments; the
    # session's refresh (3); the to-dos: the referrals awaiting the reply (2).
    with django_assert_max_num_queries(14):
        assert home.get(reverse("home")).status_code == 200
