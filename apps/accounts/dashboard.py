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
    centres = [u for u in units if u.kind == Unit.Kind.INSTITUTION]
    return [
        Figure(
            _("Authorized posts"),
            sum(u.authorized_posts for u in units),
            url,
            hint=_("of which the service centre %(n)s") % {"n": service_centre_posts(centres)},
        ),
        Figure(
            _("Posts of the members' liaison service centre"),
            service_centre_posts(centres),
            centres[0].get_absolute_url() if len(centres) == 1 else url,
            hint=_("%(n)s in post") % {"n": sum(u.staff_in_post for u in centres)},
        ),
        Figure(_("Staff in post"), sum(u.staff_in_post for u in units), url),
        Figure(
            _("Committees with one person or none"),
            understaffed,
            url,
            hint=_("一人委"),
            warn=understaffed > 0,
        ),
    ]


def service_centre_posts(centres) -> int:
    """The posts of the service centre (the public institution, 事业单位: 10)."""
    return sum(u.authorized_posts for u in centres)
