"""Expected failures and how a command tells the operator about them: one Vietnamese line, never a traceback.

`SotayError` is raised by code that knows what went wrong and how to fix it (a missing key file, a store that
does not answer, a database that is not set up); its text is the whole message. `os_error_text` says an
operating-system error (a missing file, a directory that cannot be written) in Vietnamese with the path.
Every package may use both, so it lives at the bottom, beside the format's other shared definitions.
`cms/cli.py` turns these, and the other packages' known error types, into the line `sotay` prints.
"""

from __future__ import annotations

import errno


class SotayError(Exception):
    """An expected failure the operator can fix; `str()` is one Vietnamese sentence saying what and how."""


_OS_ERRORS = {
    errno.ENOENT: "không tìm thấy",
    errno.EACCES: "không có quyền đọc/ghi",
    errno.EPERM: "không được phép thao tác với",
    errno.ENOTDIR: "không phải thư mục",
    errno.EISDIR: "là thư mục, cần một tệp",
    errno.ENOSPC: "hết chỗ trên đĩa khi ghi",
    errno.EROFS: "ổ đĩa chỉ đọc, không ghi được",
    errno.EEXIST: "đã có tệp hoặc thư mục cùng tên",
}


def os_error_text(exc: OSError) -> str:
    """`[Errno 2] No such file or directory: 'x'` → `không tìm thấy x`."""
    what = _OS_ERRORS.get(exc.errno or 0)
    name = exc.filename if exc.filename is not None else ""
    if what is None:
        what = f"lỗi hệ thống ({exc.strerror or exc})" + (" với" if name else "")
    return f"{what} {name}".strip()


def one_line(text: object, limit: int = 400) -> str:
    """The first line of `text`, shortened: a message must stay one line however long the cause is."""
    first = str(text).strip().splitlines()[0].strip() if str(text).strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def error_text(exc: BaseException) -> str:
    """One Vietnamese line for an error a command caught: OS errors are said in Vietnamese with their path."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error_text(exc)
    return one_line(exc)
