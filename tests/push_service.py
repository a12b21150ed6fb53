"""A Web Push service for tests, on 127.0.0.1: one inbox per subscription. It checks nothing of the sender but
decrypts every message with the subscription's keys (RFC 8291, `http_ece`), as a phone's push service and browser
would; endpoints under /gone/ answer 410 as for a subscription that no longer exists."""

from __future__ import annotations

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service with one inbox per subscription; endpoints under /gone/ answer 410 as for a dead one."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple] = {}
        self.received: list[dict] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.startswith("/gone/"):
                    self.send_response(410)
                    self.end_headers()
                    return
                private, auth = service.keys[self.path]
                plain = http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
                service.received.append({"path": self.path, "payload": json.loads(plain),
                                         "authorization": self.headers["Authorization"],
                                         "encoding": self.headers["Content-Encoding"]})
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def subscription(self, name: str, *, gone: bool = False) -> dict:
        """What a browser's PushSubscription.toJSON() would give for a new subscription."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        path = f"/{'gone' if gone else 'push'}/{name}"
        self.keys[path] = (private, auth)
        point = private.public_key().public_bytes(serialization.Encoding.X962,
                                                  serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.url + path, "keys": {"p256dh": b64(point), "auth": b64(auth)}}
