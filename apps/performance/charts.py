"""The performance work of a year in pictures (`registry.add_charts`): members per grade
(《委员履职综合评价办法》) and the attendance rate of each meeting."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.registry import Chart

from .models import Evaluation, GradeThreshold, Meeting


def record_year(today: datetime.date) -> int | None:
    """The latest year up to `today` with a meeting: one query."""
    return Meeting.objects.filter(date__lte=today).aggregate(year=Max("date__year"))["year"]


def grade_chart(year: int) -> Chart:
    """Members per grade of `year` (highest grade first): two queries."""
    grades = list(GradeThreshold.objects.filter(year=year).order_by("-min_total"))
    counts = dict(
        Evaluation.objects.of_year(year)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    url = reverse("performance:evaluation_list", args=[year])
    return Chart(
        "grades",
        _("Members per grade, %(year)s") % {"year": year},
        (_("Grade"), _("Members")),
        tuple((g.label, counts.get(g.pk, 0)) for g in grades),
        urls=tuple(f"{url}?grade={g.pk}" for g in grades),
    )


def attendance_chart(year: int) -> Chart:
    """The share present (or late) of those recorded at each meeting of `year`: one query."""
    meetings = list(Meeting.objects.of_year(year).with_counts().order_by("date", "pk"))
    return Chart(
        "attendance",
        _("Attendance rate by meeting, %(year)s") % {"year": year},
        (_("Meeting"), _("Attendance rate (%)")),
        tuple(
            (
                f"{m.date:%m-%d} {m.title}",
                round(100 * (m.n_present + m.n_late) / m.n_recorded) if m.n_recorded else 0,
            )
            for m in meetings
        ),
        percent=True,
        urls=tuple(m.get_absolute_url() for m in meetings),
    )


def charts(user, *, year: int, today: datetime.date) -> list[Chart]:
    result: list[Chart] = []
    if user.has_perm("performance.view_evaluation"):
        result.append(grade_chart(year))
    if user.has_perm("performance.view_meeting"):
        result.append(attendance_chart(year))
    return result
