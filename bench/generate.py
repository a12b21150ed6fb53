"""`sotay bench generate`: write a real-scale province in the demo content formats.

The numbers default to Thái Nguyên (16 district-level organisations, 589 base organisations, 97,250 members), so
the builder, the API and the reader can be measured against a province as large as a real one. Everything comes
from seeded `random.Random`s, so the same seed gives byte-identical files and benchmarks are repeatable.
Articles are assembled from pools of party-press sentences kept as data in `content/bench/pools.toml` (where
they can be extended without touching code), which keeps a full province well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import shutil
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from layerformat.model import KINDS
from layerformat.text import fold  # usernames and slugs are folded as the import folds them

log = logging.getLogger(__name__)

POOLS_FILE = Path(__file__).resolve().parents[1] / "content" / "bench" / "pools.toml"
LEVELS = ("province", "district", "base", "cell")
SCALES = {
    "full": {"districts": 16, "bases": 589, "cells": 5000, "members": 97250, "articles": 20000},
    "small": {"districts": 3, "bases": 16, "cells": 80, "members": 2000, "articles": 2000},
}
PASSWORD = "sotay2026"
UNIT_HEADER = ["code", "parent_code", "level", "name"]
ACCOUNT_HEADER = ["username", "password", "full_name", "unit_code", "role", "editor"]
MEMBER_HEADER = ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Tình trạng", "Điện thoại", "Năm sinh"]
# Share of all articles published by each level: the province and district committees publish most; cells mostly
# post the materials for their monthly meeting.
LEVEL_SHARE = {"province": 0.20, "district": 0.35, "base": 0.25, "cell": 0.20}
KIND_WEIGHTS = {
    "province": {"news": 50, "resolution": 25, "study": 15, "meeting": 10},
    "district": {"news": 50, "resolution": 20, "study": 15, "meeting": 15},
    "base": {"news": 40, "resolution": 15, "study": 10, "meeting": 35},
    "cell": {"news": 12, "resolution": 6, "study": 2, "meeting": 80},
}
COMMITTEE_TIER_SHARE = 0.08
# New members admitted in a year, by level: a cell admits one or two, the province thousands.
ADMITTED = {"province": (900, 2600), "district": (80, 420), "base": (2, 25), "cell": (1, 3)}
MEMBERS_TOTAL = {"province": (90_000, 99_000), "district": (2_000, 12_000), "base": (80, 900), "cell": (8, 60)}
FIRST_DAY = datetime(2019, 1, 2)
LAST_DAY = datetime(2026, 11, 23)


@dataclass(frozen=True)
class Unit:
    code: str
    parent: str
    level: str
    name: str
    kind: str  # rural | urban | agency: decides how the units below it are named


@lru_cache(maxsize=1)
def pools() -> dict:
    with POOLS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    data["communes"] = list(dict.fromkeys(data["communes"]))
    return data


def slugify(text: str, limit: int = 60) -> str:
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in fold(text)).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "bai-viet"


def split_count(rng: random.Random, total: int, parts: int, spread: float = 0.6) -> list[int]:
    """Split `total` into `parts` uneven shares, each at least one while there is enough to go round."""
    if parts <= 0:
        return []
    floor = 1 if total >= parts else 0
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    rest = total - floor * parts
    scale = rest / sum(weights)
    shares = [int(w * scale) for w in weights]
    by_remainder = sorted(range(parts), key=lambda i: (shares[i] - weights[i] * scale, i))
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [floor + s for s in shares]


def pick_names(rng: random.Random, pool: list[str], n: int) -> list[str]:
    """`n` names from `pool` without repeats, numbering them once the pool runs out (Đồng Tâm 2, ...)."""
    names = rng.sample(pool, min(n, len(pool)))
    round_no = 2
    while len(names) < n:
        names += [f"{name} {round_no}" for name in rng.sample(pool, min(n - len(names), len(pool)))]
        round_no += 1
    return names


# --- units -------------------------------------------------------------------------------------------------

def make_units(rng: random.Random, districts: int, bases: int, cells: int) -> list[Unit]:
    """Province `tn`, districts `d01`…, bases `b001`…, cells `c0001`…, parents always before children."""
    width_d, width_b, width_c = len(str(districts)) + 1, len(str(bases)) + 1, len(str(cells)) + 1
    district_units = [
        Unit(f"d{i + 1:0{width_d}d}", "tn", "district", name, kind)
        for i, (name, kind) in enumerate(_district_names(districts))
    ]
    base_units: list[Unit] = []
    for district, count in zip(district_units, split_count(rng, bases, districts), strict=True):
        base_units += _bases_of(rng, district, count, len(base_units), width_b)
    with_cells = [b for b in base_units if not b.name.startswith("Chi bộ cơ sở")] or base_units
    cell_units: list[Unit] = []
    for base, count in zip(with_cells, split_count(rng, cells, len(with_cells)), strict=True):
        for name in _cell_names(rng, base, count):
            cell_units.append(Unit(f"c{len(cell_units) + 1:0{width_c}d}", base.code, "cell", name, base.kind))
    province = Unit("tn", "", "province", "Đảng bộ tỉnh Thái Nguyên", "agency")
    return [province, *district_units, *base_units, *cell_units]


def _district_names(n: int) -> list[tuple[str, str]]:
    names = [tuple(pair) for pair in pools()["districts"]]
    communes = pools()["communes"]
    names += [(f"Đảng bộ huyện {communes[i % len(communes)]}", "rural") for i in range(max(0, n - len(names)))]
    return names[:n]


def _bases_of(rng: random.Random, district: Unit, count: int, offset: int, width: int) -> list[Unit]:
    if district.kind == "agency":
        names = [f"Đảng bộ {a}" for a in pick_names(rng, pools()["agencies"], count)]
    else:
        names = []
        for place in pick_names(rng, pools()["communes"], count):
            word = "phường" if district.kind == "urban" else rng.choice(("xã", "xã", "xã", "xã", "thị trấn"))
            names.append(f"Đảng bộ {word} {place}")
    result = []
    for i, name in enumerate(names):
        kind = district.kind
        if (offset + i) % 10 == 9:  # one base in ten is a small organisation with no cells below it
            place = name.removeprefix("Đảng bộ ").split(" ", 1)[-1].removeprefix("trấn ")
            name, kind = f"Chi bộ cơ sở {rng.choice(pools()['schools'])} {place}", "agency"
        elif "phường" in name or "thị trấn" in name:
            kind = "urban"
        result.append(Unit(f"b{offset + i + 1:0{width}d}", district.code, "base", name, kind))
    return result


def _cell_names(rng: random.Random, base: Unit, count: int) -> list[str]:
    if base.kind == "agency":
        return [f"Chi bộ {d}" for d in pick_names(rng, pools()["departments"], count)]
    if base.kind == "urban":
        return [f"Chi bộ tổ dân phố {n}" for n in pick_names(rng, pools()["hamlets"], count)]
    word = rng.choice(("xóm", "xóm", "thôn", "bản"))
    return [f"Chi bộ {word} {n}" for n in pick_names(rng, pools()["hamlets"], count)]


# --- people ------------------------------------------------------------------------------------------------

def make_name(rng: random.Random) -> str:
    p = pools()
    family = rng.choices(p["family"], weights=p["family_weights"])[0]
    sex = "male" if rng.random() < 0.5 else "female"
    return f"{family} {rng.choice(p['middle_' + sex])} {rng.choice(p['given_' + sex])}"


def make_phone(rng: random.Random) -> str:
    return rng.choice(pools()["phone_prefixes"]) + f"{rng.randrange(10_000_000):07d}"


def make_accounts(units: list[Unit]) -> list[list[str]]:
    """A handful of known logins: one set per level down the first branch, plus a member next door."""
    first: dict[str, Unit] = {}
    for unit in units:
        first.setdefault(unit.level, unit)
    rows = [["admin", PASSWORD, "Quản trị hệ thống", "tn", "member", "1"]]
    people = iter(pools()["account_names"])
    for unit in first.values():
        for prefix, role, editor in (("dv", "member", "0"), ("cuv", "committee", "0"),
                                     ("bt", "secretary", "0"), ("bbt", "member", "1")):
            rows.append([f"{prefix}.{unit.code}", PASSWORD, next(people), unit.code, role, editor])
    others = [u for u in units if u.level == "district"][1:2]
    for unit in others:
        rows.append([f"dv.{unit.code}", PASSWORD, next(people), unit.code, "member", "0"])
    return rows


def write_members(path: Path, rng: random.Random, units: list[Unit], total: int) -> int:
    """Members live in cells; the cell-less `Chi bộ cơ sở` bases hold their own members."""
    homes = [u for u in units if u.level == "cell"]
    homes += [u for u in units if u.level == "base" and u.name.startswith("Chi bộ cơ sở")]
    p = pools()
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(MEMBER_HEADER)
        for unit, size in zip(homes, split_count(rng, total, len(homes), spread=0.7), strict=True):
            committee = 2 if size >= 9 else (1 if size >= 4 else 0)
            for i in range(size):
                rows += 1
                name = make_name(rng)
                parts = fold(name).split()
                username = f"{parts[-1]}{''.join(w[0] for w in parts[:-1])}.{rows:06d}"
                role = "bí thư" if i == 0 else ("cấp ủy viên" if i <= committee else "đảng viên")
                status = rng.choices(p["statuses"], weights=p["status_weights"])[0]
                born = rng.randint(1935, 1960) if rng.random() < 0.3 else rng.randint(1955, 2002)
                out.writerow([username, name, unit.code, role, status, make_phone(rng), born])
    return rows


# --- articles ----------------------------------------------------------------------------------------------

def write_articles(root: Path, rng: random.Random, units: list[Unit], total: int) -> dict[str, dict[str, int]]:
    by_level = {level: [u for u in units if u.level == level] for level in LEVELS}
    present = [level for level in LEVELS if by_level[level]]
    shares = [LEVEL_SHARE[level] for level in present]
    counts = [int(total * s / sum(shares)) for s in shares]
    counts[0] += total - sum(counts)
    stats: dict[str, dict[str, int]] = {"kind": dict.fromkeys(KINDS, 0), "level": {}, "tier": {}}
    taken: set[tuple[str, str]] = set()
    minutes = int((LAST_DAY - FIRST_DAY).total_seconds() // 60)
    for level, count in zip(present, counts, strict=True):
        stats["level"][level] = count
        weights = [rng.uniform(0.3, 1.7) for _ in by_level[level]]
        kinds, kind_weights = zip(*KIND_WEIGHTS[level].items(), strict=True)
        for unit in rng.choices(by_level[level], weights=weights, k=count):
            kind = rng.choices(kinds, weights=kind_weights)[0]
            published = FIRST_DAY + timedelta(minutes=rng.randrange(minutes))
            published = published.replace(hour=rng.randint(6, 21))
            meta, body = compose(rng, unit, kind, published)
            slug = _unique_slug(taken, unit.code, slugify(meta["title"]), published)
            stats["kind"][kind] += 1
            stats["tier"][meta["tier"]] = stats["tier"].get(meta["tier"], 0) + 1
            folder = root / unit.code
            folder.mkdir(parents=True, exist_ok=True)
            text = "\n".join(["---", *(f"{k}: {v}" for k, v in meta.items()), "---", "", body, ""])
            (folder / f"{slug}.md").write_bytes(text.encode("utf-8"))
    return stats


def _unique_slug(taken: set[tuple[str, str]], unit_code: str, slug: str, published: datetime) -> str:
    candidate, n = slug, 1
    while (unit_code, candidate) in taken:
        n += 1
        candidate = f"{slug}-{published:%Y%m%d}" + (f"-{n}" if n > 2 else "")
    taken.add((unit_code, candidate))
    return candidate


def committee_of(unit: Unit) -> tuple[str, str, str]:
    """The unit's committee, its standing committee and the suffix its documents carry (TU, HU, ĐU, CB)."""
    name = unit.name
    if unit.level == "province":
        return "Tỉnh ủy Thái Nguyên", "Ban Thường vụ Tỉnh ủy", "TU"
    if name.startswith("Chi bộ"):
        return name, "Chi ủy", "CB"
    if name.startswith("Đảng bộ huyện "):
        return "Huyện ủy " + name.removeprefix("Đảng bộ huyện "), "Ban Thường vụ Huyện ủy", "HU"
    if name.startswith("Đảng bộ thành phố "):
        return "Thành ủy " + name.removeprefix("Đảng bộ thành phố "), "Ban Thường vụ Thành ủy", "TU"
    standing = "Ban Thường vụ Đảng ủy" if unit.level == "district" else "Thường trực Đảng ủy"
    return "Đảng ủy " + name.removeprefix("Đảng bộ "), standing, "ĐU"


class Placeholders(dict):
    """Placeholder values for one article. Fixed facts (unit, dates, document code) are stored; figures are drawn
    afresh at every use through `__missing__`, so two sentences of one article never repeat the same 90,14%."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        figures = {
            "pct": lambda: _pct(rng, 70, 100), "pct2": lambda: _pct(rng, 85, 130),
            "pct_small": lambda: _pct(rng, 1, 9), "num": lambda: _thousands(rng.randint(1_000, 99_999)),
            "num2": lambda: _thousands(rng.randint(100, 9_999)),
            "money": lambda: _thousands(rng.randint(1_200, 95_000)),
            "small": lambda: str(rng.randint(2, 60)), "small2": lambda: str(rng.randint(3, 45)),
            "few": lambda: str(rng.randint(2, 15)), "per_ha": lambda: str(rng.randint(150, 420)),
            "topic": lambda: rng.choice(pools()["topics"]),
        }
        if key not in figures:
            raise KeyError(key)
        return figures[key]()


def context(rng: random.Random, unit: Unit, published: datetime) -> Placeholders:
    """Values for the placeholders of one article, written the Vietnamese way (12.450; 90,14%; 5-7)."""
    committee, standing, suffix = committee_of(unit)
    year = published.year
    doc_kind, doc_name = rng.choice((("NQ", "Nghị quyết"), ("CT", "Chỉ thị"), ("KL", "Kết luận"),
                                     ("KH", "Kế hoạch"), ("QĐ", "Quy định")))
    new_term = year > 2025 or (year == 2025 and published.month >= 9)
    term_start = 2025 if new_term else 2020
    # Congress numbering of the province committee (khóa XX from 2020); district ones run a few terms later.
    khoa = {"province": ("XX", "XXI"), "district": ("XXIV", "XXV")}.get(unit.level, ("", ""))[new_term]
    deadline = published.date() + timedelta(days=rng.randint(20, 90))
    return Placeholders(rng, {
        "unit": unit.name, "committee": committee, "btv": standing,
        "issuer": unit.name if suffix == "CB" else standing if rng.random() < 0.6 else f"Ban Chấp hành {unit.name}",
        "admitted": _thousands(rng.randint(*ADMITTED[unit.level])),
        "members_total": _thousands(rng.randint(*MEMBERS_TOTAL[unit.level])), "year_prev": str(year - 1),
        "date": published.strftime("%d/%m/%Y"), "dm": f"{published.day}-{published.month}",
        "deadline": deadline.strftime("%d/%m/%Y"), "deadline_iso": deadline.isoformat(),
        "year": str(year), "year_end": str(year + rng.choice((3, 5, 10))), "month": str(published.month),
        "quarter": ("I", "II", "III", "IV")[(published.month - 1) // 3],
        "period": f"6 tháng đầu năm {year}" if published.month > 6 else f"năm {year - 1}",
        "topic": rng.choice(pools()["topics"]), "holiday": rng.choice(pools()["holidays"]),
        "party_years": str(year - 1930),
        "code": f"{rng.randint(1, 150):02d}-{doc_kind}/{suffix}", "doc": doc_name,
        "term": f"khóa {khoa}, nhiệm kỳ {term_start} - {term_start + 5}" if khoa
        else f"nhiệm kỳ {term_start} - {term_start + 5}",
    })


def _pct(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.uniform(low, high):.2f}".replace(".", ",") + "%"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def compose(rng: random.Random, unit: Unit, kind: str, published: datetime) -> tuple[dict[str, str], str]:
    """Front matter and Markdown body of one article of `kind` owned by `unit`."""
    p = pools()
    ctx = context(rng, unit, published)
    meta = {
        "kind": kind,
        "title": rng.choice(_titles(unit, kind)).format_map(ctx),
        "tier": "committee" if rng.random() < COMMITTEE_TIER_SHARE else "all",
        "published": published.strftime("%Y-%m-%d %H:%M"),
        "summary": rng.choice(p["summaries"][kind]).format_map(ctx),
    }
    day = published.date()
    if kind == "resolution":
        meta.update(document_code=ctx["code"], issuing_body=ctx["issuer"],
                    issue_date=(day - timedelta(days=rng.randint(1, 20))).isoformat())
    elif kind == "study":
        meta["study_deadline"] = ctx["deadline_iso"]
    elif kind == "meeting":
        meta["meeting_date"] = meeting_day(day).isoformat()
    return meta, body(rng, kind, ctx)


def _titles(unit: Unit, kind: str) -> list[str]:
    """A cell has no Ban Chấp hành of its own: its news reads differently from a committee's."""
    small = unit.name.startswith("Chi bộ")
    return pools()["titles_cell"][kind] if small and kind in pools()["titles_cell"] else pools()["titles"][kind]


def body(rng: random.Random, kind: str, ctx: Placeholders) -> str:
    """A lead paragraph, two or three headed sections (some with a list) and a closing sentence."""
    p = pools()
    # Shuffled decks, dealt without replacement, so no sentence repeats inside one article.
    own = rng.sample(p["sentences"][kind], len(p["sentences"][kind]))
    shared = rng.sample(p["sentences"]["shared"], len(p["sentences"]["shared"]))

    def sentences(n: int) -> str:
        dealt = [(own if own and (rng.random() < 0.55 or not shared) else shared).pop() for _ in range(n)
                 if own or shared]
        return " ".join(s.format_map(ctx) for s in dealt)

    blocks = [rng.choice(p["leads"][kind]).format_map(ctx) + " " + sentences(2)]
    headings = p["headings"][kind]
    for index in sorted(rng.sample(range(len(headings)), rng.randint(2, min(3, len(headings))))):
        blocks += [f"## {headings[index]}", sentences(rng.randint(2, 3))]
        if rng.random() < 0.45:
            items = rng.sample(p["items"][kind], rng.randint(3, min(5, len(p["items"][kind]))))
            numbered = kind in ("resolution", "meeting")
            blocks.append("\n".join(f"{i}. {t}." if numbered else f"- {t}." for i, t in enumerate(items, 1)))
    blocks.append(sentences(1))
    return "\n\n".join(blocks)


def meeting_day(day: date) -> date:
    """Cells meet early each month, so materials go out in the days before the 5th."""
    if day.day <= 3:
        return day.replace(day=5)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=5)


# --- entry points ------------------------------------------------------------------------------------------

def generate(out_dir: Path, *, districts: int = 16, bases: int = 589, cells: int = 5000, members: int = 97250,
             articles: int = 20000, seed: int = 0) -> dict:
    """Write units.csv, accounts.csv, members.csv and articles/ into `out_dir`; return counts and timing."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out_dir / "articles", ignore_errors=True)  # a smaller run must not leave stale articles
    units = make_units(random.Random(f"{seed}-units"), districts, bases, cells)
    _write_csv(out_dir / "units.csv", UNIT_HEADER, [[u.code, u.parent, u.level, u.name] for u in units])
    accounts = make_accounts(units)
    _write_csv(out_dir / "accounts.csv", ACCOUNT_HEADER, accounts)
    member_rows = write_members(out_dir / "members.csv", random.Random(f"{seed}-members"), units, members)
    stats = write_articles(out_dir / "articles", random.Random(f"{seed}-articles"), units, articles)
    seconds = round(time.perf_counter() - started, 2)
    log.info("generated %d units, %d members, %d articles in %.1f s", len(units), member_rows, articles, seconds)
    return {
        "out_dir": str(out_dir),
        "seed": seed,
        "units": {level: sum(1 for u in units if u.level == level) for level in LEVELS},
        "accounts": len(accounts),
        "members": member_rows,
        "articles": sum(stats["kind"].values()),
        "articles_by_level": stats["level"],
        "articles_by_kind": stats["kind"],
        "articles_by_tier": stats["tier"],
        "seconds": seconds,
    }


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay bench generate",
                                     description="Sinh dữ liệu một tỉnh quy mô thực để đo hiệu năng.")
    parser.add_argument("--out", type=Path, help="thư mục ghi (mặc định var/bench/province-<scale>)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full", help="quy mô: full hoặc small")
    parser.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args = parser.parse_args(argv)
    out = args.out or Path("var") / "bench" / f"province-{args.scale}"
    summary = {"scale": args.scale, **generate(out, seed=args.seed, **SCALES[args.scale])}
    if args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        units, members, articles = (_thousands(n) for n in (
            sum(summary["units"].values()), summary["members"], summary["articles"]))
        seconds = f"{summary['seconds']:.1f}".replace(".", ",")
        sys.stdout.write(f"Đã sinh {units} tổ chức đảng, {members} đảng viên và {articles} bài viết "
                         f"vào {summary['out_dir']} trong {seconds} giây.\n")
    return 0
