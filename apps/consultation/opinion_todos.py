"""What waits on each role in the 社情民意 work (`apps.core.todos`), read from the records
each time:

- staff: items submitted and awaiting review; adopted items not yet in an issue;
- a reporter (member or office head): their items returned for revision.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_member, is_office_head, is_staff_user
from apps.core.todos import Todo, listed

from .models import OpinionItem
from .opinion_managers import own_opinion_q

if TYPE_CHECKING:
    from apps.accounts.models import User

State = OpinionItem.State


def for_staff(user: User, today: datetime.date) -> list[Todo]:
    """Awaiting review; adopted and not compiled. One query (two counts)."""
    if not is_staff_user(user) or not user.has_perm("consultation.review_opinionitem"):
        return []
    counts = OpinionItem.objects.aggregate(
        submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
        compilable=Count("pk", filter=Q(state=State.ADOPTED, issue__isnull=True)),
    )
    items = []
    if counts["submitted"]:
        items.append(
            Todo(
                _("Public opinion items awaiting review"),
                reverse("consultation:opinion_list") + f"?state={State.SUBMITTED}",
                count=counts["submitted"],
                kind="opinion_to_review",
            )
        )
    if counts["compilable"] and user.has_perm("consultation.compile_opinionissue"):
        items.append(
            Todo(
                _("Adopted items to compile into an issue"),
                reverse("consultation:opinion_issue_create"),
                count=counts["compilable"],
                kind="opinion_to_compile",
            )
        )
    return items


def for_reporter(user: User, today: datetime.date) -> list[Todo]:
    """Their items returned for revision, each one tap from its form. One query."""
    if not (is_member(user) or is_office_head(user)):
        return []
    # A member's own items, or (an office head) their offices' too.
    mine = own_opinion_q(user) if is_office_head(user) else Q(member__user=user)
    returned = list(
        OpinionItem.objects.filter(mine, state=State.RETURNED).order_by("reviewed_on", "pk")
    )
    items = [
        Todo(
            _("Returned for revision: %(title)s") % {"title": item.title},
            reverse("consultation:opinion_update", args=[item.pk]),
            urgent=True,
            hint=item.reason,
            kind="opinion_returned",
        )
        for item in returned
    ]
    return listed(
        items,
        more_label=_("More on my public opinion items"),
        more_url=reverse("consultation:my_opinions"),
    )
