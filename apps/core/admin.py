from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an event here (the auditor reads them;
    the audit page `core:security_events` filters and exports them)."""

    list_display = ["created_at", "username", "ip_address", "kind", "target", "result"]
    list_filter = ["kind", "result", "created_at"]
    search_fields = ["username", "target", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "user",
        "username",
        "ip_address",
        "kind",
        "target",
        "result",
        "detail",
    ]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
