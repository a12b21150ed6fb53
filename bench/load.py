"""Members reading, searching and sending receipts through the load balancer: a plain thread pool, each thread one
member with an API token. A receipt batch that fails (a node died under it) is sent again with the same UUIDs, as
the reader's outbox does; what the server acknowledged is remembered, so a lost receipt can be told from one the
phone still holds."""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests


@dataclass
class LoadResult:
    acknowledged: set[str] = field(default_factory=set)  # receipt UUIDs the server answered 200 for
    unsent: int = 0  # receipts still in a phone's outbox at the end (never acknowledged)
    me_ms: list[float] = field(default_factory=list)
    search_ms: list[float] = field(default_factory=list)
    receipt_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    if len(values) < 20:
        return max(values)
    return statistics.quantiles(values, n=20)[-1]


def receipt_batch(pages: list[int], size: int) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [{"client_id": str(uuid.uuid4()), "page": random.choice(pages),
             "event": random.choice(("opened", "listened", "completed")), "client_time": now} for _ in range(size)]


def run_load(base_url: str, tokens: list[str], pages: list[int], *, seconds: float, words: Callable[[], list[str]],
             batch: int = 20, me_per_round: int = 1, think_s: float = 0.05,
             stop: threading.Event | None = None) -> LoadResult:
    """Every member loops: `/api/me`, a search, a receipt batch, until `seconds` pass or `stop` is set."""
    result = LoadResult()
    lock = threading.Lock()
    stop = stop or threading.Event()
    deadline = time.monotonic() + seconds

    def member(token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        while time.monotonic() < deadline and not stop.is_set():
            for _ in range(me_per_round):
                timed(session, "get", f"{base_url}/api/me", result.me_ms, "me")
            choices = words()
            if choices:
                timed(session, "get", f"{base_url}/api/search", result.search_ms, "search",
                      params={"q": random.choice(choices)})
            send_receipts(session, receipt_batch(pages, batch))
            time.sleep(think_s)

    def timed(session, method, url, into, what, **kw) -> requests.Response | None:
        start = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, **kw)
        except requests.RequestException:
            with lock:
                result.error(f"{what}:connection")
            return None
        with lock:
            if response.status_code == 200:
                into.append((time.perf_counter() - start) * 1000)
            else:
                result.error(f"{what}:{response.status_code}")
        return response

    def send_receipts(session, events: list[dict]) -> None:
        for attempt in range(6):
            response = timed(session, "post", f"{base_url}/api/receipts", result.receipt_ms, "receipts",
                             json={"events": events})
            if response is not None and response.status_code == 200:
                with lock:
                    result.acknowledged.update(e["client_id"] for e in events)
                return
            if response is not None and response.status_code == 429:
                break  # the member's own rate limit: the outbox keeps them for later
            time.sleep(0.2 * (attempt + 1))
        with lock:
            result.unsent += len(events)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        for future in [pool.submit(member, t) for t in tokens]:
            future.result()
    result.seconds = time.monotonic() - started
    return result
