"""The lists the annual report's research figures link to (issue 16): research reports
and leaders' instructions (批示), with `?year=` and the other filters, for every role,
paginated, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from tests.consultation.factories import (
    DepartmentAccountFactory,
    InstructionFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

REPORTS = reverse("consultation:report_list")
INSTRUCTIONS = reverse("consultation:instruction_list")
EVERYTHING = ["staff_user", "leader_user", "superuser", "office_head_user"]


@pytest.fixture
def research(member_user, other_member_user):
    """Two years of research: a 2021 project whose team has the member, a 2021 project of
    the other member, a 2022 project; each with one report and one instruction."""
    mine = ResearchProjectFactory(team=[MemberFactory(user=member_user)])
    theirs = ResearchProjectFactory(team=[MemberFactory(user=other_member_user)])
    later = ResearchProjectFactory(topic=TopicFactory(year=2022, category="central"))
    reports = {
        "mine": ReportFactory(project=mine, title="我的调研报告"),
        "theirs": ReportFactory(project=theirs, title="他人调研报告"),
        "later": ReportFactory(
            project=later, title="二〇二二年调研报告", submitted_on=datetime.date(2022, 6, 1)
        ),
    }
    instructions = {
        key: InstructionFactory(report=report, leader_name=f"领导{key}")
        for key, report in reports.items()
    }
    return reports, instructions


def listed(response, key):
    return {obj.pk for obj in response.context[key]}


@pytest.mark.parametrize("role", EVERYTHING)
def test_staff_leaders_and_office_heads_read_every_report_and_instruction(
    client_for, research, role
):
    reports, instructions = research
    client = client_for(role)
    response = client.get(REPORTS)
    assert response.status_code == 200
    assert listed(response, "reports") == {r.pk for r in reports.values()}
    response = client.get(INSTRUCTIONS)
    assert response.status_code == 200
    assert listed(response, "instructions") == {i.pk for i in instructions.values()}
    html = response.content.decode()
    assert all(i.get_absolute_url() in html for i in instructions.values())


def test_a_member_reads_only_their_projects_reports_and_instructions(client_for, research):
    reports, instructions = research
    client = client_for("member_user")
    response = client.get(REPORTS)
    assert listed(response, "reports") == {reports["mine"].pk}
    assert "他人调研报告" not in response.content.decode()
    response = client.get(INSTRUCTIONS)
    assert listed(response, "instructions") == {instructions["mine"].pk}
    assert "领导theirs" not in response.content.decode()
    # The reports' project filter offers only their own project.
    projects = client.get(REPORTS).context["filter"].form.fields["project"].queryset
    assert list(projects) == [reports["mine"].project]
    assert client_for("other_member_user").get(REPORTS).context["reports"][0] == reports["theirs"]


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("department", 403)])
def test_anonymous_and_departments_are_refused(client_for, client, research, role, status):
    if role == "department":
        client.force_login(DepartmentAccountFactory().user)
    for url in (REPORTS, INSTRUCTIONS):
        response = client.get(url, {"year": 2021})
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith(reverse("login"))


def test_the_year_filters_by_the_research_year_and_the_instruction_year(client_for, research):
    reports, instructions = research
    # A 2022 instruction on a 2021 report is an instruction of 2022.
    late = InstructionFactory(report=reports["mine"], instructed_on=datetime.date(2022, 1, 5))
    client = client_for("leader_user")
    assert listed(client.get(REPORTS, {"year": 2021}), "reports") == {
        reports["mine"].pk,
        reports["theirs"].pk,
    }
    assert listed(client.get(REPORTS, {"year": 2022}), "reports") == {reports["later"].pk}
    assert listed(client.get(INSTRUCTIONS, {"year": 2021}), "instructions") == {
        instructions["mine"].pk,
        instructions["theirs"].pk,
    }
    assert listed(client.get(INSTRUCTIONS, {"year": 2022}), "instructions") == {
        instructions["later"].pk,
        late.pk,
    }
    # A year the filter refuses lists nothing and is no error.
    assert client.get(REPORTS, {"year": "abc"}).status_code == 200


def test_the_other_filters(client_for, research):
    reports, instructions = research
    bare = ReportFactory(project=reports["mine"].project, title="无批示报告")
    ReportSuggestionFactory(report=bare)
    client = client_for("staff_user")
    assert listed(client.get(REPORTS, {"instructed": "false"}), "reports") == {bare.pk}
    assert bare.pk not in listed(client.get(REPORTS, {"instructed": "true"}), "reports")
    by_project = client.get(REPORTS, {"project": reports["mine"].project_id})
    assert listed(by_project, "reports") == {reports["mine"].pk, bare.pk}
    assert listed(client.get(REPORTS, {"q": "他人"}), "reports") == {reports["theirs"].pk}
    assert listed(client.get(INSTRUCTIONS, {"leader": "领导later"}), "instructions") == {
        instructions["later"].pk
    }
    assert listed(client.get(INSTRUCTIONS, {"q": "二〇二二"}), "instructions") == {
        instructions["later"].pk
    }
    row = next(r for r in client.get(REPORTS).context["reports"] if r.pk == bare.pk)
    assert (row.instruction_count, row.suggestion_count) == (0, 1)


def test_the_lists_paginate_past_the_end_without_a_404(client_for, settings):
    report = ReportFactory()
    for day in range(1, settings.PAGINATE_BY + 3):
        InstructionFactory(report=report, instructed_on=datetime.date(2021, 7, day))
    client = client_for("leader_user")
    response = client.get(INSTRUCTIONS, {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["instructions"]) == 2


@pytest.mark.parametrize("role", ["staff_user", "member_user"])
def test_the_lists_read_a_fixed_number_of_queries(
    client_for, member_user, role, django_assert_max_num_queries
):
    team = [MemberFactory(user=member_user)]
    projects = [ResearchProjectFactory(team=team) for _ in range(6)]
    for i in range(60):
        report = ReportFactory(project=projects[i % 6])
        InstructionFactory(report=report)
        ReportSuggestionFactory(report=report)
    client = client_for(role)
    # 8 for the session, user, permissions and saving the session; the page: the
    # filter's projects, the count and the rows (60 reports: the same as for one).
    with django_assert_max_num_queries(11):
        response = client.get(REPORTS, {"year": 2021})
    assert response.context["paginator"].count == 60
    with django_assert_max_num_queries(10):  # the count and the rows
        response = client.get(INSTRUCTIONS, {"year": 2021})
    assert response.context["paginator"].count == 60
