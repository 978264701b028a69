from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Department,
    DepartmentAccount,
    Instruction,
    OpinionAdoption,
    OpinionCategory,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    OpinionPhoto,
    Proposal,
    ProposalCategory,
    ProposalInstruction,
    ProposalSigner,
    Referral,
    ReferralOpinion,
    ReferralRound,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "category", "source", "year", "status"]
    list_filter = ["category", "source", "year", "status"]
    search_fields = ["title", "description", "source_note"]


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    extra = 0
    fields = ["text", "category"]


class SessionPhotoInline(admin.TabularInline):
    """Photos are uploaded through the session form (checked and resized); here they
    can only be removed."""

    model = SessionPhoto
    extra = 0
    readonly_fields = ("photo_link", "width", "height", "uploaded_by", "uploaded_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def photo_link(self, photo):
        return photo_link(photo)


def photo_link(photo: SessionPhoto | OpinionPhoto) -> str:
    """Through the checked view: uploaded files have no public URL."""
    if not photo.pk:
        return "—"
    return format_html(
        '<a href="{}"><img src="{}" alt="" height="60"></a>',
        photo.get_absolute_url(),
        photo.get_thumbnail_url(),
    )


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["started_at", "venue", "topic", "form", "state", "created_by"]
    list_filter = ["state", "form", "venue__kind", "venue"]
    search_fields = ["topic__title", "place", "minutes", "venue__name"]
    list_select_related = ["venue", "topic", "created_by"]
    date_hierarchy = "started_at"
    filter_horizontal = ["members"]
    readonly_fields = ["created_by", "submitted_at", "published_at", "published_by"]
    inlines = [SuggestionInline, SessionPhotoInline]


@admin.register(SessionPhoto)
class SessionPhotoAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "session", "width", "height", "uploaded_by", "uploaded_at"]
    list_filter = ["session__venue", "uploaded_at"]
    search_fields = ["session__topic__title", "session__venue__name"]
    list_select_related = ["session__venue", "session__topic", "uploaded_by"]
    readonly_fields = ("session", "photo", "width", "height", "uploaded_by")
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("photo"))
    def photo(self, obj):
        return photo_link(obj)


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    readonly_fields = (
        "department",
        "referred_on",
        "due_on",
        "replied_on",
        "implementation",
        "closed_on",
    )
    fields = readonly_fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "category", "raised_on", "outcome", "report", "session"]
    list_filter = ["category", "outcome", "raised_on", "session__venue"]
    search_fields = ["text", "session__topic__title", "report__title"]
    list_select_related = ["session__venue", "session__topic", "report"]
    filter_horizontal = ["members"]
    raw_id_fields = ["session", "report"]
    date_hierarchy = "raised_on"
    inlines = [ReferralInline]


@admin.register(ResearchProject)
class ResearchProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "topic", "lead_unit", "status", "planned_start", "planned_end"]
    list_filter = ["status", "lead_unit", "topic__year"]
    search_fields = ["title", "topic__title", "description"]
    list_select_related = ["topic", "lead_unit"]
    raw_id_fields = ["team_leader"]
    filter_horizontal = ["team", "visits"]
    readonly_fields = ["created_by"]


class ReportVersionInline(admin.TabularInline):
    """Versions are written by `services.report_save`; here they are only read."""

    model = ReportVersion
    extra = 0
    readonly_fields = ("number", "title", "attachment_name", "note", "created_by", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Attachments are uploaded through the report form (checked by content)."""

    list_display = ["title", "project", "submitted_on", "version", "attachment_name"]
    list_filter = ["submitted_on", "project__lead_unit"]
    search_fields = ["title", "body", "project__title"]
    list_select_related = ["project"]
    readonly_fields = ["attachment", "attachment_name", "attachment_size", "version", "created_by"]
    inlines = [ReportVersionInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(SimpleHistoryAdmin):
    list_display = ["report", "number", "attachment_name", "created_by", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["report__title", "note", "attachment_name"]
    list_select_related = ["report", "created_by"]
    readonly_fields = [
        "report",
        "number",
        "title",
        "body",
        "attachment",
        "attachment_name",
        "attachment_size",
        "note",
        "created_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Instruction)
class InstructionAdmin(SimpleHistoryAdmin):
    list_display = ["leader_name", "leader_title", "instructed_on", "report", "on_behalf"]
    list_filter = ["instructed_on", "on_behalf", "leader_title"]
    search_fields = ["leader_name", "text", "report__title"]
    list_select_related = ["report"]
    raw_id_fields = ["report"]
    readonly_fields = ["entered_by"]


class DepartmentAccountInline(admin.TabularInline):
    """The users (role `department`) acting for the department; a user for one at most."""

    model = DepartmentAccount
    extra = 0
    raw_id_fields = ["user"]


class ReferralOpinionInline(admin.TabularInline):
    model = ReferralOpinion
    extra = 0
    readonly_fields = ["department", "round_number", "given_on", "recorded_by", "on_behalf"]
    fields = [*readonly_fields, "text"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReferralRoundInline(admin.TabularInline):
    model = ReferralRound
    extra = 0
    fields = ("number", "replied_on", "implementation", "satisfaction", "closed_on", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "contact_person"]
    inlines = [DepartmentAccountInline]


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = [
        "suggestion",
        "department",
        "referred_on",
        "due_on",
        "replied_on",
        "implementation",
        "closed_on",
    ]
    list_filter = ["department", "implementation", "satisfaction", "referred_on"]
    search_fields = ["suggestion__text", "department__name", "reply_text"]
    list_select_related = ["suggestion", "department"]
    raw_id_fields = ["suggestion", "instruction"]
    filter_horizontal = ["co_departments"]
    date_hierarchy = "referred_on"
    readonly_fields = ["referred_by", "reply_recorded_by", "closed_by", "round_number"]
    inlines = [ReferralOpinionInline, ReferralRoundInline]


@admin.register(ProposalCategory)
class ProposalCategoryAdmin(SimpleHistoryAdmin):
    """提案类别: the table staff maintain."""

    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


class ProposalSignerInline(admin.TabularInline):
    model = ProposalSigner
    extra = 0
    autocomplete_fields = ["member"]


class ProposalInstructionInline(admin.TabularInline):
    model = ProposalInstruction
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    """Read and correct; the state changes go through the pages (the services)."""

    list_display = ["__str__", "year", "sitting", "kind", "category", "state", "is_key"]
    list_filter = ["year", "sitting", "kind", "category", "state", "is_key", "is_outstanding"]
    search_fields = ["title", "proposer__name"]
    readonly_fields = ["state", "number", "round", "rating", "rated_on", "closed_on"]
    autocomplete_fields = ["proposer", "merged_into"]
    inlines = [ProposalSignerInline, ProposalInstructionInline]


@admin.register(OpinionCategory)
class OpinionCategoryAdmin(SimpleHistoryAdmin):
    """社情民意类别: the table staff maintain."""

    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class OpinionPhotoInline(admin.TabularInline):
    model = OpinionPhoto
    extra = 0
    readonly_fields = ("photo", "width", "height", "uploaded_by")
    fields = readonly_fields

    @admin.display(description=_("photo"))
    def photo(self, obj: OpinionPhoto) -> str:
        return photo_link(obj)


class OpinionAdoptionInline(admin.TabularInline):
    model = OpinionAdoption
    extra = 0
    fields = ["level", "kind", "on", "body", "text"]


@admin.register(OpinionItem)
class OpinionItemAdmin(SimpleHistoryAdmin):
    """Read and correct; the state changes go through the pages (the services)."""

    list_display = [
        "title",
        "source_name",
        "category",
        "township",
        "state",
        "submitted_on",
        "issue",
    ]
    list_filter = ["state", "category", "township", "submitted_on"]
    search_fields = ["title", "member__name", "venue__name"]
    readonly_fields = [
        "state",
        "submitted_on",
        "reviewed_on",
        "reviewed_by",
        "issue",
        "issue_order",
    ]
    autocomplete_fields = ["member"]
    list_select_related = ["member", "venue", "category", "township", "issue"]
    inlines = [OpinionPhotoInline, OpinionAdoptionInline]


@admin.register(OpinionIssue)
class OpinionIssueAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "year", "number", "compiled_on", "sent_on", "recipients"]
    list_filter = ["year"]
    search_fields = ["recipients", "editor_note"]
    readonly_fields = ["year", "number"]


@admin.register(OpinionInstruction)
class OpinionInstructionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "item", "issue", "instructed_on", "on_behalf"]
    list_filter = ["instructed_on", "on_behalf"]
    search_fields = ["leader_name", "text"]
    list_select_related = ["item", "issue"]


@admin.register(OpinionAdoption)
class OpinionAdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "level", "kind", "on", "body"]
    list_filter = ["level", "kind"]
    search_fields = ["body", "text", "item__title"]
    list_select_related = ["item"]


@admin.register(OpinionPhoto)
class OpinionPhotoAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "item", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["item__title"]
    list_select_related = ["item"]
    readonly_fields = ("item", "photo", "width", "height", "uploaded_by")
    fields = readonly_fields

    @admin.display(description=_("photo"))
    def photo(self, obj: OpinionPhoto) -> str:
        return photo_link(obj)
