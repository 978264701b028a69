from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Figure

from .models import Unit


def figures(user) -> list[Figure]:
    """Staffing figures: two queries."""
    if not user.has_perm("accounts.view_unit"):
        return []
    units = list(Unit.objects.active().with_staffing())
    understaffed = sum(1 for u in units if u.is_understaffed(u.staff_in_post))
    url = reverse("accounts:unit_list")
    return [
        Figure(_("Authorized posts"), sum(u.authorized_posts for u in units), url),
        Figure(_("Staff in post"), sum(u.staff_in_post for u in units), url),
        Figure(
            _("Committees with one person or none"),
            understaffed,
            url,
            hint=_("一人委"),
            warn=understaffed > 0,
        ),
    ]
