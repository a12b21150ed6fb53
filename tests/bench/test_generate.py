"""`sotay bench generate` writes a province in the demo content format, the same bytes for the same seed."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from bench import generate as gen
from tests.content import rules

TINY = {"districts": 2, "bases": 5, "cells": 12, "members": 100, "articles": 50}


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("province")
    return out, gen.generate(out, seed=7, **TINY)


def test_same_seed_writes_identical_files(tiny, tmp_path):
    out, _summary = tiny
    again = tmp_path / "again"
    gen.generate(again, seed=7, **TINY)
    assert digest(again) == digest(out)


def test_another_seed_writes_another_province(tiny, tmp_path):
    out, _summary = tiny
    gen.generate(tmp_path, seed=8, **TINY)
    assert (tmp_path / "members.csv").read_bytes() != (out / "members.csv").read_bytes()


def test_counts_match_the_request(tiny):
    out, summary = tiny
    _header, units = rules.read_csv(out / "units.csv")
    assert Counter(u["level"] for u in units) == {"province": 1, "district": 2, "base": 5, "cell": 12}
    assert len(rules.read_csv(out / "members.csv")[1]) == 100
    assert len(list((out / "articles").glob("*/*.md"))) == 50
    assert summary["units"] == {"province": 1, "district": 2, "base": 5, "cell": 12}
    assert summary["members"] == 100 and summary["articles"] == 50
    assert sum(summary["articles_by_kind"].values()) == sum(summary["articles_by_level"].values()) == 50


def test_output_follows_the_content_format(tiny):
    out, _summary = tiny
    header, units = rules.read_csv(out / "units.csv")
    assert rules.unit_problems(header, units) == []
    levels = {u["code"]: u["level"] for u in units}
    header, accounts = rules.read_csv(out / "accounts.csv")
    assert rules.account_problems(header, accounts, levels) == []
    header, members = rules.read_csv(out / "members.csv")
    assert rules.member_problems(header, members, levels, {a["username"] for a in accounts}) == []
    paths = sorted((out / "articles").glob("*/*.md"))
    assert [p for path in paths for p in rules.article_problems(path, levels)] == []
    assert [p for path in paths for p in rules.yaml_disagreements(path)] == []


def test_every_cell_gets_members_and_cells_publish_meeting_materials(tmp_path):
    gen.generate(tmp_path, districts=2, bases=6, cells=20, members=400, articles=600)
    _header, units = rules.read_csv(tmp_path / "units.csv")
    levels = {u["code"]: u["level"] for u in units}
    homes = Counter(m["Mã đơn vị"] for m in rules.read_csv(tmp_path / "members.csv")[1])
    assert all(homes[code] > 0 for code, level in levels.items() if level == "cell")
    by_level: dict[str, Counter] = {level: Counter() for level in rules.LEVELS}
    for path in (tmp_path / "articles").glob("*/*.md"):
        by_level[levels[path.parent.name]][rules.read_article(path)[0]["kind"]] += 1
    assert by_level["cell"].most_common(1)[0][0] == "meeting"
    assert by_level["province"].most_common(1)[0][0] == "news"
    assert sum(by_level["province"].values()) + sum(by_level["district"].values()) > 600 / 2


def test_a_smaller_run_leaves_no_stale_articles(tmp_path):
    gen.generate(tmp_path, **TINY)
    gen.generate(tmp_path, **{**TINY, "articles": 20})
    assert len(list((tmp_path / "articles").glob("*/*.md"))) == 20


def test_cli_prints_one_json_summary(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(gen.SCALES, "small", TINY)
    assert gen.main(["--out", str(tmp_path), "--scale", "small", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["scale"] == "small" and summary["articles"] == 50 and summary["seconds"] >= 0
    assert (tmp_path / "units.csv").exists()


@pytest.mark.slow
def test_full_province_is_written_well_under_a_minute(tmp_path):
    summary = gen.generate(tmp_path)
    assert summary["units"] == {"province": 1, "district": 16, "base": 589, "cell": 5000}
    assert summary["members"] == 97250 and summary["articles"] == 20000
    assert summary["seconds"] < 60
