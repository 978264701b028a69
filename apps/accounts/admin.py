from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Unit, User
from .roles import ROLE_LABELS


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "authorized_posts", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_editable = ["sort_order"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "is_staff", "last_login"]
    list_filter = ["groups", "unit", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    list_select_related = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email", "unit", "title")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "password1", "password2"),
            },
        ),
    )


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The four roles are groups: their Chinese name and how many users hold each."""

    list_display = ["name", "role", "user_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_users=Count("user"))

    @admin.display(description=_("Role"))
    def role(self, group: Group) -> str:
        return str(ROLE_LABELS.get(group.name, "—"))

    @admin.display(description=_("Users"), ordering="n_users")
    def user_count(self, group: Group) -> int:
        return group.n_users  # type: ignore[attr-defined]  # annotated in get_queryset
