"""`sotay serve` ends its build worker with it, whatever stops it; there is one worker per installation."""

from __future__ import annotations

import fcntl
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port, server_env, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("serve-var")
    subprocess.run([sys.executable, "-m", "cms.cli", "manage", "migrate", "-v0"], cwd=ROOT,
                   env=server_env(var_dir), check=True)
    return var_dir


def _descendants(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    children = [int(line) for line in result.stdout.split()]
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def _start(var_dir: Path, tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    own = tmp_path / "var"
    shutil.copytree(var_dir, own)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "cms.cli", "serve", "--port", str(port)], cwd=ROOT,
                            env=server_env(own), stdout=log, stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}/dang-nhap/", proc)
    deadline = time.monotonic() + 20
    while not (children := _descendants(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return proc, children


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
                         ids=["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"])
def test_serve_leaves_no_process_behind(migrated, tmp_path, signum):
    proc, children = _start(migrated, tmp_path)
    try:
        time.sleep(1)  # a reloader would have started its child by now
        children = _descendants(proc.pid)
        assert len(children) == 1, "serve runs exactly one build worker, itself with no children"
        assert "worker" in Path(f"/proc/{children[0]}/cmdline").read_text()
        proc.send_signal(signum)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"processes outlived serve stopped by {signal.Signals(signum).name}: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()


def _wait_for_worker_lock(var_dir: Path, timeout: float = 90) -> None:
    """Serve answers before its worker has set up Django; the worker holds the lock only from then on."""
    lock = var_dir / "worker.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists():
            with lock.open("a") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(probe, fcntl.LOCK_UN)
        time.sleep(0.2)
    raise AssertionError("serve's worker never took the installation's worker lock")


def test_a_second_worker_on_the_same_installation_does_not_start(migrated, tmp_path):
    proc, children = _start(migrated, tmp_path)
    try:
        _wait_for_worker_lock(tmp_path / "var")
        second = subprocess.run([sys.executable, "-m", "cms.cli", "worker"], cwd=ROOT,
                                env=server_env(tmp_path / "var"), capture_output=True, text=True, timeout=60)
        assert second.returncode == 0
        assert "đã chạy" in second.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)
