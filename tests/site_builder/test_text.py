"""Tone folding: the same in Python (indexes) and in the reader's JavaScript (queries)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from layerformat.text import fold, html_to_text, shorten
from tests.site_builder.conftest import NODE

FOLD_JS = Path(__file__).resolve().parents[2] / "themes" / "reader" / "assets" / "sotay" / "fold.js"

CASES = {
    "Nghị quyết": "nghi quyet",
    "ĐẢNG VIÊN": "dang vien",
    "đảng viên": "dang vien",
    "Ban Chấp hành Trung ương khóa XIII": "ban chap hanh trung uong khoa xiii",
    "Ủy ban Kiểm tra": "uy ban kiem tra",
    "Hướng dẫn số 09-HD/BTGTU": "huong dan so 09-hd/btgtu",
    # Decomposed input (as some phones send it) folds like precomposed input.
    "Nghi\u0323 quye\u0302\u0301t": "nghi quyet",
    # Legacy encodings wrote Đ as U+00D0.
    "\u00d0ảng": "dang",
}
ALL_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@pytest.mark.parametrize(("text", "folded"), CASES.items())
def test_fold(text, folded):
    assert fold(text) == folded


def test_every_vietnamese_letter_folds_to_ascii():
    folded = fold(ALL_VOWELS + ALL_VOWELS.upper())
    assert folded.isascii() and folded == folded.lower()
    assert set(folded) == set("aeiouyd")


def test_javascript_fold_matches_python():
    samples = [*CASES, ALL_VOWELS, ALL_VOWELS.upper(), "Chỉ thị 05-CT/TW, Đ/c Nguyễn Văn Ước"]
    script = (
        f"const fold = require({json.dumps(str(FOLD_JS))});"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.map(fold)));"
    )
    out = subprocess.run([NODE, "-e", script], input=json.dumps(samples), capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [fold(s) for s in samples]


def test_html_to_text_keeps_words_apart_and_drops_scripts():
    html = "<h2>Mục I</h2><p>Đảng viên<br>gương mẫu</p><script>alert(1)</script><ul><li>a</li><li>b &amp; c</li></ul>"
    assert html_to_text(html) == "Mục I Đảng viên gương mẫu a b & c"


def test_shorten_cuts_at_a_word():
    assert shorten("một hai ba bốn năm sáu bảy tám chín mười", 20) == "một hai ba bốn năm…"
    assert shorten("ngắn", 20) == "ngắn"
