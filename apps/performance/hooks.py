"""What this app needs from apps that come after it and that it must not import.

Whoever adds the venues app sets these in its `AppConfig.ready()`:

    from apps.performance.hooks import hooks
    hooks.member_townships = lambda: {member_id: township_name, ...}   # one query
    hooks.office_head_members = lambda user: Q(...)                    # a Q on Member

Until then the year table has no township filter, the rotation spreads sectors only,
and office heads see no member's evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Q

    from apps.accounts.models import User


@dataclass
class Hooks:
    # {member id: township name} of every member that has one (one query).
    member_townships: Callable[[], Mapping[int, str]] | None = None
    # The members an office head may read (their venues' members), as a Q on Member.
    office_head_members: Callable[[User], Q] | None = None

    def townships(self) -> Mapping[int, str]:
        return self.member_townships() if self.member_townships else {}


hooks = Hooks()
