"""The demo province in content/demo follows the format the loader expects and is rich enough to demo every feature."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.content import rules

DEMO = Path(__file__).resolve().parents[2] / "content" / "demo"
TODAY = date(2026, 11, 24)  # the demo is written as of this day


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    return rules.read_csv(DEMO / "units.csv")[1]


@pytest.fixture(scope="module")
def levels(units) -> dict[str, str]:
    return {u["code"]: u["level"] for u in units}


@pytest.fixture(scope="module")
def articles(levels) -> list[tuple[Path, dict[str, str], str]]:
    paths = sorted((DEMO / "articles").glob("*/*.md"))
    return [(path, *rules.read_article(path)) for path in paths]


def test_units_form_one_province_tree_with_parents_first(units):
    header, rows = rules.read_csv(DEMO / "units.csv")
    assert rules.unit_problems(header, rows) == []
    counts = Counter(u["level"] for u in units)
    assert counts["province"] == 1
    assert counts["district"] >= 3 and counts["base"] >= 10 and counts["cell"] >= 30


def test_every_district_has_bases_and_most_bases_have_cells(units):
    children = Counter(u["parent_code"] for u in units)
    districts = [u["code"] for u in units if u["level"] == "district"]
    bases = [u["code"] for u in units if u["level"] == "base"]
    assert all(children[d] >= 2 for d in districts)
    assert sum(1 for b in bases if children[b] >= 2) >= len(bases) - 1  # a Chi bộ cơ sở may have no cells


def test_accounts_cover_every_role_and_an_editor_at_every_level(levels):
    header, rows = rules.read_csv(DEMO / "accounts.csv")
    assert rules.account_problems(header, rows, levels) == []


def test_one_cell_has_every_role_to_try_them_side_by_side(levels):
    """bí thư, phó bí thư, chi ủy viên and đảng viên of the same cell: what each may do is shown on `make demo`."""
    _header, rows = rules.read_csv(DEMO / "accounts.csv")
    roles_by_cell: dict[str, set[str]] = {}
    for row in rows:
        if levels[row["unit_code"]] == "cell":
            roles_by_cell.setdefault(row["unit_code"], set()).add(row["role"])
    assert any(roles >= {"member", "committee", "deputy", "secretary"} for roles in roles_by_cell.values())


def test_a_member_in_a_second_district_exists_to_check_isolation(units, levels):
    _header, rows = rules.read_csv(DEMO / "accounts.csv")
    parent = {u["code"]: u["parent_code"] for u in units}

    def district_of(code: str) -> str | None:
        while code and levels[code] != "district":
            code = parent[code]
        return code or None

    districts = {district_of(r["unit_code"]) for r in rows if levels[r["unit_code"]] != "province"}
    assert len(districts) >= 2


def test_members_import_file_has_valid_unique_rows(levels):
    header, rows = rules.read_csv(DEMO / "members.csv")
    _h, accounts = rules.read_csv(DEMO / "accounts.csv")
    assert rules.member_problems(header, rows, levels, {a["username"] for a in accounts}) == []
    assert len(rows) >= 300


def test_members_carry_the_registry_record_with_exemptions_and_members_without_smartphones():
    header, rows = rules.read_csv(DEMO / "members.csv")
    assert header == rules.MEMBER_RECORD_HEADER
    exempt_now = Counter()
    for row in rows:
        start, end = (rules._dmy(row[k]) for k in ("Miễn sinh hoạt từ", "Miễn sinh hoạt đến"))
        if start and start <= TODAY and (end is None or TODAY <= end):
            exempt_now[row["Lý do miễn"]] += 1
    assert set(exempt_now) == rules.EXEMPT_REASONS  # every reason is in effect for somebody today
    ended = [r for r in rows if r["Miễn sinh hoạt đến"] and rules._dmy(r["Miễn sinh hoạt đến"]) < TODAY]
    assert ended  # and some exemptions are over: those members count again
    assert 5 <= sum(r["Không có điện thoại thông minh"] == "x" for r in rows) <= len(rows) / 10
    roles = Counter(r["Vai trò"] for r in rows)
    assert roles["phó bí thư"] >= 5 and roles["chi ủy viên"] >= 10


def test_members_are_mostly_active_and_every_cell_has_some(levels):
    _header, rows = rules.read_csv(DEMO / "members.csv")
    active = sum(1 for r in rows if r["Tình trạng"] in rules.ACTIVE_STATUSES)
    assert active / len(rows) > 0.95
    populated = {r["Mã đơn vị"] for r in rows}
    assert {code for code, level in levels.items() if level == "cell"} <= populated


def test_every_article_has_valid_front_matter_and_a_real_body(articles, levels):
    problems = [p for path, _meta, _body in articles for p in rules.article_problems(path, levels)]
    assert problems == []
    assert len(articles) >= 60


def test_front_matter_reads_the_same_as_yaml(articles):
    assert [p for path, _meta, _body in articles for p in rules.yaml_disagreements(path)] == []


def test_every_level_publishes_every_kind(articles, levels):
    seen = {(levels[path.parent.name], meta["kind"]) for path, meta, _body in articles}
    assert {(level, kind) for level in rules.LEVELS for kind in rules.KINDS} <= seen


def test_articles_span_the_years_and_mostly_reach_everyone(articles):
    years = {int(meta["published"][:4]) for _path, meta, _body in articles}
    assert {2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026} <= years
    tiers = Counter(meta["tier"] for _path, meta, _body in articles)
    assert 2 <= tiers["committee"] < tiers["all"] / 5


def test_study_deadlines_include_open_and_closed_ones(articles):
    deadlines = [date.fromisoformat(m["study_deadline"]) for _p, m, _b in articles if m["kind"] == "study"]
    assert any(d > TODAY for d in deadlines) and any(d < TODAY for d in deadlines)


def test_bodies_read_like_party_documents(articles):
    """Sections, lists and the written forms the speech normaliser must handle: codes, dates, numbers, acronyms."""
    bodies = [body for _path, _meta, body in articles]
    assert sum("\n## " in "\n" + b for b in bodies) >= len(bodies) * 0.8
    assert sum(("\n- " in b or "\n1. " in b) for b in bodies) >= len(bodies) / 2
    text = "\n".join(bodies)
    for needle in ("UBND", "HĐND", "BCH", "BTV", "MTTQ", "UBKT", "ĐBQH", "Đ/c", "TP.", "CNH-HĐH"):
        assert needle in text, needle
    written_forms = {
        "date 26/01/2022": r"\b\d{1,2}/\d{1,2}/(19|20)\d\d\b",
        "press date ngày 5-7": r"\bngày \d{1,2}-\d{1,2}\b",
        "document code": r"\b\d{1,3}-(NQ|CT|KH|KL|QĐ)/(TW|TU|HU|ĐU|CB)\b",
        "percentage 90,14%": r"\b\d+,\d+%",
        "thousands 97.250": r"\b\d{1,3}\.\d{3}\b",
        "roman numeral": r"\b(khóa|lần thứ) [IVXL]+\b",
    }
    for name, pattern in written_forms.items():
        assert len(re.findall(pattern, text)) >= 5, name
