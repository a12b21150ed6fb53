"""`sotay speech normalize` and `sotay speech say`, as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.speech.cli import main

REPO = Path(__file__).resolve().parents[3]


def run_module(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder.speech.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_normalize_prints_exactly_one_line_per_input_line():
    lines = ["Chỉ thị số 12-CT/TU ngày 03/02/2024", "", "UBND xã", "45,5%", "   ", "Hội nghị lần thứ IX"]
    result = run_module("normalize", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    output = result.stdout.split("\n")
    assert output[-1] == ""  # the last line is terminated, nothing follows
    assert output[:-1] == [
        "chỉ thị số mười hai của tỉnh ủy ngày mùng ba tháng hai năm hai nghìn không trăm hai mươi tư",
        "",
        "ủy ban nhân dân xã",
        "bốn mươi lăm phẩy năm phần trăm",
        "",
        "hội nghị lần thứ chín",
    ]


def test_normalize_keeps_line_count_for_a_whole_table(tmp_path: Path):
    table = Path(__file__).with_name("normalize_cases.tsv").read_text("utf-8").splitlines()
    written = [line.split("\t")[0] for line in table if line and not line.startswith("#")]
    result = run_module("normalize", stdin="\n".join(written) + "\n")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(written)
    assert not any(ch.isdigit() for ch in result.stdout)


def test_normalize_handles_windows_line_endings_and_no_final_newline():
    result = run_module("normalize", stdin="UBND xã\r\nTP. Thái Nguyên")
    assert result.stdout == "ủy ban nhân dân xã\nthành phố thái nguyên\n"


def test_say_writes_a_playable_file_and_prints_the_spoken_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "thu" / "cau.opus"
    assert main(["say", "Đ/c Bí thư Tỉnh ủy phát biểu ngày 5/7/2024", "-o", str(target)]) == 0
    out = capsys.readouterr()
    assert out.out == "đồng chí bí thư tỉnh ủy phát biểu ngày mùng năm tháng bảy năm hai nghìn không trăm hai mươi tư\n"
    assert "Đã ghi" in out.err
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", target],
        capture_output=True,
        text=True,
        check=True,
    )
    assert 3 < float(probe.stdout) < 20


def test_say_refuses_an_unknown_file_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["say", "xin chào", "-o", str(tmp_path / "x.flac")]) == 2
    assert "Lỗi" in capsys.readouterr().err
    assert not (tmp_path / "x.flac").exists()


def test_say_through_the_module_entry_point(tmp_path: Path):
    target = tmp_path / "x.mp3"
    result = run_module("say", "UBND xã", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ủy ban nhân dân xã\n"
    assert target.stat().st_size > 0
