from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Unit, User
from .roles import ROLE_LABELS, SECADMIN, SYSADMIN, has_role


class SetByAdminMixin:
    """A password an administrator typed is not its user's: they change it at the next
    sign-in (`User.must_change_password`, enforced by `middleware.PasswordPolicyMiddleware`)."""

    user: User

    def save(self, commit=True):
        self.user.password_set_by_admin = True
        return super().save(commit=commit)


class AdminSetPasswordForm(SetByAdminMixin, AdminPasswordChangeForm):
    pass


class AdminCreateUserForm(AdminUserCreationForm):
    def save(self, commit=True):
        self.instance.password_set_by_admin = True
        return super().save(commit=commit)


# What each administrator may not change on a user (三员分立): the system administrator
# keeps the person and the account, the security administrator the roles and the active
# flag; only a superuser makes superusers.
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
SECADMIN_EDITS = ("is_active", "groups", "user_permissions")


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
    add_form = AdminCreateUserForm
    change_password_form = AdminSetPasswordForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        user = request.user
        if user.is_superuser or obj is None:
            return readonly
        readonly += ["last_login", "date_joined", "is_superuser", "is_staff"]
        if has_role(user, SECADMIN) and not has_role(user, SYSADMIN):
            every = [f for _name, opts in self.fieldsets for f in opts["fields"]]
            readonly += [f for f in every if f not in SECADMIN_EDITS]
        elif not has_role(user, SECADMIN):
            readonly += ["groups", "user_permissions"]
        return list(dict.fromkeys(readonly))


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
