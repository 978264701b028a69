"""Data: topic statuses open/closed become consulting/done; every suggestion gets the date
of its session (`raised_on`), in its audit rows too. A suggestion with neither a session nor a report would
break the one-source rule of the next migration: it is refused here with a clear message."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Topic = apps.get_model("consultation", "Topic")
    Suggestion = apps.get_model("consultation", "Suggestion")
    Topic.objects.filter(status="open").update(status="consulting")
    Topic.objects.filter(status="closed").update(status="done")
    orphans = Suggestion.objects.filter(session__isnull=True, report__isnull=True)
    if orphans.exists():
        raise RuntimeError(
            "Suggestions without a session: give them a session or delete them "
            f"before migrating (ids {list(orphans.values_list('pk', flat=True)[:20])})."
        )
    pending = Suggestion.objects.filter(raised_on__isnull=True).select_related("session")
    for suggestion in pending.iterator(chunk_size=500):
        suggestion.raised_on = timezone.localtime(suggestion.session.started_at).date()
        suggestion.save(update_fields=["raised_on"])
    # The audit rows too (the column becomes required there as well).
    Session = apps.get_model("consultation", "Session")
    Historical = apps.get_model("consultation", "HistoricalSuggestion")
    started = dict(Session.objects.values_list("pk", "started_at"))
    for row in Historical.objects.filter(raised_on__isnull=True).iterator(chunk_size=500):
        when = started.get(row.session_id) or row.history_date
        row.raised_on = timezone.localtime(when).date()
        row.save(update_fields=["raised_on"])


def backwards(apps, schema_editor):
    Topic = apps.get_model("consultation", "Topic")
    Topic.objects.filter(status__in=["collecting", "confirmed", "consulting"]).update(
        status="open"
    )
    Topic.objects.filter(status="done").update(status="closed")


class Migration(migrations.Migration):
    dependencies = [("consultation", "0003_research_and_referrals")]

    operations = [migrations.RunPython(forwards, backwards)]
