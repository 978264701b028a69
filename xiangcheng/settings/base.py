"""Settings shared by every environment; values come from the environment or `.env`."""

from datetime import time, timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Demo mode allows `seed_xiangcheng --demo-users`; never on in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "apps.accounts.vendor_apps.AxesConfig",  # django-axes, with a Chinese name
    "csp",
    "django_filters",
    "simple_history",
    "apps.core",
    "apps.accounts",
    "apps.members",
    "apps.venues",
    "apps.consultation",
    "apps.performance",
    "apps.reports",  # the annual work report reads every app: last, on top of the stack
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiangcheng.urls"
WSGI_APPLICATION = "xiangcheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
                # After Django's own `csrf`: the token's placeholder in a page being kept.
                "apps.core.pagecache.csrf",
            ],
        },
    },
]

# Database: SQLite file in the repository by default, postgres://… in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (`make run`): concurrent writers wait for each other instead
    # of failing with "database is locked". A transaction takes the write lock when it
    # begins (IMMEDIATE), so two transactions never both read and then fight to write
    # (the deadlock SQLite answers at once, whatever the timeout); the second one waits
    # up to SQLITE_BUSY_TIMEOUT seconds. WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Read pages computed once per data version and user (apps.core.pagecache); the entries
# live PAGE_CACHE_MAX_AGE seconds at most (the data version decides whether one is current).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=600)

# QR sign-in (apps.performance.signin): a code works from SIGNIN_OPENS_BEFORE before the
# start to the end (a meeting's end time, else the start plus SIGNIN_DEFAULT_DURATION); a
# meeting without a start time starts at SIGNIN_DEFAULT_START. The sign-in page answers
# SIGNIN_RATE_LIMIT requests per user and address within SIGNIN_RATE_PERIOD seconds.
SIGNIN_OPENS_BEFORE = timedelta(minutes=env.int("SIGNIN_OPENS_BEFORE_MINUTES", default=60))
SIGNIN_DEFAULT_DURATION = timedelta(minutes=env.int("SIGNIN_DEFAULT_DURATION_MINUTES", default=180))
SIGNIN_DEFAULT_START = time(9, 0)
SIGNIN_RATE_LIMIT = env.int("SIGNIN_RATE_LIMIT", default=20)
SIGNIN_RATE_PERIOD = 60

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Run by the password forms (not by set_password): at least 10 characters of at least three
# of the four classes (upper, lower, digit, symbol), none of the last five (等保 身份鉴别).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "apps.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "apps.accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES of inactivity: SessionIdleTimeoutMiddleware
# renews the expiry at most once a minute (not a database write per request), or once a
# tenth of the idle time when that is shorter.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# django-axes: lock a username from one address only, so offices behind one NAT
# address do not lock each other out; cool-off and reset on success.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Number of reverse proxies (nginx) in front of gunicorn; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.network.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers: CSP without inline script, nosniff, referrer policy, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

FORM_RENDERER = "apps.core.forms.BootstrapFormRenderer"

# Domain settings.
# The committee term (届) the office works in now.
CURRENT_TERM = env.int("CURRENT_TERM", default=11)
PAGINATE_BY = env.int("PAGINATE_BY", default=25)
# A create form's one-time key (apps.core.submission) is kept this many days: a form
# posted again within them lands on the row it made instead of making another.
SUBMISSION_KEY_MAX_AGE_DAYS = env.int("SUBMISSION_KEY_MAX_AGE_DAYS", default=7)
# A pairing (双联) with no contact record for this many days is flagged.
PAIRING_CONTACT_STALE_DAYS = env.int("PAIRING_CONTACT_STALE_DAYS", default=90)
# Roster import: the largest file and the most rows accepted.
MEMBER_IMPORT_MAX_BYTES = env.int("MEMBER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
MEMBER_IMPORT_MAX_ROWS = env.int("MEMBER_IMPORT_MAX_ROWS", default=20_000)
# Request limits. The text of one form (uploaded files not counted) may be this large;
# a larger request answers a page that says so (apps.core.errors.bad_request). One long
# text field (minutes, a report's text) holds at most FORM_TEXT_MAX_CHARS characters: a
# longer one gets a message next to the field with everything typed kept.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MB", default=10) * 1024 * 1024
FORM_TEXT_MAX_CHARS = env.int("FORM_TEXT_MAX_CHARS", default=50_000)
USE_X_ACCEL_REDIRECT = env.bool("USE_X_ACCEL_REDIRECT", default=False)
# nginx's `internal` location that aliases MEDIA_ROOT (see README): protected files are
# handed to nginx there after the permission check.
PROTECTED_MEDIA_PREFIX = "/protected-media/"
# Uploaded images (apps.core.uploads): checked by content, resized, metadata removed.
UPLOAD_IMAGE_MAX_MB = env.int("UPLOAD_IMAGE_MAX_MB", default=10)
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=64_000_000)
UPLOAD_IMAGE_MAX_SIDE = env.int("UPLOAD_IMAGE_MAX_SIDE", default=2000)
UPLOAD_THUMBNAIL_SIDE = 480
# Uploaded documents, checked by content: research reports (PDF, DOCX) and duty reports
# (also legacy .doc and .wps).
UPLOAD_DOCUMENT_MAX_MB = env.int("UPLOAD_DOCUMENT_MAX_MB", default=20)
# A liaison office without a session for this many days stands out in the venue list.
VENUE_IDLE_DAYS = env.int("VENUE_IDLE_DAYS", default=60)
# A referred suggestion is due back from its department this many days later (the default
# of the referral form; staff may change the date).
REFERRAL_DUE_DAYS = env.int("REFERRAL_DUE_DAYS", default=30)
# A referral awaiting its reply is "due soon" this many days before its due date
# (`ReferralQuerySet.due_soon`, for reminders and the department's list).
REFERRAL_DUE_SOON_DAYS = env.int("REFERRAL_DUE_SOON_DAYS", default=7)
# An assigned proposal (交办) is due back this many months later (staff may change the date).
PROPOSAL_DUE_MONTHS = env.int("PROPOSAL_DUE_MONTHS", default=3)
# The proposer rates a reply within this many days; then staff may close it unrated
# (counted as basically satisfied).
PROPOSAL_RATING_GRACE_DAYS = env.int("PROPOSAL_RATING_GRACE_DAYS", default=30)

# A filter's empty choice reads 全部 (forms' selects read 请选择: apps.core.forms).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Notifications (apps.core.notifications): email through Django's email backend, from
# EMAIL_URL (consolemail:// prints to the console; smtp+tls://user:password@host:587 sends);
# SMS through the class at NOTIFICATION_SMS_BACKEND (default: logged, nothing sent).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="襄城县政协 <noreply@localhost>")
NOTIFICATION_SMS_BACKEND = env.str(
    "NOTIFICATION_SMS_BACKEND", default="apps.core.sms.LoggingSMSBackend"
)
# The site's address, for links in email and SMS (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Referrals due within this many days are on staff's to-dos and reminded.
REFERRAL_DUE_SOON_DAYS = env.int("REFERRAL_DUE_SOON_DAYS", default=7)

# Security (等保 2.0 level 2; see SECURITY.md).
# Security events (apps.core.audit) are kept at least this many days (网络安全法: 6 months):
# prune_security_events refuses a later date.
SECURITY_EVENTS_KEEP_DAYS = max(env.int("SECURITY_EVENTS_KEEP_DAYS", default=180), 180)
# Passwords: expire after this many days (a change is forced at the next request), may not
# repeat the last PASSWORD_HISTORY_COUNT ones; a user keeps at most MAX_SESSIONS_PER_USER
# sessions (a new sign-in ends the oldest).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
MAX_SESSIONS_PER_USER = env.int("MAX_SESSIONS_PER_USER", default=3)
# `manage.py backup DIR` keeps the newest snapshot of each of the last BACKUP_KEEP_DAILY
# days and of each of the last BACKUP_KEEP_MONTHLY months; older ones are removed.
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=12)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
