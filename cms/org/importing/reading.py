"""Reading the member registry's export: CSV (UTF-8 or Windows-1258; `;`, `,` or tab) or XLSX, as rows of text.

Excel on a Vietnamese Windows saves "CSV" in Windows-1258, which writes most toned letters as a base letter plus
a combining tone mark; every cell is NFC-normalised so "Nguyễn" from such a file equals "Nguyễn" typed in the
admin. XLSX cells arrive typed: dates become `YYYY-MM-DD`, whole numbers lose Excel's `.0`.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

from layerformat.text import fold

XLSX_SUFFIXES = (".xlsx", ".xlsm")
ENCODINGS = ("utf-8-sig", "cp1258")
DELIMITERS = (";", ",", "\t")
_NOT_WORD = re.compile(r"[^a-z0-9_]+")


class UnreadableFile(Exception):
    """The file is neither a CSV in a known encoding nor an XLSX workbook."""


@functools.lru_cache(maxsize=4096)  # a province's export repeats a few roles and statuses 100,000 times
def fold_header(text: str) -> str:
    """A header as a lookup key: tone marks, case, punctuation and extra spaces dropped ("Số thẻ (*)" → "so the")."""
    return " ".join(_NOT_WORD.sub(" ", fold(unicodedata.normalize("NFC", str(text)))).split())


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the CSV, every cell as stripped NFC text."""
    if Path(filename).suffix.lower() in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


def read_path(path: Path) -> list[list[str]]:
    return read_table(path.read_bytes(), path.name)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "x" if value else ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise UnreadableFile("Không đọc được tệp Excel (XLSX); hãy lưu lại tệp bằng Excel rồi thử lại.") from error
    try:
        return [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("Không đọc được tệp CSV: hãy lưu tệp với bảng mã UTF-8 hoặc Windows-1258.")


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data:  # text has no NUL bytes: some other kind of file was chosen
        raise UnreadableFile("Tệp không phải bảng CSV (các cột cách nhau bằng dấu phẩy, chấm phẩy hoặc tab) "
                             "hay bảng tính XLSX.")
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[unicodedata.normalize("NFC", cell).strip() for cell in row] for row in rows]
