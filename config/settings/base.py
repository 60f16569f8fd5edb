"""Settings shared by every environment; values come from the environment.

The embedded default is SQLite + local-memory cache. Setting ``DATABASE_URL`` and
``REDIS_URL`` selects the scale-out configuration (PostgreSQL + Redis).
"""

import datetime as dt
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.secrets import installation_secret

# Always read time zones from the pinned ``tzdata`` package, never from the host: the
# archive must show historical offsets (Kazakhstan moved from UTC+6 to UTC+5 on
# 2024-03-01) identically on every machine, whatever the OS ships.
zoneinfo.reset_tzpath(to=())

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Never a key known from the source: this installation's own, made in var/ on the first run.
# Production settings never make one (several servers must share theirs): they read it from the
# environment or var/ and refuse to start without it (production.py, README "Secrets").
_MAKE_SECRETS = os.environ.get("DJANGO_SETTINGS_MODULE") != "config.settings.production"
SECRET_KEY = os.environ.get("SECRET_KEY") or installation_secret(VAR_DIR, "secret_key", create=_MAKE_SECRETS) or ""
# Key of the keyed hashes (HMAC) that stand for people in reach reports and erased rows: kept
# apart from SECRET_KEY so rotating that one does not change who counts as the same person.
PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY") or installation_secret(VAR_DIR, "pseudonym_key", create=_MAKE_SECRETS) or ""
# Key(s) that encrypt meeting platforms' secrets (BigBlueButton shared secrets, Zoom client secrets)
# in the database: apart from SECRET_KEY so a database dump alone reveals no platform secret, and
# so either key can be rotated on its own. Comma-separated Fernet keys, newest first (MultiFernet).
PLATFORM_SECRETS_KEY = (
    os.environ.get("PLATFORM_SECRETS_KEY") or installation_secret(VAR_DIR, "platform_secrets_key", create=_MAKE_SECRETS, fernet=True) or ""
)
# The vendors' API addresses; the tests point them at their contract servers.
ZOOM_API_URL = os.environ.get("ZOOM_API_URL", "https://api.zoom.us/v2").rstrip("/")
ZOOM_OAUTH_URL = os.environ.get("ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    # django-rules; this app config also imports every app's ``rules.py`` at start-up.
    "rules.apps.AutodiscoverRulesConfig",
    "webinars.core",
    "webinars.audit",
    "webinars.programme",
    "webinars.mail",
    "webinars.registrations",
    "webinars.attendance",
    "webinars.meetings",
    "webinars.certificates",
    "webinars.feedback",
    "webinars.reports",
    "webinars.team",
    "webinars.accounts",
    "webinars.library",
    "webinars.public",
    "webinars.organise",
    "webinars.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (nonce in request.csp_nonce) and Permissions-Policy on every response.
    "webinars.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "webinars.core.middleware.ViewerPreferencesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Organisers' sessions: idle timeout, sign-out everywhere, second factor (webinars.accounts).
    "webinars.accounts.middleware.OrganiserSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "webinars.core.middleware.ViewerTimezoneMiddleware",
    "webinars.core.middleware.DomainErrorMiddleware",
    # Sign-in lockout (django-axes): last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# Series-scoped permissions are named rules (``<app>/rules.py``, django-rules); the model
# backend stays for superusers and for the few model permissions still used (shared people
# and organisations).
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (workspace and admin alike) of a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webinars" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webinars.core.context_processors.viewer",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (webinars/core/backends).
    DATABASES["default"]["ENGINE"] = "webinars.core.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock when a
    # transaction starts, so concurrent writers queue on the busy timeout instead of
    # failing with "database is locked" half-way through (see shared/NOTES.md). Connections
    # persist like PostgreSQL's (DB_CONN_MAX_AGE): closing the last one checkpoints the WAL,
    # 2 ms of every request that wrote.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # secure_delete: erased personal data is overwritten, not left in free pages of the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
# "default" holds what each process may keep for itself (rendered public pages); "shared" holds
# what every server process must agree on (rate limits, job turns): Redis when REDIS_URL is set,
# else a table of the database (`createcachetable`; `make run` makes it), never process memory.
if REDIS_URL:
    _redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mw"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
    CACHES = {"default": _redis, "shared": {**_redis, "KEY_PREFIX": _redis["KEY_PREFIX"] + "-shared"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "museum-webinars",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        },
    }

# The client's address: REMOTE_ADDR, unless it is one of these proxies (comma-separated IPs or
# networks); then the rightmost X-Forwarded-For entry that is not a trusted proxy.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# User interface languages (gettext catalogues).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "webinars" / "locale"]
LANGUAGE_COOKIE_NAME = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Zone shown before the viewer's own zone is known.
DEFAULT_VIEWER_TIME_ZONE = os.environ.get("DEFAULT_VIEWER_TIME_ZONE", "Asia/Almaty")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "webinars" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded images (photos, logos) are served by the application (``core.media``); turn off
# when a web server in front serves MEDIA_URL itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Library files (PDFs, slides, videos, captions) are private: never under MEDIA_URL, served only
# by the library's view once their item is published.
LIBRARY_FILES_ROOT = Path(os.environ.get("LIBRARY_FILES_ROOT", VAR_DIR / "private" / "library"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "library": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": LIBRARY_FILES_ROOT}},
}
WHITENOISE_MAX_AGE = 3600

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
# Token links (/r/, /j/, /feedback/) never reach another site through the Referer header.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, webinars.core.security): strict on public pages, the
# self-service pages and the workspace; inline <script>/<style> only with the request's nonce.
from csp.constants import NONCE, NONE, SELF  # noqa: E402 -- beside the policy that uses them

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "frame-src": [NONE],
    }
}
# Django's admin uses inline style attributes in its templates and widgets: the same policy
# with inline styles allowed (scripts stay strict). Stated in README "Security headers".
ADMIN_URL_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
    }
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "interest-cohort",
    )
)  # fmt: skip
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Background tasks (django-tasks): the database backend needs no extra service; the
# `manage.py run_worker` command runs them (and the periodic jobs: reminders, expiry).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# E-mail: SMTP when EMAIL_HOST is set, else files in var/mail (look at what would be sent).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Museum Webinars <webinars@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "webinars.mail.backends.SMTPBackend"  # Django's, with cheaper envelope addresses
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# A task row "running" for longer than this lost its worker (killed): it is queued again.
TASK_STALE_SECONDS = int(os.environ.get("TASK_STALE_SECONDS", "1800"))
MAIL_STALE_CLAIM_SECONDS = int(os.environ.get("MAIL_STALE_CLAIM_SECONDS", "900"))
MAIL_ABANDONED_AFTER_SECONDS = int(os.environ.get("MAIL_ABANDONED_AFTER_SECONDS", "120"))

# Registrations from one address (IP) in a window; 0 turns the limit off (benchmarks).
REGISTRATION_RATE_LIMIT = int(os.environ.get("REGISTRATION_RATE_LIMIT", "20"))
REGISTRATION_RATE_WINDOW_SECONDS = int(os.environ.get("REGISTRATION_RATE_WINDOW_SECONDS", "600"))
# Registration requests (form or API) that send e-mail to one address per hour, from any client (0 = off).
REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR = int(os.environ.get("REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR", "5"))
# An attendance report larger than this (bytes) is read and imported by the background worker, with
# its progress on the workspace's attendance page, instead of inside the upload request.
ATTENDANCE_BACKGROUND_BYTES = int(os.environ.get("ATTENDANCE_BACKGROUND_BYTES", str(5 * 1024 * 1024)))

# Registrants' personal links (self-service, join, survey) work this many months after the webinar
# (or after they were sent, if later); the default of each new series' "link_months".
SELF_SERVICE_LINK_MONTHS = int(os.environ.get("SELF_SERVICE_LINK_MONTHS", "12"))
# "Send me fresh links" (an expired or unknown link's page): requests per client address and per
# e-mail address per hour (0 = off). Over the client limit: 429; over the address limit the
# answer is the same as always and nothing is sent.
LINK_REQUESTS_PER_CLIENT_PER_HOUR = int(os.environ.get("LINK_REQUESTS_PER_CLIENT_PER_HOUR", "10"))
LINK_REQUESTS_PER_ADDRESS_PER_HOUR = int(os.environ.get("LINK_REQUESTS_PER_ADDRESS_PER_HOUR", "3"))

# How long an anonymous public page stays cached; content edits invalidate sooner.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Organisers sign in to their workspace (reports and the workspace redirect there).
LOGIN_URL = "organise:login"
LOGIN_REDIRECT_URL = "organise:dashboard"

# Sign-in lockout (django-axes) on every sign-in form (workspace and admin): after
# AXES_FAILURE_LIMIT failures for one account or one client address, a cooling-off lock during
# which even the right password fails; owners and superusers lift it (webinars.accounts).
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "webinars.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "webinars.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (for the lockout); successful sign-ins are not

# Two-factor sign-in (django-otp): required for superusers in production settings, and for
# everyone with a role on a series whose owner requires it.
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool("TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Museum Webinars")
# The admin never shows an organiser's TOTP secret or its QR code (a superuser who could read them could
# pass another organiser's second factor); without this, django-otp's config page of an unknown device is a 500.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# An organiser's session ends after this long without a request (seconds; 2 hours).
ORGANISER_IDLE_SECONDS = int(os.environ.get("ORGANISER_IDLE_SECONDS", str(2 * 3600)))
SESSION_COOKIE_AGE = ORGANISER_IDLE_SECONDS

# --- Scale-out and observability (issue 12) -----------------------------------------------
# Kept in one block so that other settings work merges cleanly. See README "Deployment".
from webinars.core.storage_url import storage_from_url  # noqa: E402 -- settings read top to bottom

# Sessions: with a shared Redis every application server reads every session (a sign-in on
# server A is valid on server B); without it, the database (shared by the processes of one machine).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    SESSION_CACHE_ALIAS = "default"
# Cached public pages carry the content version in their key. With a shared cache the version
# lives there too and is read on every request, so an edit on one server retires the pages of
# all of them at once; without one, each process re-reads it from the database every second.
CONTENT_VERSION_IN_CACHE = bool(REDIS_URL)

# Media (uploads, certificate PDFs): the local folder, or an S3-compatible bucket shared by
# every server (MEDIA_STORAGE_URL, credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
MEDIA_STORAGE_URL = os.environ.get("MEDIA_STORAGE_URL", "")
# 0: private files are streamed by the application after its checks; > 0: a redirect to a
# signed address of the object that expires after this many seconds (buckets only).
MEDIA_SIGNED_URL_SECONDS = int(os.environ.get("MEDIA_SIGNED_URL_SECONDS", "0"))
STORAGES["default"] = storage_from_url(MEDIA_STORAGE_URL, signed_url_seconds=MEDIA_SIGNED_URL_SECONDS or 300)


# Request id, access log line and Prometheus metrics for every request (webinars/core/observability.py).
MIDDLEWARE = ["webinars.core.observability.RequestObservabilityMiddleware", *MIDDLEWARE]

# Logs (replaces LOGGING above): LOG_FORMAT=json (production) writes one JSON object per
# line with the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "webinars.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "webinars.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # One line per request at INFO; ACCESS_LOG=0 silences it when nginx's log is enough.
    "loggers": {"webinars.access": {"level": "INFO" if env_bool("ACCESS_LOG", False) else "WARNING"}},
}

# Error reports to Sentry (or a compatible service) when a DSN is set; no personal data is sent.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
