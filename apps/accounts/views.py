from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from .models import Unit


class UnitListView(PermissionRequiredMixin, ListView):
    """Units with authorized posts against staff in post; flags the "一人委".
    One query for the whole list."""

    permission_required = "accounts.view_unit"
    template_name = "accounts/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.active().with_staffing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = context["units"]
        for unit in units:
            unit.understaffed = unit.is_understaffed(unit.staff_in_post)
            unit.vacancies = max(unit.authorized_posts - unit.staff_in_post, 0)
        context["total_posts"] = sum(u.authorized_posts for u in units)
        context["total_in_post"] = sum(u.staff_in_post for u in units)
        return context
