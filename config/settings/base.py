"""Settings shared by every environment; values come from the environment.

The embedded default is SQLite + local-memory cache. Setting ``DATABASE_URL`` and
``REDIS_URL`` selects the scale-out configuration (PostgreSQL + Redis).
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

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


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789")
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
    "webinars.certificates",
    "webinars.feedback",
    "webinars.reports",
    "webinars.team",
    "webinars.public",
    "webinars.organise",
    "webinars.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "webinars.core.middleware.ViewerPreferencesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "webinars.core.middleware.ViewerTimezoneMiddleware",
    "webinars.core.middleware.DomainErrorMiddleware",
]

# Series-scoped permissions are named rules (``<app>/rules.py``, django-rules); the model
# backend stays for superusers and for the few model permissions still used (shared people
# and organisations).
AUTHENTICATION_BACKENDS = [
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock when a
    # transaction starts, so concurrent writers queue on the busy timeout instead of
    # failing with "database is locked" half-way through (see shared/NOTES.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mw"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "museum-webinars",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
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
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

MAIL_STALE_CLAIM_SECONDS = int(os.environ.get("MAIL_STALE_CLAIM_SECONDS", "900"))
MAIL_ABANDONED_AFTER_SECONDS = int(os.environ.get("MAIL_ABANDONED_AFTER_SECONDS", "120"))

# Registrations from one address (IP) in a window; 0 turns the limit off (benchmarks).
REGISTRATION_RATE_LIMIT = int(os.environ.get("REGISTRATION_RATE_LIMIT", "20"))
REGISTRATION_RATE_WINDOW_SECONDS = int(os.environ.get("REGISTRATION_RATE_WINDOW_SECONDS", "600"))

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

# The client's address for rate limits: behind nginx (deploy/nginx), the X-Forwarded-For it sets.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

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
