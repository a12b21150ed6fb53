"""The normaliser reads party texts the way a newsreader would, and never leaves a digit for espeak-ng."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.speech import normalize
from site_builder.speech.rules.numbers import cardinal, ordinal, roman_to_int

CASES = Path(__file__).with_name("normalize_cases.tsv")


def _cases() -> list[pytest.param]:
    rows = []
    for number, line in enumerate(CASES.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        written, spoken = line.split("\t")
        rows.append(pytest.param(written, spoken, id=f"line{number}"))
    return rows


def test_the_table_has_at_least_200_phrases():
    assert len(_cases()) >= 200


@pytest.mark.parametrize(("written", "spoken"), _cases())
def test_phrase_is_read_as_a_newsreader_would(written: str, spoken: str):
    assert normalize(written) == spoken


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        (
            "Chỉ thị số 12-CT/TU ngày 03/02/2024",
            {
                "chỉ thị số mười hai của tỉnh ủy ngày ba tháng hai năm hai nghìn không trăm hai mươi tư",
                "chỉ thị số mười hai của tỉnh ủy ngày mùng ba tháng hai năm hai nghìn không trăm hai mươi tư",
            },
        ),
        ("UBND xã", {"ủy ban nhân dân xã"}),
        ("45,5%", {"bốn mươi lăm phẩy năm phần trăm"}),
        ("Hội nghị lần thứ IX", {"hội nghị lần thứ chín"}),
    ],
)
def test_examples_from_the_request(written: str, accepted: set[str]):
    assert normalize(written) in accepted


def test_every_phrase_in_the_table_loses_all_digits():
    for param in _cases():
        assert not re.search(r"\d", normalize(param.values[0])), param.values[0]


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (105, "một trăm linh năm"),
        (1015, "một nghìn không trăm mười lăm"),
        (2024, "hai nghìn không trăm hai mươi tư"),
        (97250, "chín mươi bảy nghìn hai trăm năm mươi"),
        (1_000_000, "một triệu"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (1_500_000_000, "một tỷ năm trăm triệu"),
        (2_000_000_000_000, "hai nghìn tỷ"),
    ],
)
def test_cardinals(value: int, spoken: str):
    assert cardinal(value) == spoken


def test_ordinals_use_nhat_and_tu():
    assert [ordinal(n) for n in (1, 2, 4, 10)] == ["nhất", "hai", "tư", "mười"]


@pytest.mark.parametrize(("roman", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIII", 13), ("XX", 20), ("XIV", 14)])
def test_roman_numerals(roman: str, value: int):
    assert roman_to_int(roman) == value


@pytest.mark.parametrize("bad", ["", "IIII", "IC", "VX", "ABC"])
def test_malformed_roman_numerals_are_refused(bad: str):
    assert roman_to_int(bad) is None


def test_line_breaks_become_pauses_in_one_line():
    assert normalize("Tiêu đề không có dấu chấm\nĐoạn thứ nhất.") == "tiêu đề không có dấu chấm. đoạn thứ nhất."


def test_spoken_text_is_left_as_it_is():
    spoken = normalize("Nghị quyết số 09-NQ/TU ngày 26/01/2022, tỷ lệ 90,14%, khóa XIII")
    assert normalize(spoken) == spoken


_PIECES = list("0123456789 /-.,:%()ĐđUBNDHTWQIVXacdehmnoghiếủyơạ\n\t") + ["ngày ", "tháng ", "số ", "lần thứ "]
_WRITTEN = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_WRITTEN)
def test_any_text_comes_out_as_one_line_without_digits(text: str):
    spoken = normalize(text)
    assert not re.search(r"\d", spoken)
    assert "\n" not in spoken
