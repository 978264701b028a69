from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from apps.core.mixins import latest_year
from apps.venues.models import Venue

from ..handling import department_of
from ..managers import own_suggestion_ids
from ..models import Referral, ResearchProject, Session, Suggestion
from ..sections import venue_activity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

STATE_BADGES: dict[str, str] = {
    Session.State.DRAFT: "text-bg-secondary",
    Session.State.SUBMITTED: "text-bg-info",
    Session.State.PUBLISHED: "text-bg-success",
    Session.State.RETURNED: "text-bg-warning",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light")


@register.inclusion_tag("consultation/_office_head_panel.html", takes_context=True)
def office_head_panel(context):
    """The office head's home: their venues with the count of the year every page shows
    by default (`latest_year()`, the overview's "最新"), and their sessions that still
    need work first (returned, drafts), then the latest. Six queries."""
    user = context["user"]
    year = latest_year()
    venues = list(Venue.objects.managed_by(user).with_related().with_stationed())
    venue_activity(venues, year=year)
    needs_work = Case(
        When(state=Session.State.RETURNED, then=Value(0)),
        When(state=Session.State.DRAFT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    sessions = list(
        Session.objects.filter(venue__in=[v.pk for v in venues])
        .with_related()
        .annotate(needs_work=needs_work)
        .order_by("needs_work", "-started_at")[:10]
    )
    return {"venues": venues, "sessions": sessions, "year": year, "request": context["request"]}


@register.inclusion_tag("consultation/_department_panel.html", takes_context=True)
def department_panel(context):
    """A handling department user's home: how many referrals are open, overdue and due
    soon, and the open ones, overdue and nearest due first. Three queries."""
    user = context["user"]
    department = department_of(user)
    result = {"department": department, "request": context["request"]}
    if department is None:
        return result
    today = timezone.localdate()
    mine = Referral.objects.for_department(department)
    counts = mine.aggregate(
        open_count=Count("pk", filter=Q(closed_on__isnull=True)),
        overdue_count=Count("pk", filter=Q(pk__in=mine.overdue(today).values("pk"))),
        due_soon_count=Count("pk", filter=Q(pk__in=mine.due_soon(today=today).values("pk"))),
    )
    referrals = list(
        mine.open()
        .with_related()
        .annotate(answered=Case(When(replied_on__isnull=True, then=Value(0)), default=Value(1)))
        .order_by("answered", "due_on", "pk")[:10]
    )
    return {**result, **counts, "referrals": referrals}


PROGRESS_BADGES: dict[str, str] = {
    Suggestion.Progress.RAISED: "text-bg-secondary",
    Suggestion.Progress.REFERRED: "text-bg-info",
    Suggestion.Progress.IN_PROGRESS: "text-bg-primary",
    Suggestion.Progress.CLOSED: "text-bg-success",
}
OUTCOME_BADGES: dict[str, str] = {
    Suggestion.Outcome.ADOPTED: "text-bg-success",
    Suggestion.Outcome.PARTLY: "text-bg-info",
    Suggestion.Outcome.REFERENCE: "text-bg-light border",
}
REFERRAL_BADGES: dict[str, str] = {
    Referral.State.REFERRED: "text-bg-info",
    Referral.State.REPLIED: "text-bg-primary",
    Referral.State.CLOSED: "text-bg-success",
}
PROGRESS_LABELS: dict[str, StrOrPromise] = dict(Suggestion.Progress.choices)


@register.filter
def progress_badge(progress: str) -> str:
    return PROGRESS_BADGES.get(progress, "text-bg-light")


@register.filter
def progress_label(progress: str) -> StrOrPromise:
    return PROGRESS_LABELS.get(progress, progress)


@register.filter
def outcome_badge(outcome: str) -> str:
    return OUTCOME_BADGES.get(outcome, "text-bg-light border")


@register.filter
def referral_badge(state: str) -> str:
    return REFERRAL_BADGES.get(state, "text-bg-light")


@register.filter
def percent(part, whole) -> str:
    """`part` of `whole` as a whole percentage ("—" for nothing)."""
    try:
        return f"{round(100 * part / whole)}%" if whole else "—"
    except (TypeError, ValueError):
        return "—"


@register.filter
def days(duration) -> str:
    """A timedelta (an average) in days with one decimal ("—" for None)."""
    if duration is None:
        return "—"
    return f"{duration.total_seconds() / 86400:.1f}"


MEMBER_ROWS = 30


@register.inclusion_tag("consultation/_member_section.html", takes_context=True)
def member_consultation(context, member):
    """The member page's section: the sessions they took part in, the research teams they
    served on and the suggestions they proposed (with progress), as far as the viewer may
    read them (a member themself: their published sessions, not the drafts they are listed
    on). Three queries."""
    user = context["request"].user
    sessions = list(
        Session.objects.for_user(user)
        .filter(members=member)
        .select_related("venue", "topic")
        .order_by("-started_at")[: MEMBER_ROWS + 1]
    )
    projects = list(
        ResearchProject.objects.for_user(user)
        .filter(team=member)
        .select_related("topic", "lead_unit")
        .order_by("-planned_start")[: MEMBER_ROWS + 1]
    )
    suggestions = list(
        Suggestion.objects.for_user(user)
        .filter(members=member)
        .with_progress()
        .select_related("report", "session__venue", "session__topic")
        .order_by("-raised_on", "-pk")[: MEMBER_ROWS + 1]
    )
    return {
        "member": member,
        "sessions": sessions[:MEMBER_ROWS],
        "more_sessions": len(sessions) > MEMBER_ROWS,
        "projects": projects[:MEMBER_ROWS],
        "suggestions": suggestions[:MEMBER_ROWS],
        "more_suggestions": len(suggestions) > MEMBER_ROWS,
        "limit": MEMBER_ROWS,
        "request": context["request"],
    }


@register.inclusion_tag("consultation/_my_suggestions_panel.html", takes_context=True)
def my_suggestions_panel(context):
    """The member's home: the latest suggestions they proposed and their progress. Two
    queries."""
    user = context["request"].user
    mine = Suggestion.objects.filter(pk__in=own_suggestion_ids(user))
    return {
        "suggestions": list(
            mine.with_progress()
            .select_related("report", "session__venue", "session__topic")
            .order_by("-raised_on", "-pk")[:5]
        ),
        "total": mine.count(),
        "request": context["request"],
    }


@register.simple_tag
def ledger_rows(suggestions) -> list[dict[str, Any]]:
    """The rows of `consultation/_suggestion_items.html` (the ledger, a report's and a
    member's suggestions): labels, badges and names prepared once per page as plain dicts
    (the template engine's first lookup), so a row outputs values (it used to resolve some
    twenty lookups, filters and translations of its own). Reads the prefetched proposers
    and referrals: no query."""
    today = timezone.localdate()
    categories = {value: str(label) for value, label in Suggestion.Category.choices}
    outcomes = {value: str(label) for value, label in Suggestion.Outcome.choices}
    progresses = {value: str(label) for value, label in PROGRESS_LABELS.items()}
    states = {value: str(label) for value, label in Referral.State.choices}
    report, unregistered = gettext("Report"), gettext("Proposal not registered")
    overdue_since = gettext("Overdue since %(due)s")
    rows = []
    for s in suggestions:
        if s.report_id:
            source = f"{report}《{Truncator(s.report.title).chars(30)}》"
        elif s.proposal_id:
            source = unregistered
        else:
            source = f"{s.session.venue.name} · {s.session.topic.title}"
        badges = []
        for r in s.referrals.all():
            co = "、".join(d.name for d in r.co_departments.all())
            state = r.state
            badges.append(
                {
                    "css": REFERRAL_BADGES.get(state, "text-bg-light"),
                    "text": f"{r.department.name}{'+' + co if co else ''} · {states[state]}",
                    "overdue": (
                        overdue_since % {"due": r.due_on.isoformat()} if r.is_overdue(today) else ""
                    ),
                }
            )
        progress = s.progress
        rows.append(
            {
                "pk": s.pk,
                "url": s.get_absolute_url(),
                "text": Truncator(s.text).chars(140),
                "progress_css": PROGRESS_BADGES.get(progress, "text-bg-light"),
                "progress": progresses.get(progress, progress),
                "raised": s.raised_on.isoformat(),
                "source": source,
                "category": categories.get(s.category, s.category),
                "people": "、".join(m.name for m in s.members.all()),
                "outcome_css": OUTCOME_BADGES.get(s.outcome, "text-bg-light border"),
                "outcome": outcomes.get(s.outcome, s.outcome),
                "referrals": badges,
            }
        )
    return rows


@register.simple_tag
def session_rows(sessions) -> list[dict[str, Any]]:
    """The rows of `consultation/_session_items.html` (the sessions list, a venue's and a
    topic's sessions, the office head's home), prepared once per page as plain dicts:
    state labels and badges, the local start time, the counts' sentence. Reads the
    joined venue and topic and `with_related()`'s counts: no query."""
    states = {value: str(label) for value, label in Session.State.choices}
    forms = {value: str(label) for value, label in Session.Form.choices}
    not_submitted = gettext("not submitted")
    counts = gettext("%(members)s members · %(suggestions)s suggestions · %(photos)s photos")
    rows = []
    for s in sessions:
        state = states.get(s.state, s.state)
        if s.state == Session.State.DRAFT:
            state = f"{state} · {not_submitted}"
        rows.append(
            {
                "pk": s.pk,
                "url": s.get_absolute_url(),
                "topic": s.topic.title,
                "state_css": STATE_BADGES.get(s.state, "text-bg-light"),
                "state": state,
                "started": timezone.localtime(s.started_at).strftime("%Y-%m-%d %H:%M"),
                "form": forms.get(s.form, s.form),
                "venue": s.venue.name,
                "counts": counts
                % {
                    "members": s.member_count,
                    "suggestions": s.suggestion_count,
                    "photos": s.photo_count,
                },
            }
        )
    return rows
