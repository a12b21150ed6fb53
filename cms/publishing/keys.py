"""The signing key is the installation's, not a machine's: every worker signs with it and every web node
publishes its public half (`/keys/signing.pub`), which the readers trust.

`load_or_create_key` makes a key when the file is missing, so a development checkout signs out of the box. On a
machine added to a running installation (docs/scaling.md) that would be a different key: its layers would fail
every reader's check, and a web node would hand out a public key that matches nothing. So the database records
the public key the installation signs with (`SigningKeyRecord`, by `sotay setup` or the first build), and a
machine whose key is missing or different stops with a message saying which file to copy.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

_checked: dict[str, str] = {}  # key file → its public key, once it matched the record in this process
_lock = threading.Lock()


class SigningKeyError(RuntimeError):
    """This machine's signing key is missing or is not the installation's."""


def recorded_public_key() -> str | None:
    from .models import SigningKeyRecord

    return SigningKeyRecord.objects.filter(pk=1).values_list("public_key", flat=True).first()


def where_key_is(path: Path) -> str:
    """Where this machine's key comes from, in the words the messages use."""
    from layerformat.signing import ENV_KEY

    return f"biến môi trường {ENV_KEY}" if os.environ.get(ENV_KEY) else str(path)


def refuse_missing_key(path: Path) -> None:
    """Before a key would be made: refuse when the installation already signs with one."""
    from layerformat.signing import ENV_KEY

    if os.environ.get(ENV_KEY) or path.exists():
        return
    recorded = recorded_public_key()
    if recorded:
        raise SigningKeyError(
            f"Máy này chưa có khóa ký ({path}), nhưng cài đặt đã ký các lớp bằng khóa {recorded[:12]}…: hãy chép "
            f"tệp khóa ký từ máy đang chạy vào {path} (chủ sở hữu sotay, quyền 0600) rồi chạy lại; xem "
            "docs/scaling.md."
        )


def check_key(key, path: Path) -> str:
    """The key's public half, once it is the one the installation records (recorded now if there is none)."""
    from layerformat.signing import public_key_b64

    from .models import SigningKeyRecord

    public = public_key_b64(key).strip()
    recorded = recorded_public_key()
    if recorded is None:
        try:
            with transaction.atomic():
                SigningKeyRecord.objects.create(pk=1, public_key=public)
            recorded = public
        except IntegrityError:  # another machine recorded its key at the same moment
            recorded = recorded_public_key()
    if recorded != public:
        raise SigningKeyError(
            f"Khóa ký ở {where_key_is(path)} (khóa công khai {public[:12]}…) khác khóa cài đặt này đang ký "
            f"({recorded[:12]}…); bạn đọc chỉ tin các lớp ký bằng khóa đó. Hãy chép đúng tệp khóa ký từ máy đang "
            "chạy; xem docs/scaling.md."
        )
    return public


def _checked_key():
    """This machine's signing key and its public half, checked against the installation's once per process."""
    from layerformat.signing import load_or_create_key, public_key_b64

    path = Path(settings.SOTAY_SIGNING_KEY_FILE)
    refuse_missing_key(path)
    key = load_or_create_key(path)
    public, where = public_key_b64(key).strip(), where_key_is(path)
    with _lock:
        known = _checked.get(where)
    if known != public:
        check_key(key, path)
        with _lock:
            _checked[where] = public
    return key, public


def signing_key():
    """This machine's signing key, once it is the installation's."""
    return _checked_key()[0]


def public_key() -> str:
    """The installation's public key (base64), as `/keys/signing.pub` publishes it, from this machine's key."""
    return _checked_key()[1]


def forget_checked() -> None:
    """Check again on next use (tests change the key or the database under a running process)."""
    with _lock:
        _checked.clear()
