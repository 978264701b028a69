from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attendance,
    AttendanceBatch,
    DutyReport,
    Evaluation,
    GradeThreshold,
    LeaveRequest,
    Meeting,
    OfficeRule,
    OfficeScore,
    OfficeScoreLine,
    PointEntry,
    PointRule,
    SessionCheckIn,
    StudySession,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "number", "title", "term"]
    list_filter = ["kind", "term", "date"]
    search_fields = ["title", "number", "agenda"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "member", "role", "status", "leave_approved", "method"]
    list_filter = ["role", "status", "leave_approved", "method", "meeting__kind"]
    search_fields = ["member__name", "member__name_initials", "meeting__title"]
    list_select_related = ["meeting", "member"]
    raw_id_fields = ["member"]
    autocomplete_fields = ["meeting"]


@admin.register(AttendanceBatch)
class AttendanceBatchAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "term", "planned_at"]
    list_filter = ["term"]
    search_fields = ["meeting__title", "members__name"]
    list_select_related = ["meeting"]
    filter_horizontal = ["members"]


@admin.register(DutyReport)
class DutyReportAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "status", "submitted_on", "rating"]
    list_filter = ["year", "status", "rating"]
    search_fields = ["member__name", "text"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]


@admin.register(StudySession)
class StudySessionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "speaker", "subject"]
    list_filter = ["kind", "date"]
    search_fields = ["subject", "speaker__full_name", "speaker__username"]
    list_select_related = ["speaker"]
    filter_horizontal = ["staff_attendees", "attendees"]
    date_hierarchy = "date"


@admin.register(PointRule)
class PointRuleAdmin(SimpleHistoryAdmin):
    list_display = ["year", "code", "name", "category", "points", "cap", "is_active"]
    list_filter = ["year", "category", "is_active"]
    search_fields = ["code", "name"]
    list_editable = ["points", "cap", "is_active"]


@admin.register(GradeThreshold)
class GradeThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["year", "label", "min_total"]
    list_filter = ["year"]
    search_fields = ["label"]


@admin.register(PointEntry)
class PointEntryAdmin(SimpleHistoryAdmin):
    """Read-only: derived lines come from `ledger_derive`, adjustments from the ledger page."""

    list_display = ["year", "member", "date", "category", "rule", "points", "capped", "source_type"]
    list_filter = ["year", "category", "capped", "source_type"]
    search_fields = ["member__name", "description", "reason"]
    list_select_related = ["member", "rule", "source_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    """Read-only: recomputed by `ledger_derive`."""

    list_display = ["year", "rank", "member", "total", "grade"]
    list_filter = ["year", "grade__label"]
    search_fields = ["member__name"]
    list_select_related = ["member", "grade"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "member", "state", "requested_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    search_fields = ["member__name", "meeting__title", "reason"]
    list_select_related = ["meeting", "member", "decided_by"]
    raw_id_fields = ["member", "decided_by"]
    autocomplete_fields = ["meeting"]


@admin.register(SessionCheckIn)
class SessionCheckInAdmin(SimpleHistoryAdmin):
    list_display = ["session", "member", "signed_in_at", "walk_in"]
    list_filter = ["walk_in"]
    search_fields = ["member__name"]
    list_select_related = ["session__venue", "session__topic", "member"]
    raw_id_fields = ["session", "member"]


@admin.register(OfficeRule)
class OfficeRuleAdmin(SimpleHistoryAdmin):
    """The year's rules of the office evaluation (a change re-derives the year)."""

    list_display = ["year", "code", "label", "points", "cap", "sort_order", "is_active"]
    list_filter = ["year", "is_active"]
    search_fields = ["code", "label", "description"]
    list_editable = ["points", "cap", "is_active"]


@admin.register(OfficeScoreLine)
class OfficeScoreLineAdmin(SimpleHistoryAdmin):
    """Read-only: derived lines come from `office_scores_derive`, adjustments from the
    venue's score page."""

    list_display = ["year", "venue", "date", "rule", "quantity", "points", "capped", "source_type"]
    list_filter = ["year", "venue__kind", "capped", "source_type"]
    search_fields = ["venue__name", "description", "reason"]
    list_select_related = ["venue", "rule", "source_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficeScore)
class OfficeScoreAdmin(SimpleHistoryAdmin):
    """Read-only: recomputed by `office_scores_derive`."""

    list_display = ["year", "venue", "rank", "total"]
    list_filter = ["year", "venue__kind"]
    search_fields = ["venue__name"]
    list_select_related = ["venue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
