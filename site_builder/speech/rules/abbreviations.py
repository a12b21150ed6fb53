"""Abbreviations of party and state bodies, titles and common phrases, and a letter-by-letter fallback.

espeak-ng reads "UBND" as an English-sounding blob; a listener expects "ủy ban nhân dân". Keys are matched
case-sensitively and as whole tokens, so "TW" in a sentence becomes "trung ương" but "tw" inside a word does not.
"""

from __future__ import annotations

import re
import unicodedata

from site_builder.speech.rules.base import Rule, spaced

ABBREVIATIONS = {
    # party
    "BCH": "ban chấp hành",
    "BCHTW": "ban chấp hành trung ương",
    "BTV": "ban thường vụ",
    "BTVTU": "ban thường vụ tỉnh ủy",
    "BTVHU": "ban thường vụ huyện ủy",
    "UBKT": "ủy ban kiểm tra",
    "BCT": "bộ chính trị",
    "BBT": "ban bí thư",
    "BCĐ": "ban chỉ đạo",
    "BTG": "ban tuyên giáo",
    "BDV": "ban dân vận",
    "BTC": "ban tổ chức",
    "ĐCSVN": "đảng cộng sản việt nam",
    "ĐCS": "đảng cộng sản",
    "TW": "trung ương",
    "TƯ": "trung ương",
    "T.Ư": "trung ương",
    "T.W": "trung ương",
    "Đ/c": "đồng chí",
    "đ/c": "đồng chí",
    "Đ/C": "đồng chí",
    "Đ.c": "đồng chí",
    "ĐV": "đảng viên",
    "TCCSĐ": "tổ chức cơ sở đảng",
    "TCĐ": "tổ chức đảng",
    # state and mass organisations
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "MTTQVN": "mặt trận tổ quốc việt nam",
    "MTTQ": "mặt trận tổ quốc",
    "ĐBQH": "đại biểu quốc hội",
    "UBTVQH": "ủy ban thường vụ quốc hội",
    "QH": "quốc hội",
    "TTg": "thủ tướng",
    "CHXHCN": "cộng hòa xã hội chủ nghĩa",
    "CHXHCNVN": "cộng hòa xã hội chủ nghĩa việt nam",
    "XHCN": "xã hội chủ nghĩa",
    "CNXH": "chủ nghĩa xã hội",
    "HTCT": "hệ thống chính trị",
    "LĐLĐ": "liên đoàn lao động",
    "HLHPN": "hội liên hiệp phụ nữ",
    "LHPN": "liên hiệp phụ nữ",
    "HND": "hội nông dân",
    "HCCB": "hội cựu chiến binh",
    "CCB": "cựu chiến binh",
    "TNCS": "thanh niên cộng sản",
    "ĐTN": "đoàn thanh niên",
    "HTX": "hợp tác xã",
    "QĐND": "quân đội nhân dân",
    "CAND": "công an nhân dân",
    "LLVT": "lực lượng vũ trang",
    "BCHQS": "ban chỉ huy quân sự",
    "CHQS": "chỉ huy quân sự",
    "PCT": "phó chủ tịch",
    "PBT": "phó bí thư",
    "UV": "ủy viên",
    # places
    "TP.HCM": "thành phố hồ chí minh",
    "TP. HCM": "thành phố hồ chí minh",
    "TPHCM": "thành phố hồ chí minh",
    "HCM": "hồ chí minh",
    "TP.": "thành phố",
    "TP": "thành phố",
    "TX.": "thị xã",
    "VN": "việt nam",
    # titles
    "PGS.TS": "phó giáo sư, tiến sĩ",
    "PGS, TS": "phó giáo sư, tiến sĩ",
    "GS.TSKH": "giáo sư, tiến sĩ khoa học",
    "GS.TS": "giáo sư, tiến sĩ",
    "GS, TS": "giáo sư, tiến sĩ",
    "PGS.": "phó giáo sư",
    "GS.": "giáo sư",
    "ThS.": "thạc sĩ",
    "ThS": "thạc sĩ",
    "TS.": "tiến sĩ",
    "BS.": "bác sĩ",
    "KS.": "kỹ sư",
    "NSND": "nghệ sĩ nhân dân",
    "NSƯT": "nghệ sĩ ưu tú",
    "NGND": "nhà giáo nhân dân",
    "NGƯT": "nhà giáo ưu tú",
    "AHLĐ": "anh hùng lao động",
    "AHLLVT": "anh hùng lực lượng vũ trang",
    # policy phrases
    "CNH-HĐH": "công nghiệp hóa, hiện đại hóa",
    "CNH, HĐH": "công nghiệp hóa, hiện đại hóa",
    "CNH": "công nghiệp hóa",
    "HĐH": "hiện đại hóa",
    "KT-XH": "kinh tế, xã hội",
    "KTXH": "kinh tế, xã hội",
    "QP-AN": "quốc phòng, an ninh",
    "QPAN": "quốc phòng, an ninh",
    "ANTT": "an ninh trật tự",
    "ATK": "an toàn khu",
    "PCCC": "phòng cháy, chữa cháy",
    "5K": "năm ca",
    "ANCT": "an ninh chính trị",
    "TTATXH": "trật tự an toàn xã hội",
    "ATGT": "an toàn giao thông",
    "NTM": "nông thôn mới",
    "KH&CN": "khoa học và công nghệ",
    "KH-CN": "khoa học, công nghệ",
    "KHCN": "khoa học công nghệ",
    "GD-ĐT": "giáo dục, đào tạo",
    "GD&ĐT": "giáo dục và đào tạo",
    "GDĐT": "giáo dục đào tạo",
    "CNTT": "công nghệ thông tin",
    "CĐS": "chuyển đổi số",
    "CCHC": "cải cách hành chính",
    "SXKD": "sản xuất kinh doanh",
    "DN": "doanh nghiệp",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "NXB": "nhà xuất bản",
    "TTXVN": "thông tấn xã việt nam",
    # said by meaning: the letters tell an elderly listener nothing
    "GDP": "tổng sản phẩm trong nước",
    "GRDP": "tổng sản phẩm trên địa bàn",
    "FDI": "vốn đầu tư trực tiếp nước ngoài",
    "ODA": "vốn hỗ trợ phát triển chính thức",
    "ASEAN": "a xê an",
    "USD": "đô la mỹ",
    "VNĐ": "đồng",
    "SĐT": "số điện thoại",
    "OCOP": "ô cốp",
    "COVID-19": "cô vít mười chín",
    "Covid-19": "cô vít mười chín",
    "COVID": "cô vít",
    "Covid": "cô vít",
    "5G": "năm gờ",
    "4G": "bốn gờ",
    "3G": "ba gờ",
    "v.v.": "vân vân",
    "v.v": "vân vân",
    "tr.": "trang",
    "Tr.": "trang",
}


def _token_pattern(keys: list[str]) -> str:
    alternatives = []
    for key in sorted(keys, key=len, reverse=True):
        tail = "" if key[-1] in ".," else r"(?![\w])"
        alternatives.append(re.escape(key) + tail)
    return r"(?<![\w])(?:" + "|".join(alternatives) + ")"


def _expand(match: re.Match[str]) -> str:
    return spaced(ABBREVIATIONS[match.group(0)])


# Vietnamese names of letters, for acronyms nobody has taught us.
LETTERS = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê", "F": "ép",
    "G": "gờ", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o", "Ô": "ô",
    "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê",
    "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}  # fmt: skip

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)


def is_vietnamese_syllable(word: str) -> bool:
    """True for a well-formed syllable ("BAN", "HỘI", "KHÓA"): headlines in capitals must not be spelled out."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.fullmatch(toneless))


def _spell(match: re.Match[str]) -> str:
    word = match.group(0)
    if is_vietnamese_syllable(word):
        return word
    return spaced(" ".join(LETTERS.get(ch, ch) for ch in word))


_CAPITALS = "A-ZĂÂĐÊÔƠƯ"
RULES = (Rule("abbreviation", _token_pattern(list(ABBREVIATIONS)), _expand),)
SPELL_ACRONYMS = Rule("spell acronyms", rf"(?<![\w])[{_CAPITALS}]{{2,6}}(?![\w])", _spell)
