"""Members' personal data (个人信息保护法): the one rule of who sees it unmasked.

The personal fields are PERSONAL_FIELDS (mobile, date of birth, e-mail, mailing address).
Every page, export and serializer shows them through `personal_value(member, field, user)`
(templates: `{% personal member "phone" %}` from `members_personal`), which answers

- the value itself to the member themself (their own profile);
- a masked value (138****1234, 1965-**-**) to everyone else — office heads, leaders,
  members viewing others, and staff too: staff with `members.view_member_personal`
  reveal one value with a click (`members:reveal`, an htmx GET that records a "reveal"
  event); the full value is never in the page's HTML of anyone else.

Exports: `export_value(member, field, user)` is the full value for holders of
`view_member_personal` (the file is then stamped with who exported it and when, and the
export is logged) and the masked value for everyone else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Member

PERSONAL_FIELDS = ("phone", "birth_date", "email", "address")
PERMISSION = "members.view_member_personal"


def mask_phone(value: str) -> str:
    """138****1234: the first three and last four digits of a mobile number."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_date(value: datetime.date | None) -> str:
    """1965-**-**: the year only."""
    return f"{value.year:04d}-**-**" if value else ""


def mask_email(value: str) -> str:
    """z***@example.com: the first letter and the domain."""
    if not value:
        return ""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_address(value: str) -> str:
    """The first six characters (county, township), the rest hidden."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"


MASKS: dict[str, Callable[[Any], str]] = {
    "phone": mask_phone,
    "birth_date": mask_date,
    "email": mask_email,
    "address": mask_address,
}


def plain(member: Member, field: str) -> str:
    value = getattr(member, field)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or ""


def sees_unmasked(member: Member, user) -> bool:
    """Only the member themself sees their own values on a page without a click."""
    return bool(user.is_authenticated and member.user_id and member.user_id == user.pk)


def may_reveal(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERMISSION))


def personal_value(member: Member, field: str, user) -> str:
    """What `user` may read of `member`'s personal `field` on a page."""
    if field not in MASKS:
        raise ValueError(f"{field} is not a personal field")
    if sees_unmasked(member, user):
        return plain(member, field)
    return MASKS[field](getattr(member, field))


def export_value(member: Member, field: str, user) -> Any:
    """What an export by `user` carries of a personal field: the value itself (a date
    as a date cell) when they may see it, else its mask."""
    if sees_unmasked(member, user) or may_reveal(user):
        value = getattr(member, field)
        return value if isinstance(value, datetime.date) else (value or "")
    return MASKS[field](getattr(member, field))
