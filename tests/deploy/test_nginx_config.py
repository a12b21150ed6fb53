"""The production nginx configs, run by Debian's nginx on 127.0.0.1 in front of a stand-in application.

The stand-in answers `/api/access` like the API does (401 without a session, 403 for another unit's layer)
and, for the S3 config, answers layer requests with `deploy.serve.gate_answer`, the code the real gate uses.
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy.filetypes import cache_control_for_path
from deploy.publish import publish_layer
from deploy.serve import NotInLayer, gate_answer

CONF_DIR = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is not installed")
HAS_BROTLI = any(Path("/etc/nginx/modules-enabled").glob("*brotli*"))
MEMBER = "session=dh-member"  # may read u/tn/all and u/tn/dh/all


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandInApp(BaseHTTPRequestHandler):
    store = None

    def log_message(self, *args) -> None:
        pass

    def allowed(self, uri: str) -> int:
        if MEMBER not in (self.headers.get("Cookie") or ""):
            return 401
        return 200 if uri.startswith(("/u/tn/all/", "/u/tn/dh/all/")) else 403

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/api/access"):
            self.answer(self.allowed(self.headers.get("X-Original-URI", "")), {})
        elif self.path.startswith("/u/") and self.store is not None:
            status = self.allowed(self.path)
            if status != 200:
                return self.answer(status, {})
            layer, _, rest = self.path[3:].partition("/all/")
            try:
                found = gate_answer(self.store, f"u/{layer}/all", rest, expires_s=60)
            except NotInLayer:
                return self.answer(404, {})
            self.answer(found.status, found.headers)
        else:
            self.answer(200, {"Content-Type": "text/plain"}, b"app")

    def answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def render(conf: str, tmp: Path, port: int, app_port: int, s3_endpoint: str = "") -> Path:
    """The config as an operator installs it, with this machine's paths and ports, in a minimal nginx.conf."""
    text = (CONF_DIR / conf).read_text(encoding="utf-8")
    text = text.replace("unix:/run/sotay/gunicorn.sock", f"127.0.0.1:{app_port}")
    text = text.replace("/var/lib/sotay", str(tmp / "var"))
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
    if not HAS_BROTLI:  # as docs/deploy.md says: without Debian's brotli modules, drop the brotli lines
        text = re.sub(r"(?m)^\s*brotli\w*[^;]*;\n", "", text)
    if s3_endpoint:
        scheme, host = s3_endpoint.split("://")
        text = text.replace('"https";', f'"{scheme}";')
        text = text.replace('"sotay-layers.s3.ap-southeast-1.amazonaws.com"', f'"{host}"')
    (tmp / "sotay.conf").write_text(text, encoding="utf-8")
    main = tmp / "nginx.conf"
    main.write_text(f"""
user root;
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
include /etc/nginx/modules-enabled/*.conf;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    include {tmp}/sotay.conf;
}}
""", encoding="utf-8")
    return main


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(conf: str, store=None, s3_endpoint: str = "") -> int:
        handler = type("App", (StandInApp,), {"store": store})
        app = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=app.serve_forever, daemon=True).start()
        port = free_port()
        main = render(conf, tmp_path, port, app.server_port, s3_endpoint)
        proc = subprocess.Popen([NGINX, "-c", str(main), "-e", str(tmp_path / "error.log")],
                                stderr=subprocess.PIPE)
        started.append((app, proc))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.05)
        raise AssertionError("nginx did not start")

    yield start
    for app, proc in started:
        proc.terminate()
        proc.wait(timeout=10)
        app.shutdown()


def get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.mark.parametrize("conf", ["sotay.conf", "sotay-s3.conf"])
def test_config_passes_nginx_t(conf, tmp_path):
    main = render(conf, tmp_path, free_port(), free_port(), "http://127.0.0.1:9")
    result = subprocess.run([NGINX, "-t", "-c", str(main), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def disk_site(tmp_path, make_layer, sample_files):
    files = sample_files()
    files["a/1/index.html"] = ("<h1>Nghị quyết</h1>" + "<p>Đảng bộ tỉnh lãnh đạo.</p>" * 200).encode()
    make_layer(files, site_dir=tmp_path / "var" / "site")
    make_layer(sample_files(2), layer="u/tn/dt/all", site_dir=tmp_path / "var" / "site")
    return files


def test_member_gets_own_layer_files_with_their_types_and_cache_rules(serve, disk_site):
    port = serve("sotay.conf")
    cookie = {"Cookie": MEMBER}

    status, headers, body = get(port, "/u/tn/dh/all/a/1/", cookie)
    assert status == 200 and body == disk_site["a/1/index.html"]
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "private, no-cache"

    expectations = {
        "assets/stylesheets/main.6f8fc17f.min.css": "text/css",
        "pagefind/fragment/vi_3d2f1a0.pf_fragment": "application/octet-stream",
        "audio/3f2a.opus": "audio/ogg",
        "manifest.json": "application/json",
        "feed.json": "application/json",
    }
    for path, content_type in expectations.items():
        status, headers, _ = get(port, f"/u/tn/dh/all/{path}", cookie)
        assert status == 200, path
        assert headers["content-type"].startswith(content_type), path
        assert headers["cache-control"] == cache_control_for_path(path), path


def test_access_is_checked_for_every_layer_file(serve, disk_site):
    port = serve("sotay.conf")

    assert get(port, "/u/tn/dt/all/a/1/index.html", {"Cookie": MEMBER})[0] == 403
    assert get(port, "/u/tn/dh/all/audio/3f2a.opus")[0] == 401
    status, headers, _ = get(port, "/u/tn/dh/all/a/1/", {"Accept": "text/html,*/*"})
    assert status == 302
    assert headers["location"].startswith("/dang-nhap/?next=/u/tn/dh/all/a/1/")


def test_text_is_compressed_with_gzip_and_brotli(serve, disk_site):
    port = serve("sotay.conf")

    status, headers, body = get(port, "/u/tn/dh/all/a/1/index.html", {"Cookie": MEMBER, "Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == disk_site["a/1/index.html"]
    if not HAS_BROTLI:
        pytest.skip("libnginx-mod-http-brotli-filter is not installed")
    status, headers, body = get(port, "/u/tn/dh/all/a/1/index.html", {"Cookie": MEMBER, "Accept-Encoding": "br"})
    assert headers.get("content-encoding") == "br"
    assert len(body) < len(disk_site["a/1/index.html"]) / 5


def test_s3_config_serves_pages_at_their_url_and_redirects_audio(serve, s3_store, s3_endpoint, make_layer,
                                                                  sample_files):
    files = sample_files()
    publish_layer(make_layer(files), s3_store)
    port = serve("sotay-s3.conf", store=s3_store, s3_endpoint=s3_endpoint)
    cookie = {"Cookie": MEMBER}

    status, headers, body = get(port, "/u/tn/dh/all/a/3/", cookie)
    assert status == 200 and body == files["a/3/index.html"]
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "private, no-cache"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/u/tn/dh/all/a/3/", headers=cookie)
    sent = [v for k, v in conn.getresponse().getheaders() if k.lower() == "cache-control"]
    assert sent == ["private, no-cache"]  # once: not the app's and the location's both
    status, headers, body = get(port, "/u/tn/dh/all/assets/stylesheets/main.6f8fc17f.min.css", cookie)
    assert status == 200 and "immutable" in headers["cache-control"]

    status, headers, _ = get(port, "/u/tn/dh/all/audio/3f2a.opus", cookie)
    assert status == 302
    conn_host = s3_endpoint.split("://")[1]
    assert headers["location"].startswith(f"{s3_endpoint}/{s3_store.bucket}/u/tn/dh/all/_blobs/")
    assert conn_host in headers["location"]
    assert get(port, "/u/tn/dt/all/index.html", cookie)[0] == 403


def test_precompressed_siblings_written_by_the_build_are_sent_as_they_are(serve, tmp_path, make_layer,
                                                                          sample_files):
    from site_builder.compress import compress_site

    files = sample_files()
    page = ("<h1>Nghị quyết</h1>" + "<p>Đảng bộ tỉnh lãnh đạo.</p>" * 200).encode()
    files["a/1/index.html"] = page
    source = tmp_path / "built"
    for rel, data in files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_bytes(data)
    compress_site(source)
    # Marked copies: what arrives proves nginx sent the build's file instead of compressing on the fly.
    marked = page + b"<!-- precompressed -->"
    files["a/1/index.html.gz"] = gzip.compress(marked)
    files["a/1/index.html.br"] = (source / "a/1/index.html.br").read_bytes()
    make_layer(files, site_dir=tmp_path / "var" / "site")
    port = serve("sotay.conf")

    status, headers, body = get(port, "/u/tn/dh/all/a/1/index.html", {"Cookie": MEMBER, "Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == marked
    assert headers["content-type"].startswith("text/html")
    if not HAS_BROTLI:
        pytest.skip("libnginx-mod-http-brotli-static is not installed")
    import brotli

    status, headers, body = get(port, "/u/tn/dh/all/a/1/index.html", {"Cookie": MEMBER, "Accept-Encoding": "br"})
    assert headers.get("content-encoding") == "br"
    assert brotli.decompress(body) == page
    assert body == files["a/1/index.html.br"]
