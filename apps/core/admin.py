"""Core models in admin, all read-only: notifications (what was sent, which deliveries
failed) and the security audit trail (append-only)."""

from django.contrib import admin

from .models import Delivery, Notification, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind", "read_at"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "notification", "channel", "address", "status", "attempts"]
    list_filter = ["channel", "status"]
    search_fields = ["address", "notification__title", "error"]
    list_select_related = ["notification"]


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
