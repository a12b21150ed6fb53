"""A sotay installation spread over "machines" on this one: PostgreSQL, the local S3 server, N web nodes (gunicorn)
and M workers, each in a working directory of its own (its own var/, site/, search index — nothing shared but the
database, the bucket and the signing key, as on separate machines), and nginx in front balancing the web nodes.

Used by the multi-node test (`tests/scale/test_multi_node.py`, `make scale-test`) and `sotay bench scale`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"
REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Node:
    name: str
    kind: str  # "web" or "worker"
    directory: Path
    port: int = 0
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """As a machine dies: SIGKILL to the whole process group, no clean-up."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    root: Path
    web_nodes: int = 2
    workers: int = 2
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    pg_port: int = 0
    database_url: str = ""
    s3_url: str = ""
    bucket: str = ""
    nginx_port: int = 0
    redis: bool = False  # the shared cache in Redis (django-redis) instead of the database
    redis_url: str = ""
    nodes: list[Node] = field(default_factory=list)
    _procs: list[subprocess.Popen] = field(default_factory=list)
    _secret: str = field(default_factory=lambda: secrets.token_urlsafe(40))

    # --- environment -------------------------------------------------------------------------------------
    def env(self, directory: Path) -> dict[str, str]:
        from deploy.s3server import FAKE_CREDENTIALS

        var = directory / "var"
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SOTAY_", "DJANGO_"))},
            **FAKE_CREDENTIALS,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SOTAY_SECRET_KEY": self._secret,
            "SOTAY_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SOTAY_DATABASE_URL": self.database_url,
            "SOTAY_VAR_DIR": str(var),
            "SOTAY_SITE_DIR": str(var / "site"),
            "SOTAY_BUILD_DIR": str(var / "build"),
            "SOTAY_SIGNING_KEY_FILE": str(self.root / "keys" / "signing.key"),
            "SOTAY_STORE_BUCKET": self.bucket,
            "SOTAY_STORE_ENDPOINT_URL": self.s3_url,
            "SOTAY_MEDIA_BUCKET": self.bucket,  # uploads shared by every machine, as docs/scaling.md says
            "SOTAY_SPEECH": "0",
            "SOTAY_DB_CONN_MAX_AGE": "60",
            "PYTHONPATH": str(REPO),
            **({"SOTAY_REDIS_URL": self.redis_url} if self.redis_url else {}),
        }

    def run(self, *args: str, directory: Path | None = None, check: bool = True) -> str:
        """Run a sotay command as one of the machines would; returns its stdout."""
        directory = directory or self.root / "admin"
        directory.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([str(VENV_BIN / "sotay"), *args], cwd=directory, env=self.env(directory),
                              capture_output=True, text=True, timeout=600)
        if check and done.returncode != 0:
            raise RuntimeError(f"sotay {' '.join(args)} failed: {done.stderr[-3000:]}")
        return done.stdout

    def python(self, module: str, *args: str, directory: Path | None = None) -> str:
        directory = directory or self.root / "admin"
        directory.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=self.env(directory),
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"{module} failed: {done.stderr[-3000:]}")
        return done.stdout

    # --- start and stop ----------------------------------------------------------------------------------
    def start(self) -> Cluster:
        self.root.mkdir(parents=True, exist_ok=True)
        self._start_postgresql()
        self._start_s3()
        if self.redis:
            self._start_redis()
        self.run("setup")
        for i in range(self.web_nodes):
            self.nodes.append(self._start_web(f"web{i + 1}"))
        for i in range(self.workers):
            self.nodes.append(self._start_worker(f"worker{i + 1}"))
        self._start_nginx()
        for node in self.web:
            wait_http(f"{node.url}/api/me")
        wait_http(f"{self.url}/api/me")
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def web(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "web"]

    @property
    def worker_nodes(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "worker"]

    def _start_postgresql(self) -> None:
        self.pg_port = free_port()
        out = subprocess.run([str(REPO / "scripts" / "pg-test"), "start", str(self.root / "pg"), str(self.pg_port)],
                             capture_output=True, text=True, check=True, timeout=120)
        self.database_url = out.stdout.strip().splitlines()[-1]

    def _start_s3(self) -> None:
        from deploy.s3server import FAKE_CREDENTIALS
        from deploy.stores import S3Store

        proc = subprocess.Popen([sys.executable, "-m", "deploy.s3server"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env={**os.environ, **FAKE_CREDENTIALS}, text=True,
                                cwd=REPO, start_new_session=True)
        self._procs.append(proc)
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.strip().isdigit():
            raise RuntimeError("the local S3 server did not start")
        self.s3_url = f"http://127.0.0.1:{int(line)}"
        self.bucket = f"sotay-{uuid.uuid4().hex[:10]}"
        saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
        os.environ.update(FAKE_CREDENTIALS)
        try:
            S3Store(self.bucket, endpoint_url=self.s3_url).client.create_bucket(Bucket=self.bucket)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def _start_redis(self) -> None:
        port = free_port()
        proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", str(self.root)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._procs.append(proc)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def _spawn(self, node: Node, argv: list[str]) -> Node:
        node.directory.mkdir(parents=True, exist_ok=True)
        log = (node.directory / f"{node.name}.log").open("ab")
        node.proc = subprocess.Popen(argv, cwd=node.directory, env=self.env(node.directory), stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        return node

    def _start_web(self, name: str) -> Node:
        node = Node(name, "web", self.root / name, port=free_port())
        return self._spawn(node, [str(VENV_BIN / "gunicorn"), "cms.wsgi:application", "--chdir", str(REPO),
                                  "-b", f"127.0.0.1:{node.port}", "-w", str(self.gunicorn_workers),
                                  "--threads", str(self.gunicorn_threads), "--timeout", "60"])

    def _start_worker(self, name: str) -> Node:
        node = Node(name, "worker", self.root / name)
        return self._spawn(node, [str(VENV_BIN / "sotay"), "worker"])

    def _start_nginx(self, nodes: list[Node] | None = None) -> None:
        self.nginx_port = self.nginx_port or free_port()
        self._procs.append(start_nginx(self.root / "nginx", self.nginx_port,
                                       [n.url[len("http://"):] for n in (nodes or self.web)]))

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        for proc in self._procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        subprocess.run([str(REPO / "scripts" / "pg-test"), "stop", str(self.root / "pg")], check=False,
                       capture_output=True, timeout=60)

    def logs(self) -> str:
        out = []
        for node in self.nodes:
            log = node.directory / f"{node.name}.log"
            if log.exists():
                out.append(f"--- {node.name}\n{log.read_text(errors='replace')[-4000:]}")
        return "\n".join(out)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
        if not os.environ.get("SOTAY_KEEP_SCALE_DIR"):
            shutil.rmtree(self.root, ignore_errors=True)


def start_nginx(conf_dir: Path, port: int, upstreams: list[str]) -> subprocess.Popen:
    """nginx on 127.0.0.1:`port` balancing `upstreams` ("host:port"); a dead one's requests go to another."""
    (conf_dir / "logs").mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (conf_dir / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {conf_dir}/body;
    client_max_body_size 4m;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    upstream sotay_app {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://sotay_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            # A dead node: its request goes to the other one (receipts too: they are replay-safe by UUID).
            proxy_next_upstream error timeout http_502 non_idempotent;
            proxy_connect_timeout 2s;
        }}
    }}
}}
""")
    return subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time (user + system) used so far by the processes `root_pids` and all their descendants, ended ones
    included."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        # Own time plus that of reaped children (PostgreSQL's backends end with their connections): a live
        # process's time is in no parent's yet, a reaped one's only in its parent's, so nothing counts twice.
        used[int(entry.name)] = sum(int(f) for f in fields[11:15]) / ticks
    wanted = set(root_pids)
    grew = True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in wanted and pid not in wanted}
        wanted |= more
        grew = bool(more)
    return sum(used.get(pid, 0.0) for pid in wanted)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant at once, as when its machine dies."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    doomed, grew = {pid}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in doomed and p not in doomed}
        doomed |= more
        grew = bool(more)
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
