"""Production settings: behind nginx over HTTPS. Every secret comes from the environment."""

from .base import *  # noqa: F403
from .base import CACHES, env

SECRET_KEY = env.str("SECRET_KEY")  # required: fails loudly when missing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DEMO_MODE = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Protected media (session photos, reports) are handed to nginx after the permission check.
USE_X_ACCEL_REDIRECT = env.bool("USE_X_ACCEL_REDIRECT", default=True)
# Kept pages (apps.core.pagecache) need the data version shared by the gunicorn workers: on
# by default only with a shared cache (CACHE_URL=redis://…; check --deploy warns without).
PAGE_CACHE = env.bool(
    "PAGE_CACHE", default=not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
)
