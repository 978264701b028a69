"""The contact records of the pairs (双联), as one list: what the annual report counts as
"contact records of the pairs" of a year (`?year=`)."""

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django_filters.views import FilterView

from apps.core.mixins import PageMixin

from .forms import ContactRecordFilter
from .models import ContactRecord


class ContactRecordListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Every pair's contact records, newest first, with both members and who recorded
    them: staff and leaders (a member reads their own on "My pairings"). One query per
    page and the count."""

    permission_required = "members.view_contactrecord"
    filterset_class = ContactRecordFilter
    template_name = "members/contact_list.html"
    context_object_name = "contacts"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            ContactRecord.objects.for_user(self.request.user)
            .select_related("pairing__cpc_member", "pairing__partner", "created_by")
            .order_by("-date", "-pk")
        )
