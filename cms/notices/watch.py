"""A cheap "has anything changed?" for an open home: the version of the notices of a member's chain of layers.

An open, visible home asks `GET /api/notices/version` every few seconds and fetches the notices themselves
(`/api/notices?unseen=1`, which does the access check) only when the version changes. So the frequent
request must cost almost nothing:

- Each layer (unit path, tier) has a version in the shared cache (`notices:v:<path>:<tier>`), set when a
  notice of that layer is sent, withdrawn or deleted. A home's version is a short hash of the versions of its
  chain (at most four units × two tiers): one `get_many` from the shared cache, no query of the member's data.
- Who asks is proven by a watch token, not the session: the first request (and one every WATCH_MAX_AGE)
  goes through the normal session or API-token check and gets a signed token naming the member's chain and
  tiers; the token is checked with the secret key alone. A token says only which layers' versions may be
  asked, never a notice: a member whose status or unit changes sees at most that "something changed" for the
  rest of its life, like the CDN's short-lived signed cookies (docs/scaling.md, step 3), and the full fetch
  refuses them at once.

A version in the cache expires after STAMP_TTL and is then read again from the database (one indexed query
for the layers missing): that bounds the effect of a lost cache entry or of two writers racing.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Count, Max

from cms.org.models import Member

from .models import Notice
from .selectors import chain_paths

WATCH_SALT = "sotay.notices.watch"
WATCH_MAX_AGE = 15 * 60
STAMP_TTL = 10 * 60
WATCH_HEADER = "X-Sotay-Watch"
# How often an open home asks (seconds), told in every answer: an operator facing a storm of open homes raises
# SOTAY_NOTICE_POLL_S and every home slows down at its next question (the 5-second promise is then traded).
POLL_HEADER = "X-Sotay-Poll"
# The version as of a full fetch of the notices, read before them: the home's baseline for its questions.
LIST_VERSION_HEADER = "X-Sotay-Notices-Version"
POLL_DEFAULT_S = 3


def poll_seconds() -> int:
    return max(1, int(getattr(settings, "SOTAY_NOTICE_POLL_S", POLL_DEFAULT_S)))

Scope = tuple[list[str], list[str]]


def _cache():
    return caches["shared"]


def _key(path: str, tier: str) -> str:
    return f"notices:v:{path}:{tier}"


def scope_of(member: Member) -> Scope:
    """The layers whose notices reach the member: their chain of unit paths and their tiers."""
    return chain_paths(member), list(member.tiers)


def watch_token(member: Member) -> str:
    paths, tiers = scope_of(member)
    return signing.TimestampSigner(salt=WATCH_SALT).sign_object({"p": paths[-1] if paths else "", "t": tiers})


def read_token(token: str) -> Scope | None:
    """The scope named by a valid, unexpired watch token, else None (then the caller checks the session)."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.TimestampSigner(salt=WATCH_SALT).unsign_object(token, max_age=WATCH_MAX_AGE)
        path, tiers = str(data["p"]), [str(t) for t in data["t"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return [path[:depth] for depth in range(4, len(path) + 1, 4)], tiers


def _from_database(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Versions of the layers `pairs`, read from the notices themselves (one query)."""
    rows = (Notice.objects.filter(unit__path__in={p for p, _t in pairs}, tier__in={t for _p, t in pairs})
            .values("unit__path", "tier").annotate(last=Max("pk"), count=Count("pk"), withdrawn=Count("withdrawn_at")))
    found = {(r["unit__path"], r["tier"]): f"{r['last']}.{r['count']}.{r['withdrawn']}" for r in rows}
    return {pair: found.get(pair, "0") for pair in pairs}


def version(scope: Scope) -> str:
    """The version of everything a member with this scope may be told: changes when any of its notices does."""
    paths, tiers = scope
    keys = {_key(p, t): (p, t) for p in paths for t in tiers}
    cache = _cache()
    values = cache.get_many(list(keys))
    missing = [pair for key, pair in keys.items() if key not in values]
    if missing:
        for pair, value in _from_database(missing).items():
            # add, not set: a writer that has just set a newer version must not be overwritten by this read
            cache.add(_key(*pair), value, STAMP_TTL)
            values[_key(*pair)] = value
    joined = "|".join(f"{key}={values[key]}" for key in sorted(keys))
    return hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()


def touch(path: str, tier: str) -> None:
    """After a notice of layer (path, tier) changed: store the layer's new version for every open home."""
    pair = (path, tier)
    _cache().set(_key(*pair), _from_database([pair])[pair], STAMP_TTL)


def notice_changed(sender, instance: Notice, **kwargs) -> None:
    """post_save / post_delete of a notice: its layer's version changes once the transaction commits."""
    try:
        path, tier = instance.unit.path, instance.tier
    except ObjectDoesNotExist:  # deleted with its unit: no home reads that layer any more
        return
    transaction.on_commit(lambda: touch(path, tier))
