"""The content format as checkable rules, shared by the demo-content tests and the generator tests.

Each `*_problems` function returns human-readable problems (empty when the files follow the format described in
content/README.md), so a failing test names every bad row or file at once.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import yaml

LEVELS = ("province", "district", "base", "cell")
KINDS = ("news", "resolution", "study", "meeting")
UNIT_HEADER = ["code", "parent_code", "level", "name"]
ACCOUNT_HEADER = ["username", "password", "full_name", "unit_code", "role", "editor"]
MEMBER_HEADER = ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Tình trạng", "Điện thoại", "Năm sinh"]
# The member registry's export, as the demo has it: keyed by card number, with the member record.
MEMBER_RECORD_HEADER = ["Số thẻ đảng viên", *MEMBER_HEADER, "Ngày vào Đảng", "Ngày chính thức", "Miễn sinh hoạt từ",
                        "Miễn sinh hoạt đến", "Lý do miễn", "Không có điện thoại thông minh"]
MEMBER_ROLES = {"đảng viên", "cấp ủy viên", "chi ủy viên", "phó bí thư", "bí thư"}
EXEMPT_REASONS = {"đi làm ăn xa", "tuổi cao sức yếu", "ốm đau"}
CARD = re.compile(r"^\d{8}$")
MEMBER_STATUSES = {"chính thức", "dự bị", "từ trần", "xóa tên"}
ACTIVE_STATUSES = {"chính thức", "dự bị"}
KIND_KEYS = {
    "news": set(),
    "resolution": {"document_code", "issuing_body", "issue_date"},
    "study": {"study_deadline"},
    "meeting": {"meeting_date"},
}
BASE_KEYS = {"kind", "title", "tier", "published"}
OPTIONAL_KEYS = {"summary", "image", "column"}
CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,}$")
PHONE = re.compile(r"^0[39]\d{8}$")
# 09-NQ/TU, 72-KH/TU, 12-KL/ĐU, 02-NQ/CB, 27/QĐ-TW
DOCUMENT_CODE = re.compile(r"^\d{1,4}(-[A-ZĐ]{2,4}/[A-ZĐ]{2,4}|/[A-ZĐ]{2,4}-[A-ZĐ]{2,4})$")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def unit_problems(header: list[str], rows: list[dict[str, str]]) -> list[str]:
    problems = [] if header == UNIT_HEADER else [f"units.csv header is {header}"]
    seen: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        code, parent, level = row["code"], row["parent_code"], row["level"]
        if not CODE.match(code) or len(code) > 12:
            problems.append(f"units.csv:{number}: bad code {code!r}")
        if code in seen:
            problems.append(f"units.csv:{number}: duplicate code {code!r}")
        if level not in LEVELS:
            problems.append(f"units.csv:{number}: bad level {level!r}")
        elif level == "province":
            if parent:
                problems.append(f"units.csv:{number}: the province has parent {parent!r}")
        elif parent not in seen:
            problems.append(f"units.csv:{number}: parent {parent!r} missing or after its child")
        elif seen[parent] in LEVELS and LEVELS.index(seen[parent]) != LEVELS.index(level) - 1:
            problems.append(f"units.csv:{number}: {level} {code!r} under {seen[parent]} {parent!r}")
        if not row["name"].strip():
            problems.append(f"units.csv:{number}: empty name")
        seen[code] = level
    if sum(1 for r in rows if r["level"] == "province") != 1:
        problems.append("units.csv: there must be exactly one province")
    return problems


def account_problems(header: list[str], rows: list[dict[str, str]], levels: dict[str, str]) -> list[str]:
    """`levels` maps unit code to level. Every level needs a member, committee, secretary and editor."""
    problems = [] if header == ACCOUNT_HEADER else [f"accounts.csv header is {header}"]
    names = [r["username"] for r in rows]
    problems += [f"accounts.csv: duplicate username {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    covered: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=2):
        level = levels.get(row["unit_code"])
        if level is None:
            problems.append(f"accounts.csv:{number}: unknown unit {row['unit_code']!r}")
            continue
        if row["role"] not in ("member", "committee", "deputy", "secretary"):
            problems.append(f"accounts.csv:{number}: bad role {row['role']!r}")
        if row["editor"] not in ("0", "1"):
            problems.append(f"accounts.csv:{number}: bad editor flag {row['editor']!r}")
        if not row["password"] or not row["full_name"].strip():
            problems.append(f"accounts.csv:{number}: empty password or full name")
        if row["username"] != "admin":
            covered.add((level, row["role"]))
            if row["editor"] == "1":
                covered.add((level, "editor"))
    for level in LEVELS:
        for need in ("member", "committee", "secretary", "editor"):
            if (level, need) not in covered:
                problems.append(f"accounts.csv: no {need} account at {level} level")
    admin = [r for r in rows if r["username"] == "admin"]
    if len(admin) != 1 or levels.get(admin[0]["unit_code"]) != "province" or admin[0]["editor"] != "1":
        problems.append("accounts.csv: needs one `admin` line, editor 1, in the province")
    return problems


def member_problems(header: list[str], rows: list[dict[str, str]], levels: dict[str, str],
                    taken: set[str]) -> list[str]:
    """`taken` holds usernames already used (accounts.csv): an import must not collide with them."""
    problems = [] if header in (MEMBER_HEADER, MEMBER_RECORD_HEADER) else [f"members.csv header is {header}"]
    seen: set[str] = set()
    cards: set[str] = set()
    for number, row in enumerate(rows, start=2):
        username = row["Tên đăng nhập"]
        where = f"members.csv:{number}"
        if not USERNAME.match(username) or not username.isascii():
            problems.append(f"{where}: bad username {username!r}")
        if username in seen or username in taken:
            problems.append(f"{where}: username {username!r} already used")
        seen.add(username)
        if len(row["Họ và tên"].split()) < 3:
            problems.append(f"{where}: full name {row['Họ và tên']!r} is not family, middle and given name")
        if levels.get(row["Mã đơn vị"]) not in ("cell", "base"):
            problems.append(f"{where}: unit {row['Mã đơn vị']!r} is not a known cell or base")
        if row["Vai trò"] not in MEMBER_ROLES:
            problems.append(f"{where}: bad role {row['Vai trò']!r}")
        if row["Tình trạng"] not in MEMBER_STATUSES:
            problems.append(f"{where}: bad status {row['Tình trạng']!r}")
        if not PHONE.match(row["Điện thoại"]):
            problems.append(f"{where}: bad phone {row['Điện thoại']!r}")
        if not row["Năm sinh"].isdigit() or not 1935 <= int(row["Năm sinh"]) <= 2002:
            problems.append(f"{where}: bad birth year {row['Năm sinh']!r}")
        if header == MEMBER_RECORD_HEADER:
            problems += _record_problems(where, row, cards)
    return problems


def _dmy(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _record_problems(where: str, row: dict[str, str], cards: set[str]) -> list[str]:
    """Card number, dates (dd/mm/yyyy) that follow one another, exemption with a reason and a period, smartphone."""
    problems = []
    card = row["Số thẻ đảng viên"]
    if not CARD.match(card) or card in cards:
        problems.append(f"{where}: card number {card!r} is not 8 digits or is used twice")
    cards.add(card)
    try:
        joined, official = _dmy(row["Ngày vào Đảng"]), _dmy(row["Ngày chính thức"])
        start, end = _dmy(row["Miễn sinh hoạt từ"]), _dmy(row["Miễn sinh hoạt đến"])
    except ValueError:
        return problems + [f"{where}: a date is not dd/mm/yyyy"]
    if joined is None or row["Năm sinh"].isdigit() and joined.year - int(row["Năm sinh"]) < 18:
        problems.append(f"{where}: no joining date, or joined before 18")
    probationary = row["Tình trạng"] == "dự bị"
    if probationary != (official is None) or official and joined and official <= joined:
        problems.append(f"{where}: official date {row['Ngày chính thức']!r} does not follow joining and status")
    reason = row["Lý do miễn"]
    if (reason or start or end) and (reason not in EXEMPT_REASONS or start is None or end and end < start
                                     or official and start < official):
        problems.append(f"{where}: exemption {reason!r} {start}–{end} is not a reason with a period after joining")
    if row["Không có điện thoại thông minh"] not in ("", "x"):
        problems.append(f"{where}: no-smartphone flag {row['Không có điện thoại thông minh']!r} is not x or empty")
    return problems


def read_article(path: Path) -> tuple[dict[str, str], str]:
    """Split an article into front matter (`key: value` lines between `---`) and Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise ValueError(f"{path}: front matter not closed")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{path}: front matter line without a colon: {line!r}")
        meta[key.strip()] = value.strip()
    return meta, body


def article_problems(path: Path, levels: dict[str, str], min_words: int = 150, max_words: int = 600) -> list[str]:
    where = f"{path.parent.name}/{path.name}"
    try:
        meta, body = read_article(path)
    except ValueError as error:
        return [str(error)]
    problems = []
    if path.parent.name not in levels:
        problems.append(f"{where}: unknown unit {path.parent.name!r}")
    if not SLUG.match(path.stem):
        problems.append(f"{where}: slug is not lower-case ASCII")
    kind = meta.get("kind")
    if kind not in KINDS:
        return problems + [f"{where}: bad kind {kind!r}"]
    allowed = BASE_KEYS | OPTIONAL_KEYS | KIND_KEYS[kind]
    missing = (BASE_KEYS | KIND_KEYS[kind]) - meta.keys()
    problems += [f"{where}: missing {key}" for key in sorted(missing)]
    problems += [f"{where}: key {key} does not belong to {kind}" for key in sorted(meta.keys() - allowed)]
    if meta.get("tier") not in ("all", "committee"):
        problems.append(f"{where}: bad tier {meta.get('tier')!r}")
    problems += _format_problems(where, meta)
    words = len(body.split())
    if not min_words <= words <= max_words:
        problems.append(f"{where}: body has {words} words")
    if "lorem" in body.lower():
        problems.append(f"{where}: placeholder text")
    return problems


def _format_problems(where: str, meta: dict[str, str]) -> list[str]:
    problems = []
    try:
        datetime.strptime(meta.get("published", ""), "%Y-%m-%d %H:%M")
    except ValueError:
        problems.append(f"{where}: published {meta.get('published')!r} is not YYYY-MM-DD HH:MM")
    for key in ("issue_date", "study_deadline", "meeting_date"):
        if key in meta:
            try:
                date.fromisoformat(meta[key])
            except ValueError:
                problems.append(f"{where}: {key} {meta[key]!r} is not YYYY-MM-DD")
    if "document_code" in meta and not DOCUMENT_CODE.match(meta["document_code"]):
        problems.append(f"{where}: document code {meta['document_code']!r} does not look real")
    if not meta.get("title"):
        problems.append(f"{where}: empty title")
    return problems


def yaml_disagreements(path: Path) -> list[str]:
    """Front matter must read the same with a YAML parser, so tools that use one (mkdocs) agree with ours."""
    meta, _body = read_article(path)
    head = path.read_text(encoding="utf-8")[4:].partition("\n---\n")[0]
    try:
        parsed = yaml.safe_load(head)
    except yaml.YAMLError as error:
        return [f"{path.name}: not YAML: {error}"]
    as_text = {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in parsed.items()}
    # YAML reads "2024-05-16 16:45" as a datetime; compare on the same footing.
    as_text = {k: v.replace("T", " ")[:16] if k == "published" else v for k, v in as_text.items()}
    return [f"{path.name}: {k} reads {as_text.get(k)!r} in YAML" for k, v in meta.items() if as_text.get(k) != v]
