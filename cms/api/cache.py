"""The shared cache in the database, one statement per write.

Django's `DatabaseCache` counts the whole table before every write (to cull it when full), then reads the key
and updates or inserts it in a transaction: five statements for a login throttle or a receipt rate limit,
and a `COUNT(*)` that grows with the table, which holds an entry for every member who sent something in the
last minute. Here a write is one upsert (`INSERT … ON CONFLICT`, in PostgreSQL and SQLite alike), and the
table is counted and culled on every `CULL_EVERY`-th write of a process instead. Reads and the table are
Django's, so `createcachetable` and the data stay the same.
"""

from __future__ import annotations

import base64
import pickle
from contextlib import nullcontext
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_EVERY = 1000


class SharedDatabaseCache(DatabaseCache):
    _writes = 0

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = tz_now().replace(microsecond=0)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        SharedDatabaseCache._writes += 1
        key_col, value_col, expires_col = quote("cache_key"), quote("value"), quote("expires")
        sql = (f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) VALUES (%s, %s, %s) "
               f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = EXCLUDED.{value_col}, "
               f"{expires_col} = EXCLUDED.{expires_col}")
        params = [key, encoded, expires]
        if mode == "add":  # only where the key is missing or has expired
            sql += f" WHERE {table}.{expires_col} < %s"
            params.append(connection.ops.adapt_datetimefield_value(now))
        try:
            # Inside a transaction a failed write must not spoil it: a savepoint then; alone, the upsert is atomic.
            with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                with connection.cursor() as cursor:
                    if SharedDatabaseCache._writes % CULL_EVERY == 0:
                        cursor.execute(f"SELECT COUNT(*) FROM {table}")
                        count = cursor.fetchone()[0]
                        if count > self._max_entries:
                            self._cull(db, cursor, now, count)
                    cursor.execute(sql, params)
                    return cursor.rowcount > 0
        except DatabaseError:
            return False  # as Django's: a cache write that fails is a miss later, not an error now

