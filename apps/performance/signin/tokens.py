"""The sign-in code: a token signed with the project's key (`django.core.signing`, its own
salt) that names one meeting or session and the start it was made for. It is valid only in
the window from `SIGNIN_OPENS_BEFORE` before the start to the end (a meeting's end time,
else the start plus `SIGNIN_DEFAULT_DURATION`), so a photo of the code is useless outside
it; a rescheduled meeting invalidates its old codes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.consultation.models import Session

from ..models import Meeting

SALT = "apps.performance.signin"
Kind = Literal["meeting", "session"]
Target = Meeting | Session


class InvalidCode(Exception):
    """The code cannot be used: forged, for nothing that exists, or outside its window.
    `message` says why, for the member."""

    def __init__(self, message, code: str) -> None:
        super().__init__(code)
        self.message = message
        self.code = code  # forged, stale, early, over, closed


def opens_before() -> datetime.timedelta:
    return settings.SIGNIN_OPENS_BEFORE


def default_duration() -> datetime.timedelta:
    return settings.SIGNIN_DEFAULT_DURATION


def starts_at(target: Target) -> datetime.datetime:
    """When a meeting or session starts (a meeting without a start time: the day's
    `SIGNIN_DEFAULT_START`, 09:00)."""
    if isinstance(target, Session):
        return target.started_at
    start = target.start_time or settings.SIGNIN_DEFAULT_START
    return timezone.make_aware(datetime.datetime.combine(target.date, start))


def ends_at(target: Target) -> datetime.datetime:
    start = starts_at(target)
    if isinstance(target, Meeting) and target.end_time is not None:
        return timezone.make_aware(datetime.datetime.combine(target.date, target.end_time))
    return start + default_duration()


@dataclass(frozen=True)
class Window:
    opens: datetime.datetime
    closes: datetime.datetime

    def state(self, now: datetime.datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens:
            return "early"
        if now > self.closes:
            return "over"
        return "open"


def window(target: Target) -> Window:
    return Window(starts_at(target) - opens_before(), ends_at(target))


def kind_of(target: Target) -> Kind:
    return "session" if isinstance(target, Session) else "meeting"


def make_token(target: Target, *, walk_in: bool = False) -> str:
    """The code for `target` (`walk_in`: a session's uninvited members may join)."""
    payload = {
        "k": kind_of(target),
        "pk": target.pk,
        "s": int(starts_at(target).timestamp()),
    }
    if walk_in and isinstance(target, Session):
        payload["w"] = 1
    return signing.dumps(payload, salt=SALT, compress=True)


@dataclass(frozen=True)
class Code:
    target: Target
    walk_in: bool


def read_token(token: str, *, now: datetime.datetime | None = None) -> Code:
    """The meeting or session a code names, if the code is genuine, still matches the
    start and is inside its window; else `InvalidCode`. One query."""
    try:
        payload = signing.loads(token, salt=SALT)
        kind, pk, start = payload["k"], int(payload["pk"]), int(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidCode(_("This sign-in code is not valid."), "forged") from None
    target: Target | None = None
    if kind == "meeting":
        target = Meeting.objects.filter(pk=pk).first()
    elif kind == "session":
        target = Session.objects.filter(pk=pk).first()
    if target is None or int(starts_at(target).timestamp()) != start:
        raise InvalidCode(
            _("This sign-in code is no longer valid: ask for the current one."), "stale"
        )
    span = window(target)
    state = span.state(now)
    if state == "early":
        opens = timezone.localtime(span.opens)
        raise InvalidCode(
            _("Sign-in has not opened yet: it opens at %(time)s.")
            % {"time": f"{opens:%Y-%m-%d %H:%M}"},
            "early",
        )
    if state == "over":
        raise InvalidCode(_("Sign-in for this meeting is closed."), "over")
    if isinstance(target, Meeting) and target.signin_closed_at:
        raise InvalidCode(_("Sign-in for this meeting is closed."), "closed")
    return Code(target, bool(payload.get("w")))
