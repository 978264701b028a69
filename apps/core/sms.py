"""Text messages through a pluggable backend, like Django's email backends.

`settings.NOTIFICATION_SMS_BACKEND` is the dotted path of a class with
`send(phone: str, text: str) -> None` that raises on failure (the delivery is then recorded
as failed and retried by the next `send_reminders` run). The default logs the message; a
county SMS gateway plugs in as a small subclass (README, "Notifications").
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("apps.core.sms")


class BaseSMSBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Development and the default: the message goes to the log, nothing leaves the host."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemorySMSBackend(BaseSMSBackend):
    """Tests: messages are kept in `outbox` (a class attribute, like mail.outbox)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.NOTIFICATION_SMS_BACKEND)()
