"""Migrations 0003–0005 on data of the session-only schema: topic statuses are mapped, and
every suggestion (and its audit rows) gets the date of its session."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("consultation", "0002_initial")]


def test_statuses_and_dates_are_carried_over():
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
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Topic = new.get_model("consultation", "Topic")
    assert Topic.objects.get(pk=open_topic.pk).status == "consulting"
    assert Topic.objects.get(pk=closed_topic.pk).status == "done"
    june_30 = datetime.date(2021, 6, 30)
    assert new.get_model("consultation", "Suggestion").objects.get().raised_on == june_30
    assert new.get_model("consultation", "HistoricalSuggestion").objects.get().raised_on == june_30
