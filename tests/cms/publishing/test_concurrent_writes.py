"""Several writers on the embedded SQLite database at once: the build worker, an editor's autosave and a publish.

Measured with the settings' own database entry against the entry sotay had before (busy timeout only, deferred
transactions, rollback journal): each writer reads, then writes, in one transaction — as Wagtail's publish and
django-tasks' queue do — and all of them start together.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from cms.settings.base import sqlite_database

WRITERS = ("build-worker", "autosave", "publish")


def _run_writers(config: dict, rounds: int = 3) -> list[str]:
    """Start every writer together, `rounds` times; the errors they met."""
    alias = f"concurrent_{id(config)}"
    configured = connections.configure_settings({"default": connections.settings["default"], alias: config})
    connections.settings[alias] = configured[alias]
    errors: list[str] = []

    def writer(name: str, start: threading.Barrier) -> None:
        conn = connections[alias]
        try:
            for _ in range(rounds):
                start.wait()
                try:
                    with transaction.atomic(using=alias):
                        with conn.cursor() as cursor:
                            cursor.execute("SELECT value FROM counter WHERE name = %s", [name])
                            (value,) = cursor.fetchone()
                            time.sleep(0.05)  # the work between the read and the write (rendering, validation)
                            cursor.execute("UPDATE counter SET value = %s WHERE name = %s", [value + 1, name])
                except OperationalError as error:
                    errors.append(f"{name}: {error}")
        finally:
            conn.close()

    setup = connections[alias]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        for name in WRITERS:
            cursor.execute("INSERT INTO counter VALUES (%s, 0)", [name])
    setup.close()
    start = threading.Barrier(len(WRITERS))
    threads = [threading.Thread(target=writer, args=(name, start)) for name in WRITERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    del connections.settings[alias]
    return errors


def test_concurrent_writers_fail_with_the_old_settings(tmp_path, django_db_blocker):
    # The measurement the fix rests on: without immediate transactions a writer that read first cannot wait.
    old = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "old.sqlite3"), "OPTIONS": {"timeout": 30}}
    with django_db_blocker.unblock():
        errors = _run_writers(old)
    assert errors and all("database is locked" in e for e in errors)


def test_concurrent_writers_wait_for_each_other_with_the_settings(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():
        errors = _run_writers(sqlite_database(path), rounds=5)
    assert errors == []
    import sqlite3

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert dict(db.execute("SELECT name, value FROM counter")) == dict.fromkeys(WRITERS, 5)


def test_the_embedded_database_is_set_up_for_several_writers(settings):
    database = settings.DATABASES["default"]
    if "sqlite" not in database["ENGINE"]:
        pytest.skip("running on PostgreSQL")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
