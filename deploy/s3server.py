"""A real S3 API server on 127.0.0.1 (moto in server mode) for tests, benchmarks and trying things out.

`python -m deploy.s3server [--port N]` serves until stopped and prints its port on the first line.
moto does not check the expiry of presigned URLs; the server here refuses an expired one the way S3 does
(403 AccessDenied, "Request has expired"), so that expiry can be tested end to end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}

_EXPIRED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
            b"<Message>Request has expired</Message></Error>")


def expiry_enforcing(app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI middleware: refuse presigned (query-signed) requests after X-Amz-Date + X-Amz-Expires."""

    def wrapped(environ: dict, start_response: Callable[..., Any]) -> Any:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:
            signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if datetime.now(UTC) > signed_at + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                                 ("Content-Length", str(len(_EXPIRED)))])
                return [_EXPIRED]
        return app(environ, start_response)

    return wrapped


def serve(port: int = 0, ready: Callable[[int], None] | None = None) -> None:
    from moto.moto_server.threaded_moto_server import MotoRequestHandler
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = expiry_enforcing(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    if ready:
        ready(server.server_port)
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.s3server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)

    def announce(port: int) -> None:
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):
        serve(args.port, announce)
    return 0


@contextlib.contextmanager
def running_s3_server() -> Iterator[str]:
    """Start the server in its own process; yield its endpoint URL; stop it on exit."""
    env = {**os.environ, **FAKE_CREDENTIALS}
    proc = subprocess.Popen([sys.executable, "-m", "deploy.s3server"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.strip().isdigit():
            raise RuntimeError("the local S3 server did not start")
        yield f"http://127.0.0.1:{int(line)}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    raise SystemExit(main())
