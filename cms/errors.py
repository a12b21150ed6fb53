"""The `sotay` command's one place for expected failures: each known error type becomes one Vietnamese line.

A command raises (or lets through) what went wrong; `cms.cli.main` asks `explain` for the line to print and
exits with status 1. An exception `explain` does not know is a bug: it keeps its traceback.
Heavy modules (Django, botocore) are looked at only when the error came from them.
"""

from __future__ import annotations

import sys
import tarfile
from collections.abc import Iterator

from layerformat.errors import SotayError, one_line, os_error_text

__all__ = ["SotayError", "database_text", "explain", "require_migrated_database"]


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__


def explain(exc: BaseException) -> str | None:
    """The line to print for an expected failure, or None for a bug."""
    for cause in _chain(exc):
        text = _explain_one(cause)
        if text is not None:
            return one_line(text)
    return None


def _explain_one(exc: BaseException) -> str | None:  # noqa: C901 - one flat table of error types
    if isinstance(exc, SotayError):
        return str(exc)
    if "django" in sys.modules:
        from django.core.management.base import CommandError
        from django.db import DatabaseError

        if isinstance(exc, CommandError):
            return str(exc)  # SystemCheckError (several findings) is printed whole by cms.cli instead
        if isinstance(exc, DatabaseError):
            return database_text(exc)
    from layerformat.manifest import ManifestError
    from layerformat.signing import KeyFormatError

    if isinstance(exc, KeyFormatError):
        return f"khóa ký không đọc được: {exc}"
    if isinstance(exc, ManifestError):
        return f"bản kê khai (manifest.json) hỏng: {exc}"
    if "deploy.stores" in sys.modules:
        from deploy.stores import StoreError

        if isinstance(exc, StoreError):
            return f"lỗi kho lưu trữ: {exc}"
    if "deploy.backup" in sys.modules:
        from deploy.backup import BackupError

        if isinstance(exc, BackupError):
            return f"sao lưu/phục hồi thất bại: {exc}"
    if "site_builder.errors" in sys.modules:
        from site_builder.errors import BuildError

        if isinstance(exc, BuildError):
            return f"dựng lớp thất bại: {exc}"
    if isinstance(exc, tarfile.TarError):
        return f"tệp sao lưu hỏng hoặc không phải .tar.gz ({exc})"
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return None


def database_text(exc: BaseException) -> str:
    """A database that does not answer, or one that was never migrated, told apart from other database errors."""
    from django.db import DatabaseError, OperationalError, ProgrammingError, connection

    detail = one_line(exc, 200)
    settings = connection.settings_dict
    name = f"{settings.get('NAME')}" + (f" trên {settings['HOST']}:{settings.get('PORT') or 5432}"
                                        if settings.get("HOST") else "")
    missing_table = ("no such table" in detail or "does not exist" in detail
                     or getattr(getattr(exc, "__cause__", None), "sqlstate", None) == "42P01")
    if isinstance(exc, OperationalError | ProgrammingError) and missing_table:
        return (f"cơ sở dữ liệu {name} chưa được khởi tạo hoặc chưa cập nhật ({detail}): "
                "chạy `sotay setup` (hoặc `sotay manage migrate`)")
    if isinstance(exc, OperationalError):
        return (f"không kết nối được cơ sở dữ liệu {name} ({detail}): kiểm tra PostgreSQL đang chạy "
                "và SOTAY_DATABASE_URL")
    if isinstance(exc, DatabaseError):
        return f"lỗi cơ sở dữ liệu {name}: {detail}"
    return detail


def require_migrated_database() -> None:
    """Refuse to start a long-running process on a database that does not answer or lacks migrations."""
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise SotayError(database_text(exc)) from exc
    if pending:
        name = connection.settings_dict.get("NAME")
        raise SotayError(f"cơ sở dữ liệu {name} còn {len(pending)} bước cập nhật chưa chạy: "
                         "chạy `sotay setup` (hoặc `sotay manage migrate`)")
