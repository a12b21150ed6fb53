"""Read the operator's environment file (`/etc/sotay/sotay.env`) the way systemd's EnvironmentFile= does.

Sourcing the file in a shell (`. sotay.env`) breaks on secrets holding `(`, `)`, `$`, spaces or quotes, and
systemd reads the same file without any shell. `sotay` reads it itself when `SOTAY_ENV_FILE` names it, with
systemd's rules: `KEY=VALUE` per line, `#`/`;` comments, optional single or double quotes, no expansion.
Variables already in the environment win, as a value given on the command line should.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "$": "$", "`": "`"}


class EnvFileError(Exception):
    """The file cannot be read or a line is not KEY=VALUE."""


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner, out, i = value[1:-1], [], 0
        while i < len(inner):
            if inner[i] == "\\" and i + 1 < len(inner):
                out.append(_ESCAPES.get(inner[i + 1], "\\" + inner[i + 1]))
                i += 2
            else:
                out.append(inner[i])
                i += 1
        return "".join(out)
    return value


def parse(text: str) -> dict[str, str]:
    """The variables of an environment file's text, in systemd's syntax."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[len("export "):].strip()
        if not sep or not _KEY.match(key):
            raise EnvFileError(f"dòng {number} không có dạng TÊN=GIÁ_TRỊ")
        values[key] = _unquote(value.strip())
    return values


def load(path: str | os.PathLike[str] | None) -> dict[str, str]:
    """Put the file's variables into os.environ (without overriding any already set); return them."""
    if not path:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise EnvFileError(f"không đọc được tệp cấu hình {path}: {exc.strerror or exc}") from exc
    values = parse(text)
    for key, value in values.items():
        os.environ.setdefault(key, value)
    return values
