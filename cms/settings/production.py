"""Production: PostgreSQL, secrets and hosts from the environment, secure cookies."""

import os

from .base import *  # noqa: F403
from .base import database_from_url

SECRET_KEY = os.environ["SOTAY_SECRET_KEY"]
DEBUG = False
SOTAY_PRODUCTION = True  # `sotay load-demo` refuses to run: its accounts share a published password
ALLOWED_HOSTS = [h for h in os.environ.get("SOTAY_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SOTAY_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DATABASES = {"default": database_from_url(os.environ["SOTAY_DATABASE_URL"])}
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
