"""Seed the 16 townships with their liaison offices, the 5 member homes and the
stationed members. Get-or-create only: a second run adds nothing.

Directors come from the members seed: each township's full-time party deputy secretary
is a CPC member with `work_unit == "<township>党委"` and `title == "党委专职副书记"`. When
no such member exists (yet), the office has no director."""

from __future__ import annotations

import datetime

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from apps.core.seeding import SeedContext, ensure_rows, read_fixture
from apps.members.models import Member

from .models import Assignment, Township, Venue

DIRECTOR_TITLE = "党委专职副书记"
STATIONED_FROM = datetime.date(2021, 1, 1)
# name, address (a home's director: a standing member, when the members are seeded)
HOMES = [
    ("县政协机关委员之家", "襄城县紫云大道县政协机关一楼"),
    ("经济界委员之家", "襄城县产业集聚区服务中心二楼"),
    ("教科文卫界委员之家", "襄城县文化路县图书馆三楼"),
    ("农业界委员之家", "襄城县颍河路县农业农村局院内"),
    ("民主党派和工商联委员之家", "襄城县八七路县工商联二楼"),
]
# Demo office heads manage the offices of two different townships.
DEMO_MANAGERS = {"office1": "城关镇", "office2": "颍桥回族镇"}


def office_name(township: str) -> str:
    return f"{township}政协委员联络室"


def township_director(township: str) -> Member | None:
    return (
        Member.objects.filter(
            term=settings.CURRENT_TERM,
            affiliation=Member.Affiliation.CPC,
            work_unit=f"{township}党委",
            title=DIRECTOR_TITLE,
        )
        .order_by("pk")
        .first()
    )


def seed(ctx: SeedContext) -> None:
    townships = ensure_rows(ctx, Township, read_fixture("townships.json"), "name")
    for township in townships.values():
        director = township_director(township.name)
        venue, created = Venue.objects.get_or_create(
            kind=Venue.Kind.LIAISON_OFFICE,
            township=township,
            defaults={
                "name": office_name(township.name),
                "address": f"{township.name}人民政府院内",
                "director": director,
                "sort_order": township.sort_order,
            },
        )
        ctx.count("liaison offices", created)
        if director is None:
            continue
        if not created and venue.director_id is None:
            # Seeded before the members: link the director now, once.
            venue.director = director
            venue.save(update_fields=["director"])
            created = True
        if created:
            # The director is also the office's work convener (召集人).
            venue.conveners.add(director)
            ctx.count("office directors", True)
    standing = list(
        Member.objects.filter(
            term=settings.CURRENT_TERM, status=Member.Status.ACTIVE, is_standing=True
        ).order_by("member_no")[: len(HOMES)]
    )
    for index, (name, address) in enumerate(HOMES):
        _home, created = Venue.objects.get_or_create(
            name=name,
            defaults={
                "kind": Venue.Kind.MEMBER_HOME,
                "address": address,
                "director": standing[index] if index < len(standing) else None,
                "sort_order": (index + 1) * 10,
            },
        )
        ctx.count("member homes", created)
    station_members(ctx)


def station_members(ctx: SeedContext) -> None:
    """Spread the active members of the current term who were never stationed over the
    liaison offices, the least staffed first; a director is stationed at their office."""
    offices = list(Venue.objects.offices().active().order_by("sort_order", "name"))
    if not offices:
        return
    ever_stationed = set(Assignment.objects.values_list("member_id", flat=True))
    load = {office.pk: 0 for office in offices}
    for venue_id in Assignment.objects.open().values_list("venue_id", flat=True):
        if venue_id in load:
            load[venue_id] += 1
    director_office = {o.director_id: o.pk for o in offices if o.director_id}
    new = []
    members = (
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .exclude(pk__in=ever_stationed)
        .order_by("member_no", "pk")
    )
    # Directors first, so that the others fill around them.
    for member in sorted(members, key=lambda m: m.pk not in director_office):
        office_id = director_office.get(member.pk) or min(load, key=lambda pk: load[pk])
        load[office_id] += 1
        new.append(Assignment(venue_id=office_id, member=member, started_on=STATIONED_FROM))
    if new:
        bulk_create_with_history(new, Assignment)
    ctx.count("stationed members", len(new))


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """office1 and office2 manage the liaison offices of two different townships."""
    for username, township in DEMO_MANAGERS.items():
        user = users.get(username)
        venue = Venue.objects.offices().filter(township__name=township).first()
        if user is None or venue is None:
            continue
        if not venue.managers.filter(pk=user.pk).exists():
            venue.managers.add(user)
            ctx.count("venue managers", True)
