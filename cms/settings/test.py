"""Tests: SQLite by default, the throwaway PostgreSQL cluster when SOTAY_DATABASE_URL is set; tasks run at once."""

import secrets
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

SECRET_KEY = secrets.token_urlsafe(50)  # a fresh one per test run; nothing signed outlives it
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
_TMP = Path(tempfile.mkdtemp(prefix="sotay-test-"))
SOTAY_VAR_DIR = _TMP
SOTAY_SITE_DIR = _TMP / "site"
SOTAY_BUILD_DIR = _TMP / "build"
SOTAY_SIGNING_KEY_FILE = _TMP / "keys" / "signing.key"
SOTAY_STORE = {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(SOTAY_SITE_DIR)}}
SOTAY_SPEECH = False
SOTAY_SEARCH_FOLLOW = False  # no background thread touching the test database; tests call follow_published
MEDIA_ROOT = _TMP / "media"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}}
