"""Document codes: "09-NQ/TU" is resolution number nine of the province committee.

Party documents write `number-KIND/BODY` (09-NQ/TU, 35-HD/BTGTW); state documents write
`number/[year/]KIND-BODY` (27/QĐ-TW, 13/2023/NĐ-CP) or `number/BODY-DEPARTMENT` for letters (123/UBND-VX).
A listener needs the kind, the number and who issued it; the letters themselves mean nothing read aloud.
When the sentence already names the kind ("Chỉ thị số 12-CT/TU"), it is not said twice.
"""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced
from site_builder.speech.rules.numbers import cardinal

KINDS = {
    "NQ": "nghị quyết",
    "NQLT": "nghị quyết liên tịch",
    "QĐ": "quyết định",
    "QĐi": "quy định",
    "QyĐ": "quy định",
    "CT": "chỉ thị",
    "KL": "kết luận",
    "KH": "kế hoạch",
    "HD": "hướng dẫn",
    "HDLT": "hướng dẫn liên tịch",
    "TB": "thông báo",
    "BC": "báo cáo",
    "CTr": "chương trình",
    "NĐ": "nghị định",
    "TT": "thông tư",
    "TTLT": "thông tư liên tịch",
    "TTr": "tờ trình",
    "CV": "công văn",
    "CĐ": "công điện",
    "QC": "quy chế",
    "ĐA": "đề án",
    "PL": "pháp lệnh",
    "BB": "biên bản",
    "GM": "giấy mời",
    "QyC": "quy chế",
}

BODIES = {
    "TW": "trung ương",
    "TƯ": "trung ương",
    "TU": "tỉnh ủy",
    "HU": "huyện ủy",
    "ThU": "thành ủy",
    "TxU": "thị ủy",
    "QU": "quận ủy",
    "ĐU": "đảng ủy",
    "ĐUK": "đảng ủy khối",
    "ĐUQS": "đảng ủy quân sự",
    "BCT": "bộ chính trị",
    "BBT": "ban bí thư",
    "BCĐ": "ban chỉ đạo",
    "VPTW": "văn phòng trung ương",
    "VPTU": "văn phòng tỉnh ủy",
    "BTGTW": "ban tuyên giáo trung ương",
    "BTGTU": "ban tuyên giáo tỉnh ủy",
    "BTGHU": "ban tuyên giáo huyện ủy",
    "BTCTW": "ban tổ chức trung ương",
    "BTCTU": "ban tổ chức tỉnh ủy",
    "BTCHU": "ban tổ chức huyện ủy",
    "BDVTW": "ban dân vận trung ương",
    "BDVTU": "ban dân vận tỉnh ủy",
    "BNCTW": "ban nội chính trung ương",
    "BNCTU": "ban nội chính tỉnh ủy",
    "BKTTW": "ban kinh tế trung ương",
    "UBKTTW": "ủy ban kiểm tra trung ương",
    "UBKTTU": "ủy ban kiểm tra tỉnh ủy",
    "UBKTHU": "ủy ban kiểm tra huyện ủy",
    "UBKT": "ủy ban kiểm tra",
    "CP": "chính phủ",
    "TTg": "thủ tướng chính phủ",
    "QH": "quốc hội",
    "UBTVQH": "ủy ban thường vụ quốc hội",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc",
    "BNV": "bộ nội vụ",
    "BTC": "bộ tài chính",
    "BYT": "bộ y tế",
    "BCA": "bộ công an",
    "BQP": "bộ quốc phòng",
    "BGDĐT": "bộ giáo dục và đào tạo",
    "BTTTT": "bộ thông tin và truyền thông",
    "BLĐTBXH": "bộ lao động, thương binh và xã hội",
    "BNNPTNT": "bộ nông nghiệp và phát triển nông thôn",
    "BTNMT": "bộ tài nguyên và môi trường",
    "BVHTTDL": "bộ văn hóa, thể thao và du lịch",
    "BKHĐT": "bộ kế hoạch và đầu tư",
    "BTP": "bộ tư pháp",
    "BXD": "bộ xây dựng",
    "SNV": "sở nội vụ",
    "STC": "sở tài chính",
    "VP": "văn phòng",
}

# Departments after the body in state letters (123/UBND-VX): said when known, dropped otherwise.
DEPARTMENTS = {
    "VX": "khối văn xã",
    "KGVX": "khối khoa giáo văn xã",
    "KT": "khối kinh tế",
    "NC": "khối nội chính",
    "TH": "khối tổng hợp",
    "TCD": "tiếp công dân",
}

KIND_WORDS = (
    "nghị quyết liên tịch",
    "nghị quyết",
    "quyết định",
    "quy định",
    "chỉ thị",
    "kết luận",
    "kế hoạch",
    "hướng dẫn",
    "thông báo",
    "báo cáo",
    "chương trình",
    "nghị định",
    "thông tư liên tịch",
    "thông tư",
    "tờ trình",
    "công văn",
    "công điện",
    "quy chế",
    "đề án",
    "luật",
    "pháp lệnh",
    "văn bản",
    "biên bản",
    "giấy mời",
)
# "Chương trình hành động số 20-CTr/TU": a few words may stand between the kind and "số".
_NAMED_BEFORE = re.compile(r"(?:" + "|".join(KIND_WORDS) + r")(?:(?:\s+\w+){0,3}\s+(?P<so>số))?\s*$", re.IGNORECASE)
# "09-NQ/TU ngày 26/01/2022 của Ban Thường vụ Tỉnh ủy" names the issuer itself: do not say it twice.
_ISSUER_FOLLOWS = re.compile(r"\s*,?\s*(?:ngày\s+[\d/.-]+\s*,?\s*)?của\b", re.IGNORECASE)
_KIND = "|".join(sorted((re.escape(k) for k in KINDS), key=len, reverse=True))
_UPPER = "A-ZĐƯÔƠÂĂÊ"
_BODY = rf"[{_UPPER}][{_UPPER}a-zđ]*"


def body_name(code: str) -> str | None:
    """Spoken issuing body for `TU`, `UBND-VX` or `BTGTW`; None when the first part is unknown."""
    first, *rest = code.split("-")
    if first not in BODIES:
        return None
    words = [BODIES[first]] + [DEPARTMENTS[part] for part in rest if part in DEPARTMENTS]
    return " ".join(words)


def _read(match: re.Match[str], kind: str | None, body: str) -> str:
    """Put the parts in the order a listener expects: [kind] số <number> [năm <year>] của <body>."""
    number = cardinal(int(match["num"]))
    named = _NAMED_BEFORE.search(match.string[max(0, match.start() - 60) : match.start()])
    words: list[str] = []
    if named is None:
        words += [kind or "văn bản", "số"]
    elif not named["so"]:
        words.append("số")
    words.append(number)
    if match.groupdict().get("year"):
        words += ["năm", cardinal(int(match["year"]))]
    if not _ISSUER_FOLLOWS.match(match.string, match.end()):
        words += ["của", body]
    return spaced(" ".join(words))


def _party_code(match: re.Match[str]) -> str:
    body = body_name(match["body"])
    return match.group(0) if body is None else _read(match, KINDS[match["kind"]], body)


def _state_code(match: re.Match[str]) -> str:
    body = body_name(match["body"])
    return match.group(0) if body is None else _read(match, KINDS[match["kind"]], body)


def _letter_code(match: re.Match[str]) -> str:
    body = body_name(match["body"])
    return match.group(0) if body is None else _read(match, None, body)


def _law_code(match: re.Match[str]) -> str:
    return _read(match, "luật", f"quốc hội khóa {cardinal(int(match['term']))}")


_START = r"(?<![\w/.-])"
_END = r"(?![\w/-])"
RULES = (
    Rule("law code", _START + r"(?P<num>\d+)/(?P<year>\d{4})/QH(?P<term>\d+)" + _END, _law_code),
    Rule(
        "state code",
        _START + rf"(?P<num>\d+)/(?:(?P<year>\d{{4}})/)?(?P<kind>{_KIND})-(?P<body>{_BODY}(?:-{_BODY})*)" + _END,
        _state_code,
    ),
    Rule(
        "party code",
        _START + rf"(?P<num>\d+)-(?P<kind>{_KIND})/(?P<body>{_BODY}(?:-{_BODY})*)" + _END,
        _party_code,
    ),
    Rule("letter code", _START + rf"(?P<num>\d+)/(?P<body>{_BODY}(?:-{_BODY})*)" + _END, _letter_code),
)
