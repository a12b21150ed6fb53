"""A small reader/writer for gettext ``.po`` files.

Enough of the format for Wagtail's and our own catalogues (contexts, plurals, flags, obsolete entries),
so the tools need neither polib nor a compiled ``.mo``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
_PLACEHOLDER = re.compile(
    r"%\([A-Za-z0-9_]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"  # %(name)s
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]"  # %s, %d
    r"|\{[A-Za-z0-9_]*\}"  # {name}, {}
    r"|</?[A-Za-z][^>]*>"  # HTML tags
)


@dataclass
class Entry:
    """One message of a catalogue; ``msgstr`` holds one form, ``msgstr_plural`` the forms of a plural."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when every form has text and the entry is neither fuzzy nor obsolete."""
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


def _unquote(token: str) -> str:
    body = token.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse(text: str) -> list[Entry]:
    """Parse the text of a .po file; the header is returned as the entry with an empty msgid."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        entry = _parse_block(block.strip("\n"))
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_block(block: str) -> Entry | None:
    fields: dict[str, str] = {}
    flags: list[str] = []
    comments: list[str] = []
    obsolete = False
    current: str | None = None
    for raw in block.splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
        elif line.startswith("#,"):
            flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        elif line.startswith("#"):
            comments.append(raw)
            continue
        if not line:
            continue
        match = _KEYWORD.match(line)
        if match:
            current = match.group(1)
            fields[current] = _unquote(match.group(3))
        elif line.startswith('"') and current is not None:
            fields[current] += _unquote(line)
        else:
            raise ValueError(f"cannot read line of .po file: {raw!r}")
    if "msgid" not in fields:
        return None
    plural = {int(k[7:-1]): v for k, v in fields.items() if k.startswith("msgstr[")}
    return Entry(
        msgid=fields["msgid"],
        msgctxt=fields.get("msgctxt"),
        msgid_plural=fields.get("msgid_plural"),
        msgstr=fields.get("msgstr", ""),
        msgstr_plural=plural,
        flags=flags,
        comments=comments,
        obsolete=obsolete,
    )


def read(path: Path) -> list[Entry]:
    return parse(path.read_text(encoding="utf-8"))


def quote(value: str) -> str:
    """Quote a string for a .po file, splitting lines after each newline as msgmerge does."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    parts = escaped.split("\n")
    pieces = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if len(pieces) <= 1:
        return f'"{pieces[0] if pieces else ""}"'
    return '""\n' + "\n".join(f'"{piece}"' for piece in pieces)


def format_entry(entry: Entry) -> str:
    lines = list(entry.comments)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        lines.append("msgctxt " + quote(entry.msgctxt))
    lines.append("msgid " + quote(entry.msgid))
    if entry.msgid_plural is not None:
        lines.append("msgid_plural " + quote(entry.msgid_plural))
        for index in sorted(entry.msgstr_plural) or [0]:
            lines.append(f"msgstr[{index}] " + quote(entry.msgstr_plural.get(index, "")))
    else:
        lines.append("msgstr " + quote(entry.msgstr))
    return "\n".join(lines) + "\n"


def placeholders(text: str) -> list[str]:
    """The placeholders and HTML tags of a message, sorted, for comparing a source with its translation."""
    return sorted(_PLACEHOLDER.findall(text))
