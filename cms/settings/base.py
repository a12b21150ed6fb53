"""Settings shared by every place sotay runs. Secrets come from the environment (see dev.py / production.py)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SOTAY_VAR_DIR", BASE_DIR / "var"))


def sqlite_database(name: str | Path) -> dict:
    """The embedded database, set up for several writers at once (serve, its build worker, autosaves).

    WAL lets readers and the one writer proceed together; IMMEDIATE transactions take the write lock at BEGIN, so
    a second writer waits out the busy timeout instead of failing at once with "database is locked" (a deferred
    transaction that reads and then writes cannot wait: SQLite refuses it to avoid a deadlock).
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def database_from_url(url: str) -> dict:
    """Turn `postgres://user:pass@host:port/name` or `sqlite:///path` into a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/"),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # 0 behind PgBouncer in transaction mode (docs/scaling.md): the pooler keeps the connections.
            "CONN_MAX_AGE": int(os.environ.get("SOTAY_DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "DISABLE_SERVER_SIDE_CURSORS": os.environ.get("SOTAY_DB_DISABLE_SERVER_SIDE_CURSORS", "") == "1",
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(parsed.path or ":memory:")
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme}")


INSTALLED_APPS = [
    "cms.org",
    "cms.publishing",
    "cms.api",
    "cms.meetings",
    "cms.tasks",
    "cms.notices",
    "cms.learning",
    "cms.reader",
    "cms.adoption",
    "wagtail_headless_preview",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.adoption.middleware.ActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.publishing.middleware.AtomicAdminWritesMiddleware",  # last: it wraps the view itself
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": database_from_url(os.environ["SOTAY_DATABASE_URL"])
    if os.environ.get("SOTAY_DATABASE_URL")
    else sqlite_database(VAR_DIR / "db.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def shared_cache(redis_url: str) -> dict:
    """The cache every web node sees the same: Redis (django-redis) when `SOTAY_REDIS_URL` is set, otherwise a
    table in the database (`sotay setup` creates it), which needs nothing more than the database itself."""
    if redis_url:
        return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url,
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}}
    return {"BACKEND": "cms.api.cache.SharedDatabaseCache", "LOCATION": "sotay_cache",
            "OPTIONS": {"MAX_ENTRIES": 200_000}}


# "default" is the process's own memory: for what only spares this process work (adoption's first request of
# the day). "shared" holds what another node must see: login throttles, rate limits, members' layer lists.
# Sessions are in the database (Django's default), so a member may reach any node.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": shared_cache(os.environ.get("SOTAY_REDIS_URL", "")),
}
SOTAY_THROTTLE_CACHE = "shared"
# Seconds between an open home's questions for new urgent notices (cms/notices/watch.py); raise under a storm.
SOTAY_NOTICE_POLL_S = int(os.environ.get("SOTAY_NOTICE_POLL_S", "3"))

# Committee members reach the admin's reports and feedback inbox by their role (cms/api/backends.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "cms.api.backends.CommitteeAdminBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAIL_I18N_ENABLED = False
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "cms" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "/dang-nhap/"

WAGTAIL_SITE_NAME = "Sổ tay đảng viên điện tử"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.publishing.admin_forms.LoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("SOTAY_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx"]
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True

WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": "/preview/"},
    "SERVE_BASE_URL": None,
    "REDIRECT_ON_PREVIEW": False,
    "ENFORCE_TRAILING_SLASH": True,
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "cms.api.authentication.FastTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "5/min", "login_ip": "20/min", "reset": "5/min", "receipts": "120/min"},
    "EXCEPTION_HANDLER": "cms.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sổ tay đảng viên điện tử — API",
    "DESCRIPTION": "Đăng nhập, quyền đọc lớp nội dung, xác nhận đã đọc, góp ý, báo cáo và tìm kiếm.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# sotay's own settings
SOTAY_VAR_DIR = VAR_DIR
SOTAY_SITE_DIR = Path(os.environ.get("SOTAY_SITE_DIR", VAR_DIR / "site"))
SOTAY_BUILD_DIR = Path(os.environ.get("SOTAY_BUILD_DIR", VAR_DIR / "build"))
SOTAY_SIGNING_KEY_FILE = Path(os.environ.get("SOTAY_SIGNING_KEY_FILE", VAR_DIR / "keys" / "signing.key"))
SOTAY_STORE = {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(SOTAY_SITE_DIR)}}
if os.environ.get("SOTAY_STORE_BUCKET"):
    # Every build then ends by uploading its layer to the bucket, and the gate serves from there.
    SOTAY_STORE = {
        "BACKEND": "deploy.stores.S3Store",
        "OPTIONS": {
            "bucket": os.environ["SOTAY_STORE_BUCKET"],
            "region": os.environ.get("AWS_DEFAULT_REGION"),
            "endpoint_url": os.environ.get("SOTAY_STORE_ENDPOINT_URL"),
        },
    }
# Uploaded media (Wagtail's images and documents, meeting, task and essay photos) live on this machine's disk,
# unless SOTAY_MEDIA_BUCKET names a bucket (it may be the layers' own: media go under `media/`, which no layer's
# prefix `u/` reaches): then every web node and worker reads and writes the same files (docs/scaling.md).
if os.environ.get("SOTAY_MEDIA_BUCKET"):
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["SOTAY_MEDIA_BUCKET"],
                "location": "media",
                "region_name": os.environ.get("AWS_DEFAULT_REGION"),
                "endpoint_url": os.environ.get("SOTAY_STORE_ENDPOINT_URL") or None,
                "file_overwrite": False,  # an upload never replaces another's file of the same name
                "querystring_auth": True,  # the bucket stays private: links are signed and expire
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WAGTAILDOCS_SERVE_METHOD = "serve_view"  # documents through Wagtail's view, which checks who may have them
# Days of use and installations of the reader (cms/adoption); "0" turns recording off.
# Each web node's search index follows the versions the store publishes (cms/api/search_follow.py).
SOTAY_SEARCH_FOLLOW = os.environ.get("SOTAY_SEARCH_FOLLOW", "1") == "1"
SOTAY_RECORD_ACTIVITY = os.environ.get("SOTAY_RECORD_ACTIVITY", "1") == "1"
SOTAY_SPEECH = os.environ.get("SOTAY_SPEECH", "1") == "1"
SOTAY_MANIFEST_EXPIRES_DAYS = 30
SOTAY_RESET_CODE_MINUTES = 60 * 24
# Where members open the reader: the activation sheet's QR codes point there (the admin's address unless told).
SOTAY_PUBLIC_URL = os.environ.get("SOTAY_PUBLIC_URL", WAGTAILADMIN_BASE_URL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "sotay": {"level": "INFO"},
        "site_builder": {"level": "INFO"},
        "deploy": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
