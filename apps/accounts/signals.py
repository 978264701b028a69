"""The security events of accounts (安全审计), connected in `AccountsConfig.ready()`:
sign-in, failed sign-in, sign-out (Django's auth signals), lockout and unlock
(django-axes), users created, disabled or enabled, roles changed, and every Django admin
action (its LogEntry). Also keeps `is_staff` (admin sign-in) in step with the three
administrator roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from apps.core import audit

from . import roles, sessions
from .models import User


def on_login(sender, request, user, **kwargs):
    audit.record("login", request=request, user=user, target=user.get_username())
    if request is not None and hasattr(request, "session"):
        sessions.track(user=user, request=request)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", request=request, user=user, target=user.get_username())
    if request is not None and hasattr(request, "session"):
        sessions.forget(request.session.session_key)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        "login_failed", request=request, user=username, target=username, result=audit.FAILURE
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        "lockout",
        request=request,
        user=username or "",
        target=username or "",
        result=audit.FAILURE,
        detail={"ip_address": ip_address},
    )


def on_attempt_deleted(sender, instance, **kwargs):
    """An AccessAttempt removed after it reached the limit: the account is unlocked (by an
    administrator in the admin, `axes_reset`, or a successful sign-in after the cool-off)."""
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        audit.record(
            "unlock",
            target=instance.username or "",
            detail={"ip_address": instance.ip_address},
        )


def on_user_pre_save(sender, instance: User, raw=False, **kwargs):
    instance._was_active = None
    if instance.pk and not raw:
        instance._was_active = (
            User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


def on_user_saved(sender, instance: User, created: bool, raw=False, **kwargs):
    if raw:
        return
    if created:
        audit.record("user_created", target=instance.get_username())
        return
    was = getattr(instance, "_was_active", None)
    if was is not None and was != instance.is_active:
        kind = "user_enabled" if instance.is_active else "user_disabled"
        audit.record(kind, target=instance.get_username())


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        groups = [instance]
        users = list(User.objects.filter(pk__in=pk_set))
    else:
        groups = list(Group.objects.filter(pk__in=pk_set))
        users = [instance]
    names = sorted(g.name for g in groups)
    for user in users:
        user.__dict__.pop("_role_names", None)
        audit.record(
            "groups_changed",
            target=user.get_username(),
            detail={"added" if action == "post_add" else "removed": names},
        )
        if set(names) & set(roles.ADMINISTRATOR_ROLES):
            roles.sync_staff_flag(user)


def on_admin_action(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit.record(
        "admin_action",
        user=instance.user,
        target=f"{model}:{instance.object_id or ''} {instance.object_repr}",
        detail={
            "action": {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, ""),
            "message": instance.get_change_message(),
        },
    )


def connect() -> None:
    from axes.models import AccessAttempt
    from axes.signals import user_locked_out

    user_logged_in.connect(on_login, dispatch_uid="accounts.audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="accounts.audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts.audit_lockout")
    post_delete.connect(
        on_attempt_deleted, sender=AccessAttempt, dispatch_uid="accounts.audit_unlock"
    )
    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid="accounts.audit_user_pre")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="accounts.audit_user")
    m2m_changed.connect(
        on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.audit_groups"
    )
    post_save.connect(on_admin_action, sender=LogEntry, dispatch_uid="accounts.audit_admin")
