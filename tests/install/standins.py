"""Stand-ins for the few programs docs/deploy.md calls that cannot do their real work in the install test.

Run with Debian's /usr/bin/python3 (standard library only) as `standins.py PROGRAM ARGS…`; the install test's
shell defines `systemctl`, `certbot` and `apt-get` as functions that call it. What each one does instead:

- `systemctl` (no systemd here): runs a unit's `ExecStart` by hand as systemd would — its `User`/`Group`,
  `WorkingDirectory`, `EnvironmentFile` (systemd's rules), `%%` unescaped, the `.socket` unit's listening socket
  handed over as fd 3 with `LISTEN_FDS`/`LISTEN_PID`; a `.timer` waits (its night never comes); `nginx` starts or
  reloads the machine's nginx with the site's `listen 80` moved to 127.0.0.1 and a free port; `postgresql`
  restarts the test's throwaway cluster, which includes `/etc/postgresql/15/main/conf.d/sotay.conf`.
- `certbot --nginx` / `certbot install --nginx`: a self-signed certificate, and the `listen … ssl` and
  `ssl_certificate` lines certbot would add, on 127.0.0.1 and a free port.
- `apt-get`: runs only if a package named is missing (this machine has them; CI's has them after
  `make setup`), and leaves out python3-certbot-nginx, which the certbot stand-in replaces.

State (pids, logs, ports) lives in $SOTAY_TEST_STATE.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

STATE = Path(os.environ.get("SOTAY_TEST_STATE", "/tmp/sotay-install-state"))
UNIT_DIR = Path("/etc/systemd/system")
SITE = Path("/etc/nginx/sites-available/sotay")
CERT_DIR = Path("/etc/ssl/sotay-install-test")
REPLACED_PACKAGES = {"python3-certbot-nginx"}


def unit_file(name: str) -> dict[str, list[str]]:
    """A unit file's keys (continuation lines joined); every value of a repeated key is kept."""
    text = (UNIT_DIR / name).read_text(encoding="utf-8").replace("\\\n", " ")
    keys: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def environment_file(path: str) -> dict[str, str]:
    """systemd's EnvironmentFile rules for the simple case: KEY=VALUE, optional quotes, # comments."""
    env = {}
    for line in Path(path.lstrip("-")).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def command_line(value: str) -> list[str]:
    return [part.replace("%%", "%") for part in shlex.split(value.lstrip("-@+!"))]


def unit_env(keys: dict[str, list[str]]) -> dict[str, str]:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    user = keys.get("User", ["root"])[-1]
    env.update(HOME=pwd.getpwnam(user).pw_dir, USER=user, LOGNAME=user)
    for path in keys.get("EnvironmentFile", []):
        env.update(environment_file(path))
    return env


def listening_socket(name: str) -> socket.socket | None:
    path = UNIT_DIR / name
    if not path.exists():
        return None
    keys = unit_file(name)
    address = keys["ListenStream"][-1]
    Path(address).parent.mkdir(parents=True, exist_ok=True)
    Path(address).unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(address)
    sock.listen(128)
    uid = pwd.getpwnam(keys.get("SocketUser", ["root"])[-1]).pw_uid
    gid = grp.getgrnam(keys.get("SocketGroup", ["root"])[-1]).gr_gid
    os.chown(address, uid, gid)
    os.chmod(address, int(keys.get("SocketMode", ["0666"])[-1], 8))
    return sock


def become(keys: dict[str, list[str]]) -> None:
    user = pwd.getpwnam(keys.get("User", ["root"])[-1])
    group = keys.get("Group", [None])[-1]
    gid = grp.getgrnam(group).gr_gid if group else user.pw_gid
    os.setgroups([])
    os.initgroups(user.pw_name, gid)
    os.setgid(gid)
    os.setuid(user.pw_uid)
    os.chdir(keys.get("WorkingDirectory", [user.pw_dir])[-1])


def run_oneshot(name: str, keys: dict[str, list[str]]) -> None:
    env = unit_env(keys)
    for key in ("ExecStart", "ExecStartPost"):
        for value in keys.get(key, []):
            result = subprocess.run(command_line(value), env=env, preexec_fn=lambda: become(keys))
            if result.returncode != 0 and not value.startswith("-"):
                sys.exit(f"{name}: {value} exited {result.returncode}")


def start_service(name: str) -> None:
    keys = unit_file(name)
    if keys.get("Type", ["simple"])[-1] == "oneshot":
        run_oneshot(name, keys)
        return
    if pid_alive(name):
        return
    sock = listening_socket(name.replace(".service", ".socket"))
    env = unit_env(keys)
    argv = command_line(keys["ExecStart"][-1])
    STATE.mkdir(parents=True, exist_ok=True)
    log = open(STATE / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            if sock is not None:
                os.dup2(sock.fileno(), 3)
                os.set_inheritable(3, True)
                env.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES=sock_name(name))
            become(keys)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    (STATE / f"{name}.pid").write_text(str(pid))


def sock_name(name: str) -> str:
    return name.replace(".service", ".socket")


def pid_alive(name: str) -> int | None:
    try:
        pid = int((STATE / f"{name}.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return None
    except ChildProcessError:
        pass
    state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] if Path(f"/proc/{pid}").exists() else "Z"
    return None if state == "Z" else pid


def stop_service(name: str) -> None:
    pid = pid_alive(name)
    if pid is None:
        return
    os.killpg(pid, signal.SIGTERM)
    for _ in range(600):
        if pid_alive(name) is None:
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    (STATE / f"{name}.pid").unlink(missing_ok=True)


def nginx_site_for_test() -> None:
    """The site's plain-HTTP listen moves to 127.0.0.1 and the test's port (80 may be taken here)."""
    if not SITE.exists():
        return
    text = SITE.read_text(encoding="utf-8")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{os.environ['SOTAY_TEST_HTTP_PORT']};")
    text = text.replace("    listen [::]:80;\n", "")
    SITE.write_text(text, encoding="utf-8")


def nginx(action: str) -> None:
    if action != "stop":  # stopping (the test's clean-up) needs no port
        nginx_site_for_test()
    running = Path("/run/nginx.pid").exists() and subprocess.run(
        ["kill", "-0", Path("/run/nginx.pid").read_text().strip()], capture_output=True).returncode == 0
    if action == "stop":
        if running:
            subprocess.run(["nginx", "-s", "quit"], check=True)
        return
    subprocess.run(["nginx", "-s", "reload"] if running else ["nginx"], check=True)
    time.sleep(0.5)


def postgresql() -> None:
    pg_ctl, data = os.environ["SOTAY_TEST_PG_CTL"], os.environ["SOTAY_TEST_PGDATA"]
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c",
                    f"cd / && {pg_ctl} -D '{data}' -l '{data}/../server.log' -w restart >/dev/null"], check=True)


def systemctl(args: list[str]) -> None:
    args = [a for a in args if a not in ("--now", "--quiet", "-q")]
    action, units = args[0], args[1:]
    if action == "daemon-reload":
        return
    for unit in units:
        if unit in ("nginx", "nginx.service"):
            nginx(action)
            continue
        if unit.startswith("postgresql"):
            postgresql()
            continue
        name = unit if "." in unit else f"{unit}.service"
        if name.endswith((".socket", ".timer")):
            # A socket is created when its service starts, and handed to it; a timer fires at its calendar
            # time, not when enabled (the test starts the timer's service when it wants the night to come).
            continue
        service = name.replace(".timer", ".service")
        if action in ("stop", "restart"):
            stop_service(service)
        if action in ("enable", "start", "restart"):
            start_service(service)
        if action == "reload":
            os.killpg(pid_alive(service) or sys.exit(f"{service} is not running"), signal.SIGHUP)


def certbot(args: list[str]) -> None:
    names = [args[i + 1] for i, a in enumerate(args) if a in ("-d", "--cert-name")]
    CERT_DIR.mkdir(parents=True, exist_ok=True)
    cert, key = CERT_DIR / "fullchain.pem", CERT_DIR / "privkey.pem"
    if not cert.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", f"/CN={names[0]}", "-addext", f"subjectAltName=DNS:{names[0]}",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    nginx_site_for_test()
    text = SITE.read_text(encoding="utf-8")
    if "ssl_certificate" not in text:
        port = os.environ["SOTAY_TEST_HTTPS_PORT"]
        text = re.sub(r"(?m)^(\s*)(listen 127\.0\.0\.1:\d+;)$",
                      rf"\1\2\n\1listen 127.0.0.1:{port} ssl;  # managed by Certbot\n"
                      rf"\1ssl_certificate {cert};\n\1ssl_certificate_key {key};", text, count=1)
        SITE.write_text(text, encoding="utf-8")
    nginx("reload")


def apt_get(args: list[str]) -> None:
    if args[:1] != ["install"]:
        return  # `apt-get update` happens below, only when something is to be installed
    packages = [a for a in args[1:] if not a.startswith("-") and a not in REPLACED_PACKAGES]
    missing = [p for p in packages if not installed(p)]
    if missing:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True)


def installed(package: str) -> bool:
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    if "install ok installed" in status.stdout:
        return True
    # `nginx` is satisfied by any of Debian's nginx flavours (nginx-light here).
    return package == "nginx" and Path("/usr/sbin/nginx").exists()


if __name__ == "__main__":
    program, rest = sys.argv[1], sys.argv[2:]
    {"systemctl": systemctl, "certbot": certbot, "apt-get": apt_get}[program](rest)
