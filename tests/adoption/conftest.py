"""Adoption fixtures: the API's JSON clients and clean caches (the day-of-use marks live in the cache)."""

from tests.api.conftest import _fresh_throttles, api, as_member, search_dir  # noqa: F401
