"""The path an open home takes to see an urgent notice without push (cms/notices/watch.py), for
`sotay bench notices`:

- `notice_visible_watch_s`: every simulated home asks `GET /api/notices/version` every `period` seconds (each
  at its own phase, as phones opened at different moments do) with its watch token and ETag, and fetches
  `/api/notices?unseen=1` only when the version changes; seconds from sending until the last home shows it.
- `version_*`: the cost of one question, with homes asking back to back: answers per second, latency, and
  CPU of the web workers and of PostgreSQL per answer (from /proc), from which the cost per open home follows.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from pathlib import Path

VERSION = "/api/notices/version"


def _proc_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants, living or ended (reaped: their parent's cutime)."""
    total = 0
    for each in _proc_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime (clock ticks)
    return total / 100


def first_look(port: int, api_token: str) -> tuple[str, str]:
    """What a home's first question gets through the member's session (here their API token)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", VERSION, headers={"Authorization": f"Token {api_token}"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{VERSION}: {response.status} {data}")
    return data["version"], data["watch"]


def _home(port, api_token, look, notice_id_box, period, started_box, out, lock, deadline) -> None:
    version, watch = look
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    time.sleep(random.uniform(0, period))
    while time.perf_counter() < deadline:
        tick = time.perf_counter()
        conn.request("GET", VERSION, headers={"X-Sotay-Watch": watch, "If-None-Match": f'"{version}"'})
        response = conn.getresponse()
        body = response.read()
        if response.status == 200:
            version = json.loads(body)["version"]
            conn.request("GET", "/api/notices?unseen=1", headers={"Authorization": f"Token {api_token}"})
            notices = json.loads(conn.getresponse().read())
            if notice_id_box and any(n["id"] == notice_id_box[0] for n in notices):
                with lock:
                    out.append(time.perf_counter() - started_box[0])
                break
        time.sleep(max(0.0, period - (time.perf_counter() - tick)))
    conn.close()


def notice_visible_watch(port: int, sender_token: str, tokens: list[str], period: float = 3.0) -> dict:
    """Homes open and asking; a province-wide notice is sent; seconds until the last home shows it."""
    looks = [first_look(port, t) for t in tokens]
    seen: list[float] = []
    lock = threading.Lock()
    notice_id_box: list[int] = []
    started_box = [0.0]
    deadline = time.perf_counter() + 60
    threads = [threading.Thread(target=_home, args=(port, t, look, notice_id_box, period, started_box, seen, lock,
                                                    deadline)) for t, look in zip(tokens, looks, strict=True)]
    for thread in threads:
        thread.start()
    time.sleep(period * 1.5)  # every home has asked at least once: steady state
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"title": "Khẩn: mưa lũ", "body": "Đề nghị đảng viên giúp dân di dời tài sản lên cao."})
    started_box[0] = time.perf_counter()
    conn.request("POST", "/api/notices", body=body, headers={"Authorization": f"Token {sender_token}",
                                                             "Content-Type": "application/json"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"gửi thông báo thất bại: {response.status} {answer}")
    notice_id_box.append(answer["id"])
    for thread in threads:
        thread.join()
    return {"notice_visible_watch_s": round(max(seen), 2) if len(seen) == len(tokens) else None,
            "watch_period_s": period, "watch_homes": len(tokens), "watch_homes_seen": len(seen),
            "watch_median_visible_s": round(sorted(seen)[len(seen) // 2], 2) if seen else None}


def postmaster_pid(database) -> int | None:
    """The benchmark's own PostgreSQL cluster's main process (None for a given server)."""
    cluster = getattr(database, "cluster", None)
    try:
        return int((cluster / "data" / "postmaster.pid").read_text().split()[0]) if cluster else None
    except (OSError, ValueError, IndexError):
        return None


def version_cost(port: int, tokens: list[str], server_pid: int, db_pid: int | None, seconds: float = 10,
                 concurrency: int = 8, full: bool = False) -> dict:
    """Homes asking back to back (all answered 304): answers per second and CPU per answer. With `full`, the same
    for the full check an open home made every minute before (`/api/notices?unseen=1`), for comparison."""
    looks = [first_look(port, t) for t in tokens[:concurrency]]
    if full:
        looks = [(token, "") for token in tokens[:concurrency]]
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def asker(look) -> None:
        version, watch = look
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            if full:
                conn.request("GET", "/api/notices?unseen=1", headers={"Authorization": f"Token {version}"})
            else:
                conn.request("GET", VERSION, headers={"X-Sotay-Watch": watch, "If-None-Match": f'"{version}"'})
            response = conn.getresponse()
            response.read()
            if response.status != (200 if full else 304):
                raise RuntimeError(f"{VERSION}: {response.status}")
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    cpu_web, cpu_db = cpu_seconds(server_pid), cpu_seconds(db_pid) if db_pid else 0.0
    began = time.perf_counter()
    threads = [threading.Thread(target=asker, args=(look,)) for look in looks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu_web, cpu_db = cpu_seconds(server_pid) - cpu_web, (cpu_seconds(db_pid) - cpu_db) if db_pid else 0.0
    latencies.sort()
    count = len(latencies)
    name = "full_check" if full else "version"
    return {f"{name}_answers_per_s": round(count / elapsed), f"{name}_p50_ms": round(latencies[count // 2] * 1000, 2),
            f"{name}_p95_ms": round(latencies[int(count * 0.95)] * 1000, 2),
            f"{name}_web_cpu_ms": round(cpu_web * 1000 / count, 3),
            f"{name}_db_cpu_ms": round(cpu_db * 1000 / count, 3), f"{name}_answers": count}
