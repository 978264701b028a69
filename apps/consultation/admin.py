from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Session, SessionPhoto, Suggestion, Topic


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "category", "year", "status"]
    list_filter = ["category", "year", "status"]
    search_fields = ["title", "description"]


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    extra = 0
    fields = ["text", "category"]


class SessionPhotoInline(admin.TabularInline):
    """Photos are uploaded through the session form (checked and resized); here they
    can only be removed."""

    model = SessionPhoto
    extra = 0
    fields = ["photo_link", "width", "height", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def photo_link(self, photo):
        return photo_link(photo)


def photo_link(photo: SessionPhoto) -> str:
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
    fields = ["session", "photo", "width", "height", "uploaded_by"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("photo"))
    def photo(self, obj):
        return photo_link(obj)


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "category", "session", "created_at"]
    list_filter = ["category", "session__venue"]
    search_fields = ["text", "session__topic__title"]
    list_select_related = ["session__venue", "session__topic"]
    filter_horizontal = ["members"]
    raw_id_fields = ["session"]
