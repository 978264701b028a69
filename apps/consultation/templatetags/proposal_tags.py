"""Proposal badges and the home sections: a member's proposals and co-sign requests, a
leader's key proposals to follow."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Proposal, ProposalSigner

register = template.Library()

STATUS_BADGES: dict[str, str] = {
    Proposal.State.DRAFT: "text-bg-secondary",
    Proposal.State.SUBMITTED: "text-bg-info",
    Proposal.State.REGISTERED: "text-bg-primary",
    Proposal.State.NOT_REGISTERED: "text-bg-warning",
    Proposal.State.MERGED: "text-bg-light",
    Proposal.State.ASSIGNED: "text-bg-primary",
    Proposal.State.REPLIED: "text-bg-info",
    Proposal.State.RATED: "text-bg-success",
    Proposal.State.CLOSED: "text-bg-success",
}


@register.filter
def proposal_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-light")


@register.inclusion_tag("consultation/proposals/_member_panel.html", takes_context=True)
def my_proposals_panel(context):
    """The member's latest proposals and the co-sign requests waiting. Two queries."""
    user = context["user"]
    proposals = list(
        Proposal.objects.filter(proposer__user=user)
        .with_status()
        .order_by("-created_at", "-pk")[:5]
    )
    requests = list(
        ProposalSigner.objects.waiting_for(user).select_related("proposal__proposer")[:5]
    )
    return {"proposals": proposals, "requests": requests, "request": context["request"]}


@register.inclusion_tag("consultation/proposals/_leader_panel.html", takes_context=True)
def key_proposals_panel(context):
    """A leader's to-do: the key proposals not closed yet, overdue first. One query."""
    proposals = list(
        Proposal.objects.filter(is_key=True)
        .exclude(state=Proposal.State.CLOSED)
        .with_status()
        .select_related("proposer", "unit", "sector")
        .order_by("-is_overdue", "year", "number")[:10]
    )
    return {"proposals": proposals, "request": context["request"]}


@register.simple_tag
def proposal_rows(proposals) -> list[dict[str, Any]]:
    """The rows of `consultation/_proposal_items.html` (the register, a member's own),
    prepared once per page as plain dicts: status label and badge, the people line
    (proposer, confirmed co-signers, departments). Reads what `with_related()` joined and
    prefetched: no query."""
    statuses = {value: str(label) for value, label in Proposal.State.choices}
    kinds = {value: str(label) for value, label in Proposal.Kind.choices}
    sittings: dict[tuple[int, int], str] = {}
    confirmed = ProposalSigner.State.CONFIRMED
    rows = []
    for p in proposals:
        status = p.status
        sitting = sittings.get((p.term, p.sitting))
        if sitting is None:
            sitting = sittings[p.term, p.sitting] = p.sitting_label
        people = p.proposer_name + "".join(
            f"、{s.member.name}" for s in p.signers.all() if s.state == confirmed
        )
        departments = "、".join(r.department.name for r in p.referrals.all())
        rows.append(
            {
                "pk": p.pk,
                "url": p.get_absolute_url(),
                "title": f"{p.numbered} {p.title}" if p.number else p.title,
                "status_css": STATUS_BADGES.get(status, "text-bg-light"),
                "status": statuses[status],
                "is_key": p.is_key,
                "is_outstanding": p.is_outstanding,
                "is_overdue": getattr(p, "is_overdue", False),
                "line": " · ".join(
                    [sitting, p.category.name if p.category else "", kinds[p.kind], people]
                )
                + (f" · {departments}" if departments else ""),
            }
        )
    return rows
