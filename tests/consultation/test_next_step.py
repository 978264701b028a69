"""The next step is obvious: a saved draft says so and offers 提交审核 there; the list marks
drafts; selects read 请选择; a leader's position is prefilled; a closed suggestion does not
lead with 批转; a member's actions are grouped; wide tables say they scroll."""

import datetime

import pytest
from django.urls import reverse

from apps.consultation.models import Session
from tests.consultation.factories import (
    ClosedReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    SessionFactory,
)
from tests.consultation.test_session_form import form_data
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_saved_session_says_it_is_a_draft_and_offers_submitting_there(client_for, venue):
    head = client_for("office_head_user")
    response = head.post(
        reverse("consultation:create"), form_data(venue, new_topic_title="停车难"), follow=True
    )
    html = response.content.decode()
    assert "已保存为草稿，尚未提交" in html
    assert 'id="draft-notice"' in html and 'id="draft-submit"' in html
    session = Session.objects.get()
    assert reverse("consultation:submit", args=[session.pk]) in html
    listing = head.get(reverse("consultation:list")).content.decode()
    assert "草稿 · 未提交" in listing


def test_selects_read_please_choose(client_for, venue):
    html = client_for("office_head_user").get(reverse("consultation:create")).content.decode()
    assert "请选择" in html
    assert "---------" not in html
    # A filter's empty choice reads 全部.
    staff = client_for("staff_user")
    for name in ("consultation:list", "consultation:suggestion_list"):
        listing = staff.get(reverse(name)).content.decode()
        assert "---------" not in listing and ">全部</option>" in listing


def test_the_session_form_hides_the_new_topic_fields_by_script(client_for, venue):
    html = client_for("office_head_user").get(reverse("consultation:create")).content.decode()
    assert 'id="field-new_topic_category" data-new-topic' in html
    assert "js/session-form.js" in html


def test_a_leaders_position_is_prefilled(client_for, leader_user):
    leader_user.title = "县政协主席"
    leader_user.save()
    report = ReportFactory()
    form = (
        client_for("leader_user")
        .get(reverse("consultation:instruction_create", args=[report.pk]))
        .context["form"]
    )
    assert form["leader_title"].value() == "县政协主席"
    assert form["leader_name"].value() == leader_user.get_full_name()


def test_a_closed_suggestion_does_not_lead_with_referring(client_for):
    closed = ClosedReferralFactory(closed_on=datetime.date(2021, 8, 15)).suggestion
    raised = ReportSuggestionFactory()
    staff = client_for("staff_user")
    closed_html = staff.get(closed.get_absolute_url()).content.decode()
    raised_html = staff.get(raised.get_absolute_url()).content.decode()
    assert 'id="refer-button"' not in closed_html
    assert 'class="btn btn-outline-secondary" id="refer-again"' in closed_html
    assert 'class="btn btn-primary" id="refer-button"' in raised_html


def test_a_members_actions_are_grouped_with_the_archive_date_inside(client_for):
    member = MemberFactory()
    html = client_for("staff_user").get(member.get_absolute_url()).content.decode()
    group = html[html.index("member-actions") :]
    assert group.index("<details") < group.index('name="left_on"') < group.index("</details>")
    assert group.index("</details>") < group.index(reverse("members:delete", args=[member.pk]))


def test_wide_tables_say_they_scroll_on_a_phone(client_for):
    SessionFactory()
    html = client_for("staff_user").get(reverse("consultation:statistics")).content.decode()
    assert "table-scroll-hint" in html and "table-key-first" in html
