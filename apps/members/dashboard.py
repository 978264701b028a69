"""Home-page figures of the roster and the pairing (双联): four queries."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.mixins import as_of
from apps.core.registry import Figure

from .models import ContactRecord, Member
from .services import coverage_counts


def figures(user, *, year: int | None = None, today: datetime.date | None = None) -> list[Figure]:
    """The roster, and the pairings as they stood at the end of `year` (today for the
    current year): a past year's coverage counts the pairings in force on its last day
    and its "without contact" the contacts up to then; the year's contact records."""
    if not user.has_perm("members.view_member"):
        return []
    CPC = Member.Affiliation.CPC
    counts = (
        Member.objects.current_term()
        .active()
        .aggregate(
            total=Count("pk"),
            cpc=Count("pk", filter=Q(affiliation=CPC)),
            standing=Count("pk", filter=Q(is_standing=True)),
        )
    )
    roster = reverse("members:list")
    result = [
        Figure(
            _("Members"),
            counts["total"],
            roster,
            hint=_("CPC %(cpc)s / non-CPC %(non_cpc)s")
            % {"cpc": counts["cpc"], "non_cpc": counts["total"] - counts["cpc"]},
        ),
        Figure(_("Standing committee members"), counts["standing"], f"{roster}?is_standing=true"),
    ]
    if user.has_perm("members.view_pairing"):
        coverage = coverage_counts(today=as_of(year, today) if year else today)
        url = reverse("members:coverage")
        result += [
            Figure(
                _("Non-CPC members paired"),
                f"{coverage['covered']}/{coverage['non_cpc']}",
                f"{url}?year={year}" if year else url,
                hint=_("by %(n)s CPC members") % {"n": coverage["cpc_pairing"]},
                warn=coverage["covered"] < coverage["non_cpc"],
            ),
            Figure(
                _("Pairs without contact"),
                coverage["stale"],
                f"{url}?year={year}#stale" if year else f"{url}#stale",
                hint=_("no contact record in %(days)s days") % {"days": coverage["days"]},
                warn=coverage["stale"] > 0,
            ),
        ]
    if user.has_perm("members.view_contactrecord"):
        contact_year = year or (today or timezone.localdate()).year
        result.append(
            Figure(
                _("Contact records of the pairs"),
                ContactRecord.objects.for_user(user).filter(date__year=contact_year).count(),
                f"{reverse('members:contact_list')}?year={contact_year}",
                hint=str(contact_year),
            )
        )
    return result
