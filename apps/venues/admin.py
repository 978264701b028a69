from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Township, Venue


@admin.register(Township)
class TownshipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    list_filter = ["venues__kind"]


@admin.register(Venue)
class VenueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "township", "director", "sort_order", "is_active"]
    list_filter = ["kind", "is_active", "township"]
    search_fields = ["name", "address", "director__name", "township__name"]
    list_select_related = ["township", "director"]
    raw_id_fields = ["director"]
    filter_horizontal = ["conveners", "managers"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["member", "venue", "started_on", "ended_on"]
    list_filter = ["venue", "ended_on"]
    search_fields = ["member__name", "member__name_initials", "venue__name"]
    list_select_related = ["member", "venue"]
    raw_id_fields = ["member"]
    date_hierarchy = "started_on"
