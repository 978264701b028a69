"""Password policy (等保 身份鉴别): complexity, no reuse of the last ones, the history.

The validators run where Django runs AUTH_PASSWORD_VALIDATORS: the password change form,
the administrator's set-password and add-user forms, `changepassword` — never in
`set_password`, so tests and the seed may set any password directly.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("upper", lambda c: c.isascii() and c.isupper()),
    ("lower", lambda c: c.isascii() and c.islower()),
    ("digit", lambda c: c.isascii() and c.isdigit()),
    ("symbol", lambda c: c in string.punctuation or c == " " or not c.isascii()),
)


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols `password` uses."""
    return sum(1 for _name, test in CLASSES if any(test(c) for c in password))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the project's own (translated) words."""

    def get_error_message(self) -> str:
        return self.get_help_text()

    def get_help_text(self) -> str:
        return _("Your password must contain at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }


class CharacterClassValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must use at least %(count)s of: upper-case letters, lower-case "
            "letters, digits and symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the user's last PASSWORD_HISTORY_COUNT passwords (the current included)."""

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        for hashed in recent_hashes(user):
            if check_password(password, hashed):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        count = settings.PASSWORD_HISTORY_COUNT
        return ngettext(
            "Your password may not be your last password.",
            "Your password may not be one of your last %(count)s passwords.",
            count,
        ) % {"count": count}


def recent_hashes(user) -> list[str]:
    count = settings.PASSWORD_HISTORY_COUNT
    if count <= 0:
        return []
    return list(
        user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[
            :count
        ]
    )


def remember(user, *, created: bool) -> None:
    """After a password change (`User.save`): keep its hash, drop the ones beyond the
    history, record the event (an administrator's setting is a "password_reset")."""
    from apps.core import audit

    history = user.password_history  # the PasswordHistory rows of the user (models.py)
    history.create(password=user.password)
    keep = max(settings.PASSWORD_HISTORY_COUNT, 1)
    old_ids = list(history.order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
    if old_ids:
        history.filter(pk__in=old_ids).delete()
    if not created:
        kind = "password_reset" if user.must_change_password else "password_change"
        audit.record(kind, target=user.get_username())
