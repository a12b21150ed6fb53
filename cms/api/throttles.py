"""Throttles scoped by name (rates in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

Login and password-reset throttles count failures only, per username and per client address, so a member who
types their password right is never slowed down by someone guessing it. Counters live in Django's cache: in
production with several workers that cache must be shared (database or Redis cache), see
`SOTAY_THROTTLE_CACHE` ("shared": a table in the database, or Redis with SOTAY_REDIS_URL).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


def _cache():
    return caches[getattr(settings, "SOTAY_THROTTLE_CACHE", "default")]


class FailureThrottle(SimpleRateThrottle):
    """Refuses while the recent failures reach the rate; `record_failure` counts one."""

    cache_format = "sotay-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        self.cache = _cache()
        super().__init__()

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        ident = self.identity(request)
        if not ident:
            return None
        # Usernames are whatever was typed: hash them into a key every cache backend accepts.
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def throttle_success(self) -> bool:
        return True  # checking does not count; only failures do

    def record_failure(self, request, view) -> None:
        key = self.get_cache_key(request, view)
        if key is None:
            return
        now = self.timer()
        history = [t for t in self.cache.get(key, []) if t > now - self.duration]
        history.insert(0, now)
        self.cache.set(key, history, self.duration)


def _username(request) -> str | None:
    data = getattr(request, "data", None)
    name = str(data.get("username") or "") if hasattr(data, "get") else ""
    return name.strip().lower()[:150] or None


class LoginUsernameThrottle(FailureThrottle):
    scope = "login"

    def identity(self, request) -> str | None:
        return _username(request)


class LoginAddressThrottle(FailureThrottle):
    scope = "login_ip"

    def identity(self, request) -> str | None:
        return self.get_ident(request)


class ResetUsernameThrottle(FailureThrottle):
    scope = "reset"

    def identity(self, request) -> str | None:
        return _username(request)


class ResetAddressThrottle(FailureThrottle):
    scope = "login_ip"

    def identity(self, request) -> str | None:
        ident = self.get_ident(request)
        return f"reset:{ident}" if ident else None


class ReceiptsThrottle(ScopedRateThrottle):
    """Batches per member (a flushing reader sends a few; a runaway one many)."""

    def __init__(self) -> None:
        self.cache = _cache()
        super().__init__()
