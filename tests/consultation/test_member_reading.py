"""What a member reads of the consultation work (issue 6): the published sessions they took
part in (with photos) and the research projects whose team they served on (the project, its
reports, versions and instructions), read-only. Two members throughout, so a leak of one's
records to the other fails; every internal link on the pages a member now opens opens."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.consultation.models import (
    Instruction,
    Referral,
    Report,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)
from tests.consultation.factories import (
    DepartmentFactory,
    InstructionFactory,
    PublishedSessionFactory,
    ReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%%EOF\n"
MEMBERS = ["member_user", "other_member_user"]


def with_file(report):
    report.attachment.save("r.pdf", ContentFile(PDF), save=False)
    report.attachment_name = "调研报告.pdf"
    report.save()
    version = report.versions.get()
    version.attachment, version.attachment_name = report.attachment.name, report.attachment_name
    version.save()
    return report


@pytest.fixture
def two(member_user, other_member_user, venue, other_venue):
    """Each member with a published session (photo), a draft and a submitted session they are
    listed on, a project with a report (file, instruction, a suggestion of each member, one
    referred), and a published field visit of the project the other member took part in."""
    mine = MemberFactory(user=member_user, name="甲委员")
    theirs = MemberFactory(user=other_member_user, name="乙委员")
    world = {}
    for key, member, place in [("mine", mine, venue), ("theirs", theirs, other_venue)]:
        published = PublishedSessionFactory(venue=place, members=[member])
        draft = SessionFactory(venue=place, members=[member])
        submitted = SubmittedSessionFactory(venue=place, members=[member])
        project = ResearchProjectFactory(team=[member])
        report = with_file(ReportFactory(project=project))
        instruction = InstructionFactory(report=report)
        own = ReportSuggestionFactory(report=report, members=[member], text=f"{key}的报告建议")
        ReferralFactory(suggestion=own, instruction=instruction)
        world[key] = {
            "member": member,
            "published": published,
            "photo": SessionPhotoFactory(session=published),
            "draft": draft,
            "draft_photo": SessionPhotoFactory(session=draft),
            "submitted": submitted,
            "project": project,
            "report": report,
            "instruction": instruction,
            "suggestion": own,
            "version": report.versions.get(),
        }
    # On each side: a suggestion of the other member (not theirs to read) on the session
    # and on the report, and a visit of the project the member did not take part in.
    for key, other in [("mine", theirs), ("theirs", mine)]:
        w = world[key]
        w["others_session_suggestion"] = SuggestionFactory(
            session=w["published"], members=[other], text=f"{key}会上他人的建议"
        )
        w["own_session_suggestion"] = SuggestionFactory(
            session=w["published"], members=[w["member"]], text=f"{key}会上本人的建议"
        )
        w["others_report_suggestion"] = ReportSuggestionFactory(
            report=w["report"], members=[other], text=f"{key}报告中他人的建议"
        )
        ReferralFactory(
            suggestion=w["others_report_suggestion"],
            department=DepartmentFactory(name=f"{key}他人建议承办局"),
        )
        w["project"].visits.set([w["published"], PublishedSessionFactory(venue=venue)])
    return world


def sides(role):
    """(own, other's) records of a member role."""
    return ("mine", "theirs") if role == "member_user" else ("theirs", "mine")


# --- sessions and photos ------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_a_member_reads_the_published_sessions_they_took_part_in(client_for, two, role):
    own, other = (two[k] for k in sides(role))
    client = client_for(role)
    # given their published session, then its photo and thumbnail
    for url in [
        own["published"].get_absolute_url(),
        own["photo"].get_absolute_url(),
        own["photo"].get_thumbnail_url(),
    ]:
        assert client.get(url).status_code == 200, url
    # not a draft or a submitted session they are listed on, nor the other member's
    for url in [
        own["draft"].get_absolute_url(),
        own["draft_photo"].get_absolute_url(),
        own["draft_photo"].get_thumbnail_url(),
        own["submitted"].get_absolute_url(),
        other["published"].get_absolute_url(),
        other["photo"].get_absolute_url(),
        other["photo"].get_thumbnail_url(),
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", MEMBERS)
def test_the_session_page_shows_a_member_only_their_own_suggestions(client_for, two, role):
    own, _other = (two[k] for k in sides(role))
    client = client_for(role)
    response = client.get(own["published"].get_absolute_url())
    html = response.content.decode()
    assert own["photo"].get_thumbnail_url() in html
    # Their suggestion with its follow-up page, not the other member's.
    assert own["own_session_suggestion"].text in html
    assert own["own_session_suggestion"].get_absolute_url() in html
    assert own["others_session_suggestion"].text not in html
    assert own["others_session_suggestion"].get_absolute_url() not in html
    # No venue page, no action.
    assert own["published"].venue.get_absolute_url() not in html
    assert not any(response.context[k] for k in ("can_edit", "can_submit", "can_review"))


def test_office_heads_still_see_every_suggestion_of_a_session(client_for, two):
    html = client_for("office_head_user").get(two["theirs"]["published"].get_absolute_url())
    text = html.content.decode()
    for key in ("own_session_suggestion", "others_session_suggestion"):
        assert two["theirs"][key].get_absolute_url() in text
    # The venue of another office is linked: its page opens for them.
    assert two["theirs"]["published"].venue.get_absolute_url() in text


@pytest.mark.parametrize("role", MEMBERS)
def test_the_session_list_and_calendar_hold_a_members_published_sessions(client_for, two, role):
    own, other = (two[k] for k in sides(role))
    client = client_for(role)
    response = client.get(reverse("consultation:list"))
    assert [s.pk for s in response.context["sessions"]] == [own["published"].pk]
    # The topic filter offers only the topics of their sessions.
    topics = list(response.context["filter"].form.fields["topic"].queryset)
    assert topics == [own["published"].topic]
    html = response.content.decode()
    assert reverse("consultation:create") not in html
    assert reverse("consultation:export") not in html
    month = f"{own['published'].started_at:%Y-%m}"
    calendar = client.get(reverse("consultation:calendar"), {"month": month}).content.decode()
    assert other["published"].get_absolute_url() not in calendar
    assert own["draft"].get_absolute_url() not in calendar


# --- research projects and reports ---------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_a_member_reads_the_projects_whose_team_they_served_on(client_for, two, role):
    own, other = (two[k] for k in sides(role))
    client = client_for(role)
    for url in [
        own["project"].get_absolute_url(),
        own["report"].get_absolute_url(),
        own["report"].get_attachment_url(),
        own["version"].get_attachment_url(),
        own["instruction"].get_absolute_url().split("#")[0],
    ]:
        assert client.get(url).status_code == 200, url
    for url in [
        other["project"].get_absolute_url(),
        other["report"].get_absolute_url(),
        other["report"].get_attachment_url(),
        other["version"].get_attachment_url(),
        reverse("consultation:topic_detail", args=[own["project"].topic_id]),
    ]:
        assert client.get(url).status_code in (403, 404), url
    response = client.get(reverse("consultation:project_list"))
    assert [p.pk for p in response.context["projects"]] == [own["project"].pk]
    assert reverse("consultation:topic_list") not in response.content.decode()


@pytest.mark.parametrize("role", MEMBERS)
def test_the_project_and_report_pages_show_a_member_their_part_only(client_for, two, role):
    own, _other = (two[k] for k in sides(role))
    client = client_for(role)
    project_html = client.get(own["project"].get_absolute_url()).content.decode()
    report_html = client.get(own["report"].get_absolute_url()).content.decode()
    for html in (project_html, report_html):
        assert own["suggestion"].get_absolute_url() in html
        assert own["others_report_suggestion"].text not in html
        assert own["others_report_suggestion"].get_absolute_url() not in html
        assert own["project"].topic.get_absolute_url() not in html
    assert own["instruction"].text in report_html
    assert own["report"].get_absolute_url() in project_html
    # The referral of the other member's suggestion is not in the timeline.
    assert "他人建议承办局" not in project_html
    # Visits: the session they took part in, not the other one.
    visits = [s for s in own["project"].visits.all() if s != own["published"]]
    assert own["published"].get_absolute_url() in project_html
    assert visits[0].get_absolute_url() not in project_html
    # The team: themself linked (their own page), nobody else.
    assert f'href="{own["member"].get_absolute_url()}"' in project_html


def test_the_suggestion_page_links_its_report_only_when_it_opens(client_for, two):
    client = client_for("member_user")
    own = two["mine"]
    html = client.get(own["suggestion"].get_absolute_url()).content.decode()
    assert f'href="{own["report"].get_absolute_url()}"' in html
    # Their suggestion on another member's report: named, not linked.
    elsewhere = ReportSuggestionFactory(report=two["theirs"]["report"], members=[own["member"]])
    html = client.get(elsewhere.get_absolute_url()).content.decode()
    assert two["theirs"]["report"].title in html
    assert two["theirs"]["report"].get_absolute_url() not in html
    # Their suggestion raised at a draft session: named, not linked.
    at_draft = SuggestionFactory(session=own["draft"], members=[own["member"]])
    html = client.get(at_draft.get_absolute_url()).content.decode()
    assert own["draft"].get_absolute_url() not in html
    at_published = own["own_session_suggestion"]
    html = client.get(at_published.get_absolute_url()).content.decode()
    assert own["published"].get_absolute_url() in html


# --- nothing else widens; nothing is written --------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_nothing_else_opens_for_a_member(client_for, two, role):
    own, other = (two[k] for k in sides(role))
    client = client_for(role)
    for url in [
        reverse("consultation:topic_list"),
        reverse("consultation:suggestion_list"),
        reverse("consultation:statistics"),
        reverse("consultation:department_list"),
        reverse("consultation:export"),
        reverse("consultation:suggestion_export"),
        own["others_session_suggestion"].get_absolute_url(),
        own["others_report_suggestion"].get_absolute_url(),
        other["suggestion"].get_absolute_url(),
        own["published"].venue.get_absolute_url(),
    ]:
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("role", MEMBERS)
def test_a_member_changes_nothing(client_for, two, role):
    own, _other = (two[k] for k in sides(role))
    client = client_for(role)
    session, project, report = own["published"], own["project"], own["report"]
    suggestion = own["suggestion"]
    draft = own["draft"]
    counts = [m.objects.count() for m in (Topic, Session, ResearchProject, Report, Instruction)]
    counts += [Suggestion.objects.count(), Referral.objects.count()]
    posts = [
        reverse("consultation:create"),
        reverse("consultation:update", args=[draft.pk]),
        reverse("consultation:update", args=[session.pk]),
        reverse("consultation:submit", args=[draft.pk]),
        reverse("consultation:publish", args=[own["submitted"].pk]),
        reverse("consultation:return", args=[own["submitted"].pk]),
        reverse("consultation:topic_create"),
        reverse("consultation:project_create", args=[project.topic_id]),
        reverse("consultation:project_update", args=[project.pk]),
        reverse("consultation:report_create", args=[project.pk]),
        reverse("consultation:report_update", args=[report.pk]),
        reverse("consultation:instruction_create", args=[report.pk]),
        reverse("consultation:suggestion_create", args=[report.pk]),
        reverse("consultation:suggestion_update", args=[suggestion.pk]),
        reverse("consultation:referral_create", args=[suggestion.pk]),
    ]
    data = {"title": "篡改", "text": "篡改", "reason": "篡改", "place": "篡改"}
    for url in posts:
        assert client.post(url, data).status_code in (403, 404), url
    after = [m.objects.count() for m in (Topic, Session, ResearchProject, Report, Instruction)]
    after += [Suggestion.objects.count(), Referral.objects.count()]
    assert after == counts
    draft.refresh_from_db()
    report.refresh_from_db()
    assert draft.state == Session.State.DRAFT and report.title != "篡改"
    assert Session.objects.get(pk=own["submitted"].pk).state == Session.State.SUBMITTED


# --- the member page and the navigation ----------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_the_member_page_lists_their_own_readable_work(client_for, two, role):
    own, other = (two[k] for k in sides(role))
    client = client_for(role)
    html = client.get(own["member"].get_absolute_url()).content.decode()
    assert own["published"].get_absolute_url() in html
    assert own["draft"].get_absolute_url() not in html
    assert own["submitted"].get_absolute_url() not in html
    assert own["project"].get_absolute_url() in html
    assert other["published"].get_absolute_url() not in html
    assert client.get(other["member"].get_absolute_url()).status_code == 404


def test_the_navigation_of_a_member_opens(client_for, two):
    client = client_for("member_user")
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("consultation:list")}"' in html
    assert f'href="{reverse("consultation:project_list")}"' in html
    assert f'href="{reverse("consultation:suggestion_list")}"' not in html
    assert f'href="{reverse("consultation:topic_list")}"' not in html


# --- every link opens -------------------------------------------------------------------------

HREF = re.compile(r'href="([^"#]*)')


def internal_links(url, html):
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        if href.startswith("?"):
            href = url.split("?")[0] + href
        if href.startswith("/") and not href.startswith("/static/"):
            yield href


@pytest.fixture
def ledger_year(two):
    """The members' 2021 ledgers, derived from their records (all dated 2021)."""
    from apps.performance.services import ledger_derive
    from tests.performance.factories import standard_rules

    standard_rules(2021)
    for key in ("mine", "theirs"):
        for name in ("published", "draft", "submitted"):
            session = two[key][name]
            session.started_at = datetime.datetime(2021, 5, 1, 9, tzinfo=SHANGHAI)
            session.save()
        project = two[key]["project"]
        project.actual_start, project.actual_end = (
            datetime.date(2021, 3, 1),
            datetime.date(2021, 9, 30),
        )
        project.save()
    ledger_derive(year=2021)
    return 2021


@pytest.mark.parametrize("role", MEMBERS)
def test_every_link_a_member_is_offered_opens(client_for, two, ledger_year, role):
    own, _other = (two[k] for k in sides(role))
    client = client_for(role)
    ledger = reverse("performance:ledger", args=[ledger_year, own["member"].pk])
    response = client.get(ledger)
    kinds = {e.source_type.model for e in response.context["entries"] if e.link}
    assert {"session", "researchproject", "suggestion"} <= kinds
    assert all(e.link for e in response.context["entries"])
    pages = [
        ledger,
        own["published"].get_absolute_url(),
        own["project"].get_absolute_url(),
        own["report"].get_absolute_url(),
        own["suggestion"].get_absolute_url(),
        own["member"].get_absolute_url(),
        reverse("consultation:list"),
        reverse("consultation:project_list"),
        reverse("consultation:calendar"),
    ]
    checked = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for link in internal_links(page, response.content.decode()):
            if link in checked:
                continue
            checked.add(link)
            status = client.get(link).status_code
            assert status not in (403, 404, 500), f"{page} → {link}: {status}"
    for record in ("published", "project", "report"):
        assert own[record].get_absolute_url() in checked


# --- query budgets of a member ----------------------------------------------------------------


def test_a_members_session_page_query_count(
    client_for, member_user, venue, django_assert_max_num_queries
):
    mine = MemberFactory(user=member_user)
    others = [MemberFactory() for _ in range(20)]
    session = PublishedSessionFactory(venue=venue, members=[mine, *others])
    for i in range(10):
        SuggestionFactory(session=session, members=[mine] if i % 2 else others[:3])
    for _ in range(5):
        SessionPhotoFactory(session=session)
    client = client_for("member_user")
    # 8 for the session, user, permissions and saving the session; the page: the session,
    # members, suggestions with their members, photos.
    with django_assert_max_num_queries(13):
        response = client.get(session.get_absolute_url())
    assert len(response.context["session"].suggestions.all()) == 5
    assert len(response.context["photos"]) == 5


def test_a_members_project_and_report_pages_query_counts(
    client_for, member_user, django_assert_max_num_queries
):
    mine = MemberFactory(user=member_user)
    project = ResearchProjectFactory(team=[mine, *(MemberFactory() for _ in range(10))])
    reports = [ReportFactory(project=project) for _ in range(3)]
    for report in reports:
        InstructionFactory(report=report)
        for i in range(20):
            suggestion = ReportSuggestionFactory(report=report, members=[mine] if i % 4 else [])
            ReferralFactory(suggestion=suggestion)
    project.visits.set(
        [PublishedSessionFactory(members=[mine]) for _ in range(3)]
        + [PublishedSessionFactory() for _ in range(3)]
    )
    client = client_for("member_user")
    # 8 for the session and the user; the page: the project, team, visits, reports,
    # versions, instructions, suggestions, their proposers, referrals, co-handling ones,
    # and whether the team members' pages open.
    with django_assert_max_num_queries(19):
        response = client.get(project.get_absolute_url())
    assert response.context["suggestion_count"] == 45
    assert len([e for e in response.context["timeline"] if e["kind"] == "visit"]) == 3
    # The report: the report, versions, instructions, suggestions (progress as subqueries),
    # proposers, referrals and their co-handling departments.
    with django_assert_max_num_queries(12):
        response = client.get(reports[0].get_absolute_url())
    assert len(response.context["suggestions"]) == 15


def test_a_members_ledger_query_count(client_for, two, ledger_year, django_assert_max_num_queries):
    url = reverse("performance:ledger", args=[ledger_year, two["mine"]["member"].pk])
    client = client_for("member_user")
    # Measured 19 (staff: 21), the session and the project links one query each.
    with django_assert_max_num_queries(19):
        response = client.get(url)
    assert all(e.link for e in response.context["entries"])
