"""`sotay backup [--out FILE]` and `sotay restore FILE`: one tar.gz with everything needed to come back.

The archive holds the database (PostgreSQL: `pg_dump --format=custom`; SQLite: an online copy through
SQLite's backup API, consistent while the site runs; any other engine: `dumpdata`), uploaded media, the
signing key (readers trust its public half: losing it means every reader must be told a new key), and the
store: the site directory's files (for S3 too: the builder's copy, whose versions the next build continues),
and for S3 the object listing (the bucket keeps its own copies; layers missing after a restore are rebuilt by
`sotay build`). The API's search index is rebuilt from the restored pages.

Django settings are read at run time (DJANGO_SETTINGS_MODULE, default cms.settings.dev).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from layerformat.errors import error_text, one_line

FORMAT = 1


class BackupError(Exception):
    """A backup or restore step failed; nothing was replaced."""


def _setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    return settings


def _require_database() -> None:
    """Fail before touching anything when the database does not answer (the CLI says so in one line)."""
    from django.db import connection

    connection.ensure_connection()


def _db_kind(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    return "sqlite" if "sqlite3" in engine else "dumpdata"


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def dump_database(target_dir: Path) -> str:
    from django.db import connection

    kind = _db_kind(connection.settings_dict)
    if kind == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target_dir / "db.dump"), *args], env)
    elif kind == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target_dir / "db.sqlite3") as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        from django.core.management import call_command

        call_command("dumpdata", natural_foreign=True, natural_primary=True, indent=0,
                     output=str(target_dir / "db.json"), verbosity=0)
    return kind


def restore_database(source_dir: Path, kind: str) -> None:
    from django.db import connection

    if kind != _db_kind(connection.settings_dict):
        raise BackupError(f"bản sao lưu là cơ sở dữ liệu {kind}, cấu hình hiện tại là "
                          f"{_db_kind(connection.settings_dict)}")
    if kind == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        connection.close()
        # pg_restore's own --clean cannot drop a partition's inherited constraints (receipts are partitioned by
        # month): the script drops partitioned tables whole first, then cleans and restores, in one transaction.
        script = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--file", "-",
                                 str(source_dir / "db.dump")], env=env, capture_output=True, text=True)
        if script.returncode != 0:
            raise BackupError(f"pg_restore thất bại: {one_line(script.stderr, 300)}")
        _run(["psql", "--quiet", "--no-psqlrc", "--single-transaction", "--set", "ON_ERROR_STOP=1", *args],
             env, stdin=DROP_PARTITIONED_SQL + script.stdout)
    elif kind == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source_dir / "db.sqlite3") as src:
            src.backup(connection.connection)
        src.close()
    else:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(source_dir / "db.json"), verbosity=0)


DROP_PARTITIONED_SQL = """
DO $$ DECLARE t text; BEGIN
    FOR t IN SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' LOOP
        EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', t);
    END LOOP;
END $$;
"""


def _run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, input=stdin)
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} thất bại: {one_line(result.stderr, 300)}")


def _store_info(settings: Any) -> tuple[str, Path | None, Any]:
    from deploy.stores import LocalStore, get_store

    store = get_store(settings.SOTAY_STORE)
    if isinstance(store, LocalStore):
        return "local", store.root, store
    return "s3", None, store


def backup(out: Path) -> dict[str, Any]:
    """Write the archive to `out` (through a temporary file, so a failed backup leaves no half archive)."""
    settings = _setup_django()
    _require_database()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sotay-backup-") as tmp:
        work = Path(tmp)
        (work / "database").mkdir()
        kind = dump_database(work / "database")
        store_kind, store_root, store = _store_info(settings)
        info = {"format": FORMAT, "created": datetime.now(UTC).isoformat(), "database": kind,
                "store": store_kind, "store_described": store.describe()}
        if store_kind == "s3":
            listing = [{"key": o.key, "size": o.size} for o in store.list("u/")]
            (work / "store-listing.json").write_text(json.dumps(listing), encoding="utf-8")
            info["objects"] = len(listing)
        (work / "backup.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = out.with_name(out.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the signing key
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            for name in sorted(p.name for p in work.iterdir()):
                tar.add(work / name, arcname=name)
            # With S3 the site directory is the builder's copy of what the bucket serves: its version
            # directories make the next build continue above the published versions after a restore.
            site_root = store_root if store_kind == "local" else Path(settings.SOTAY_SITE_DIR)
            for arcname, path in (("media", Path(settings.MEDIA_ROOT)), ("store", site_root),
                                  ("keys/signing.key", Path(settings.SOTAY_SIGNING_KEY_FILE))):
                if path is not None and path.exists():
                    tar.add(path, arcname=arcname)  # symlinks (live layers) are kept as symlinks
        os.replace(partial, out)
    return info


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Unpack `tar` into `dest`, refusing members that would land outside it.

    Python 3.11.4+ has extraction filters; Debian 12's python3 is 3.11.2, so the same checks as the "tar"
    filter are made here by hand when the filter is missing.
    """
    if hasattr(tarfile, "tar_filter"):
        tar.extractall(dest, filter="tar")
        return
    root = dest.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if member.name.startswith("/") or (target != root and root not in target.parents):
            raise BackupError(f"tệp sao lưu có đường dẫn ra ngoài thư mục phục hồi: {member.name}")
        if member.isdev():
            raise BackupError(f"tệp sao lưu có tệp thiết bị: {member.name}")
        if member.issym() or member.islnk():
            base = target.parent if member.issym() else root
            link = (base / member.linkname).resolve()
            if member.linkname.startswith("/") or (link != root and root not in link.parents):
                raise BackupError(f"tệp sao lưu có liên kết ra ngoài thư mục phục hồi: {member.name}")
        member.mode &= 0o777  # no setuid/setgid/sticky bits, as the "tar" filter does
    tar.extractall(dest)


def restore(archive: Path) -> dict[str, Any]:
    """Bring back the database, media, key and local store from `archive`."""
    settings = _setup_django()
    if not Path(archive).is_file():
        raise BackupError(f"không tìm thấy tệp sao lưu {archive}")
    with tempfile.TemporaryDirectory(prefix="sotay-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                _extract(tar, work)
            info = json.loads((work / "backup.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise BackupError(f"{archive} không phải bản sao lưu của sotay hoặc đã hỏng ({error_text(exc)})") \
                from exc
        if info.get("format") != FORMAT:
            raise BackupError(f"định dạng sao lưu không hỗ trợ: {info.get('format')}")
        _require_database()
        restore_database(work / "database", info["database"])
        _swap_dir(work / "media", Path(settings.MEDIA_ROOT))
        if (work / "keys/signing.key").exists():
            key_path = Path(settings.SOTAY_SIGNING_KEY_FILE)
            key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copy2(work / "keys/signing.key", key_path)
        store_kind, store_root, store = _store_info(settings)
        if info["store"] == "local" and store_root is not None:
            _swap_dir(work / "store", store_root)
        elif info["store"] == "s3":
            _swap_dir(work / "store", Path(settings.SOTAY_SITE_DIR))
        if info["store"] == "s3" and store_kind == "s3":
            listing = json.loads((work / "store-listing.json").read_text(encoding="utf-8"))
            present = {o.key for o in store.list("u/")}
            info["missing_objects"] = sum(1 for o in listing if o["key"] not in present)
    info["indexed"] = _rebuild_search()
    return info


def _rebuild_search() -> int | None:
    """The API's search index is derived data, not in the archive: index the restored pages again."""
    from io import StringIO

    from django.core.management import call_command, get_commands

    if "rebuild_search_index" not in get_commands():
        return None
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    digits = "".join(ch if ch.isdigit() else " " for ch in out.getvalue()).split()
    return int(digits[0]) if digits else 0


def _swap_dir(source: Path, target: Path) -> None:
    """Replace `target` by `source` with renames; the old directory is kept beside it until the swap is done."""
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.move(str(source), staged)
    old = target.with_name(f".{target.name}.before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


def main_backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay backup", description="Sao lưu cơ sở dữ liệu và kho nội dung.")
    parser.add_argument("--out", type=Path, default=None, help="tệp .tar.gz (mặc định var/backups/…)")
    args = parser.parse_args(argv)
    settings = _setup_django()
    out = args.out or Path(settings.SOTAY_VAR_DIR) / "backups" / f"sotay-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        info = backup(out)
    except (BackupError, OSError, BotoCoreError, ClientError) as exc:  # e.g. the bucket does not exist yet
        sys.stderr.write(f"Sao lưu thất bại: {error_text(exc)}\n")
        return 1
    sys.stdout.write(f"Đã sao lưu ({info['database']}, kho {info['store']}) vào {out}\n")
    return 0


def main_restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay restore", description="Phục hồi từ một tệp sao lưu.")
    parser.add_argument("archive", type=Path)
    args = parser.parse_args(argv)
    try:
        info = restore(args.archive)
    except (BackupError, OSError, tarfile.TarError, KeyError, ValueError) as exc:
        sys.stderr.write(f"Phục hồi thất bại: {error_text(exc)}\n")
        return 1
    sys.stdout.write(f"Đã phục hồi bản sao lưu lúc {info['created']}.\n")
    if info.get("indexed") is not None:
        sys.stdout.write(f"Đã lập lại chỉ mục tìm kiếm: {info['indexed']} bài viết.\n")
    if info.get("missing_objects"):
        sys.stdout.write(f"Thiếu {info['missing_objects']} đối tượng trên S3: chạy `sotay build` để dựng lại.\n")
    return 0
