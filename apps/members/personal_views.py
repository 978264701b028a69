"""Revealing one masked personal value (`apps.members.personal`), logged."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views import View

from apps.core import audit

from .models import Member
from .personal import MASKS, PERMISSION, plain


class RevealPersonalView(PermissionRequiredMixin, View):
    """GET (htmx) → the one value, as a fragment that replaces the masked one; a "reveal"
    event names the member and the field. Only members the user may see (`for_user`)."""

    permission_required = PERMISSION

    def get(self, request, pk: int, field: str):
        if field not in MASKS:
            raise Http404
        member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
        audit.record(
            "reveal",
            request=request,
            target=f"{member._meta.label}:{member.pk} {member.name}",
            detail={"field": field},
        )
        response = render(
            request,
            "members/includes/personal_revealed.html",
            {"member": member, "field": field, "value": plain(member, field)},
        )
        response["Cache-Control"] = "private, no-store"
        return response
