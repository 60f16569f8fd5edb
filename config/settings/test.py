"""Settings for the test suite: fast password hashing, in-memory e-mail."""

import os

from .base import *  # noqa: F403 -- settings modules extend the base namespace by design

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "library": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "test-library-files"}},  # noqa: F405
}
# Tasks run at once, inside the test (after the transaction commits).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so that concurrency tests race on real separate connections.
    # One file per test process, so parallel runs never share (and corrupt) a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
REGISTRATION_RATE_LIMIT = 1000
REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR = 1000

# --- Scale-out (issue 12) ---
# The suite bumps the content version and reads pages inside one transaction that never
# commits; the shared-cache mode publishes a bump only after commit (tested on its own in
# tests/core/test_operations.py, and for real by `make topology-test`).
CONTENT_VERSION_IN_CACHE = False
