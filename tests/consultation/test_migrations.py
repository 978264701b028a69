"""Migrations 0003–0005 on data of the session-only schema: topic statuses are mapped, and
every suggestion (and its audit rows) gets the date of its session; 0007 keeps every
referral. One test walks the schema once (0002 → 0006 → 0007 → the latest): each walk
back and forth through every app's migrations costs about 40 s on SQLite."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.migration_walk]

BEFORE = [("consultation", "0002_initial")]
BEFORE_HANDLING = [("consultation", "0006_date_and_number_bounds")]
AFTER_HANDLING = [("consultation", "0007_handling_chain")]


def test_the_consultation_migrations_carry_the_records_over():
    statuses_and_dates_are_carried_over()
    the_handling_chain_keeps_every_referral()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def statuses_and_dates_are_carried_over():
    """From 0002 to 0006 (which the handling chain's check starts from)."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Topic = old.get_model("consultation", "Topic")
    Session = old.get_model("consultation", "Session")
    Suggestion = old.get_model("consultation", "Suggestion")
    Historical = old.get_model("consultation", "HistoricalSuggestion")
    venue = old.get_model("venues", "Venue").objects.create(name="测试委员之家", kind="home")
    open_topic = Topic.objects.create(title="停车难", year=2021, status="open")
    closed_topic = Topic.objects.create(title="就医难", year=2021, status="closed")
    # 23:30 on June 30 in Xiangcheng: the local date is June 30 (15:30 UTC).
    started = datetime.datetime(2021, 6, 30, 15, 30, tzinfo=datetime.UTC)
    session = Session.objects.create(
        venue=venue, topic=open_topic, form="other", started_at=started, place="会议室"
    )
    suggestion = Suggestion.objects.create(session=session, text="建设停车场")
    Historical.objects.create(
        id=suggestion.pk,
        session_id=session.pk,
        text="建设停车场",
        category="other",
        created_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_HANDLING)
    new = executor.loader.project_state(BEFORE_HANDLING).apps
    Topic = new.get_model("consultation", "Topic")
    assert Topic.objects.get(pk=open_topic.pk).status == "consulting"
    assert Topic.objects.get(pk=closed_topic.pk).status == "done"
    june_30 = datetime.date(2021, 6, 30)
    assert new.get_model("consultation", "Suggestion").objects.get().raised_on == june_30
    assert new.get_model("consultation", "HistoricalSuggestion").objects.get().raised_on == june_30


def the_handling_chain_keeps_every_referral():
    """0007 on suggestion referrals: each keeps its suggestion, departments, dates and
    reply; the replies recorded so far (by staff: departments had no logins) are marked
    as recorded on the department's behalf, in the rows and their audit rows."""
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE_HANDLING).apps
    Suggestion = old.get_model("consultation", "Suggestion")
    Department = old.get_model("consultation", "Department")
    Referral = old.get_model("consultation", "Referral")
    Historical = old.get_model("consultation", "HistoricalReferral")
    venue = old.get_model("venues", "Venue").objects.create(name="测试委员之家二", kind="home")
    topic = old.get_model("consultation", "Topic").objects.create(title="停车难二", year=2021)
    session = old.get_model("consultation", "Session").objects.create(
        venue=venue,
        topic=topic,
        form="other",
        started_at=datetime.datetime(2021, 6, 30, 2, tzinfo=datetime.UTC),
        place="会议室",
    )
    suggestion = Suggestion.objects.create(
        session=session, text="建设停车场", raised_on=datetime.date(2021, 6, 30)
    )
    lead = Department.objects.create(name="县住房和城乡建设局")
    co = Department.objects.create(name="县财政局")
    waiting = Referral.objects.create(
        suggestion=suggestion,
        department=lead,
        referred_on=datetime.date(2021, 7, 1),
        due_on=datetime.date(2021, 8, 1),
    )
    waiting.co_departments.add(co)
    replied = Referral.objects.create(
        suggestion=suggestion,
        department=co,
        referred_on=datetime.date(2021, 7, 1),
        due_on=datetime.date(2021, 8, 1),
        reply_text="已纳入规划。",
        replied_on=datetime.date(2021, 7, 20),
        implementation="C",
        satisfaction="satisfied",
        closed_on=datetime.date(2021, 7, 30),
    )
    Historical.objects.create(
        id=replied.pk,
        suggestion_id=suggestion.pk,
        department_id=co.pk,
        referred_on=replied.referred_on,
        due_on=replied.due_on,
        reply_text=replied.reply_text,
        replied_on=replied.replied_on,
        implementation="C",
        created_at=timezone.now(),
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="~",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER_HANDLING)
    new = executor.loader.project_state(AFTER_HANDLING).apps
    Referral = new.get_model("consultation", "Referral")
    rows = {r.pk: r for r in Referral.objects.all()}
    assert rows[waiting.pk].suggestion_id == suggestion.pk == rows[replied.pk].suggestion_id
    assert [d.pk for d in rows[waiting.pk].co_departments.all()] == [co.pk]
    assert not rows[waiting.pk].reply_on_behalf and rows[waiting.pk].round_number == 1
    assert rows[replied.pk].reply_on_behalf and rows[replied.pk].reply_text == "已纳入规划。"
    assert rows[replied.pk].closed_on == datetime.date(2021, 7, 30)
    history = new.get_model("consultation", "HistoricalReferral").objects.get()
    assert history.reply_on_behalf
