"""One build of a layer at a time across every worker machine.

On PostgreSQL the lock is a session advisory lock, `pg_advisory_lock(BUILD_LOCKS, <layer hash>)`, held on a
connection of its own for the whole build (export, version floor, render, upload): a worker on another machine
that takes a build of the same layer waits for it, then exports the pages as they are *then* and numbers its
version above the one just uploaded. So a layer queued again while it was building is built once more
afterwards, never skipped, and versions reach the bucket in order. A worker that dies mid-build loses its
connection and PostgreSQL releases the lock at once; nothing is left to clean up. The lock lives on its own
connection so that whatever the build does with the ORM's connection (transactions, errors, a reconnect)
cannot drop it.

On SQLite (the demo, one machine) a file lock in the build directory does the same for the processes of that
machine.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

from layerformat.fsutil import locked
from layerformat.model import LayerId

logger = logging.getLogger("sotay.publishing")

# The first key of the two-key advisory lock: "sotay build" locks, apart from any other advisory lock.
BUILD_LOCKS = 0x50_7A_B1


def lock_key(layer: LayerId) -> int:
    """A layer's second key: a signed 32-bit hash of its prefix (two layers sharing one only wait for each
    other, which is harmless)."""
    value = zlib.crc32(layer.prefix.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def on_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


@contextmanager
def layer_lock(layer: LayerId, *, alias: str = "default") -> Iterator[None]:
    """Hold the cluster-wide build lock of `layer` (waits while another process or machine holds it)."""
    if not on_postgresql(alias):
        with locked(settings.SOTAY_BUILD_DIR / ".locks" / f"{lock_key(layer) & 0xFFFFFFFF:08x}.lock"):
            yield
        return
    conn = connections.create_connection(alias)
    try:
        conn.set_autocommit(True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [BUILD_LOCKS, lock_key(layer)])
        logger.debug("build lock of %s taken", layer.prefix)
        yield
    finally:
        # Closing the session releases its advisory locks, also when the unlock itself could not be sent.
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [BUILD_LOCKS, lock_key(layer)])
        except Exception:  # noqa: BLE001 - the close below releases it
            logger.warning("build lock of %s: unlock failed, closing the session", layer.prefix, exc_info=True)
        conn.close()


def layer_lock_held(layer: LayerId, *, alias: str = "default") -> bool:
    """Whether some session holds `layer`'s build lock now (PostgreSQL only; False elsewhere)."""
    if not on_postgresql(alias):
        return False
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s"
            " AND objid::bigint = %s"
            " AND objsubid = 2 AND granted",
            [BUILD_LOCKS, lock_key(layer) & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0] > 0
