"""Development and demo: embedded SQLite under var/, a secret generated on first run into an ignored file."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR


def _dev_secret() -> str:
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _dev_secret()
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Review notifications (approved, sent back) are printed to the console rather than sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
