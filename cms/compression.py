"""Compression as the production nginx does it (deploy/nginx/sotay.conf), for `sotay serve` and the benchmarks.

nginx compresses answers of the types in `gzip_types`/`brotli_types` from 512 bytes on, brotli when the
browser accepts it, else gzip, both at level 5; layer files arrive already compressed from their `.br`/`.gz`
siblings (the gate, like `gzip_static`/`brotli_static`) and are passed through. Django's development server
sends everything as it is, so without this the demo a new user opens on `make demo` would move three to
five times the bytes members get.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable

import brotli

# deploy/nginx/sotay.conf: gzip_types and brotli_types (text/html is always compressed by nginx)
TYPES = frozenset({"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                   "application/xml", "image/svg+xml", "text/plain"})
MIN_LENGTH = 512
LEVEL = 5


def accepted_encoding(accept: str, offered: Iterable[str] = ("br", "gzip")) -> str | None:
    """The first of `offered` the Accept-Encoding header allows (`q=0` refuses), or None."""
    allowed = set()
    for part in accept.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                allowed.add(name.strip().lower())
        except ValueError:
            continue
    return next((name for name in offered if name in allowed or "*" in allowed), None)


class CompressLikeNginx:
    """WSGI middleware: brotli or gzip for compressible answers that are not compressed yet."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        encoding = accepted_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding is None:
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.app(environ, capture)
        headers = list(captured["headers"])
        names = {k.lower(): v for k, v in headers}
        kind = names.get("content-type", "").split(";")[0].strip().lower()
        length = names.get("content-length")
        if (kind not in TYPES or "content-encoding" in names or captured["status"][:3] in ("206", "304")
                or (length is not None and int(length) < MIN_LENGTH)):
            start_response(captured["status"], headers, captured["exc_info"])
            return [*captured.get("written", []), *result] if captured.get("written") else result
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) >= MIN_LENGTH:
            body = brotli.compress(body, quality=LEVEL) if encoding == "br" else gzip.compress(body, LEVEL)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += [("Content-Encoding", encoding), ("Content-Length", str(len(body)))]
        vary = names.get("vary", "")
        if "accept-encoding" not in vary.lower():
            headers = [(k, v) for k, v in headers if k.lower() != "vary"]
            headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]
