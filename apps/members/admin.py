from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ContactRecord, Member, Pairing, Sector, SectorLink


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    list_editable = ["sort_order"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "member_no",
        "term",
        "sector",
        "affiliation",
        "is_standing",
        "is_party_group",
        "phone",
        "status",
    ]
    list_filter = ["term", "status", "affiliation", "is_standing", "is_party_group", "sector"]
    search_fields = ["name", "name_pinyin", "name_initials", "member_no", "phone", "work_unit"]
    list_select_related = ["sector"]
    autocomplete_fields = ["user"]
    # The rules (pinyin typed here is kept, no side change while paired, no person twice
    # in a term) are `Member.clean()`'s, which the admin form runs like every other form.
    # The status changes through the services (archiving ends the member's pairings).
    readonly_fields = ["name_initials", "status"]
    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected members (ends their pairings)"))
    def archive(self, request, queryset):
        done = 0
        for member in queryset.filter(status=Member.Status.ACTIVE):
            try:
                services.member_archive(member=member)
            except ValidationError as error:
                self.message_user(request, f"{member}: {error.messages[0]}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, gettext("%(count)s members archived.") % {"count": done})

    @admin.action(description=_("Restore the selected members"))
    def restore(self, request, queryset):
        done = 0
        for member in queryset.filter(status=Member.Status.ARCHIVED):
            services.member_restore(member=member)
            done += 1
        self.message_user(request, gettext("%(count)s members restored.") % {"count": done})


@admin.register(SectorLink)
class SectorLinkAdmin(SimpleHistoryAdmin):
    list_display = ["party_member", "sector", "term"]
    list_filter = ["term", "sector"]
    search_fields = ["party_member__name", "sector__name"]
    list_select_related = ["party_member", "sector"]
    autocomplete_fields = ["party_member"]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["cpc_member", "partner", "term", "started_on", "ended_on"]
    list_filter = ["term", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["cpc_member__name", "partner__name", "cpc_member__name_initials"]
    list_select_related = ["cpc_member", "partner"]
    autocomplete_fields = ["cpc_member", "partner"]
    date_hierarchy = "started_on"


@admin.register(ContactRecord)
class ContactRecordAdmin(SimpleHistoryAdmin):
    list_display = ["pairing", "date", "way", "created_by"]
    list_filter = ["way", "date"]
    search_fields = ["pairing__cpc_member__name", "pairing__partner__name", "content"]
    list_select_related = ["pairing__cpc_member", "pairing__partner", "created_by"]
    autocomplete_fields = ["pairing"]
    date_hierarchy = "date"
