"""Settings for the test suite: fast hashing, plain static storage, a throwaway media root."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEMO_MODE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="xc-media-"))
# No collectstatic in tests: whitenoise serves from the finders, looking a file up when it
# is asked for (autorefresh) instead of indexing every static file of every app each time a
# test client builds its middleware (~20 ms per client, thousands of clients per run).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Text messages are kept in apps.core.sms.MemorySMSBackend.outbox (email: Django's locmem).
NOTIFICATION_SMS_BACKEND = "apps.core.sms.MemorySMSBackend"
SITE_URL = "https://zx.example.gov.cn"
