"""Precompressed siblings: written for text files worth compressing, rewritten only when their file changed,
removed with it."""

from __future__ import annotations

import gzip
import os

import brotli

from site_builder.compress import compress_site, is_sibling

PAGE = ("<p>Chi bộ xóm Đồng Tâm sinh hoạt định kỳ, kết nạp đảng viên mới.</p>" * 40).encode()


def test_siblings_follow_their_files(tmp_path):
    (tmp_path / "a" / "1").mkdir(parents=True)
    page = tmp_path / "a" / "1" / "index.html"
    page.write_bytes(PAGE)
    (tmp_path / "tiny.json").write_bytes(b"{}")
    (tmp_path / "audio.opus").write_bytes(PAGE)

    first = compress_site(tmp_path)
    assert first.written == 2
    assert gzip.decompress((tmp_path / "a/1/index.html.gz").read_bytes()) == PAGE
    assert brotli.decompress((tmp_path / "a/1/index.html.br").read_bytes()) == PAGE
    assert not (tmp_path / "tiny.json.gz").exists() and not (tmp_path / "audio.opus.br").exists()

    again = compress_site(tmp_path)
    assert again.written == 0 and again.kept == 2

    changed = PAGE + "<p>Sửa lại.</p>".encode()
    page.write_bytes(changed)
    stamp = os.stat(page).st_mtime_ns + 1_000_000
    os.utime(page, ns=(stamp, stamp))
    assert compress_site(tmp_path).written == 2
    assert brotli.decompress((tmp_path / "a/1/index.html.br").read_bytes()) == changed

    page.unlink()
    assert compress_site(tmp_path).removed == 2
    assert list((tmp_path / "a" / "1").iterdir()) == []


def test_siblings_are_told_from_other_files():
    assert is_sibling("a/1/index.html.br") and is_sibling("assets/x.css.gz")
    assert not is_sibling("backup.tar.gz") and not is_sibling("index.html")
