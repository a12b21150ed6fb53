"""What is read aloud from an article: the title first, then each block of the body as its own sentence."""

from __future__ import annotations

from site_builder.speech import normalize, text_for_speech


def test_title_comes_first_and_every_paragraph_is_a_sentence():
    text = text_for_speech(
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh",
        "<p>Sáng 5-7, hội nghị khai mạc</p><p>Đồng chí Bí thư <strong>chủ trì</strong>.</p>",
    )
    assert text.splitlines() == [
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh.",
        "Sáng 5-7, hội nghị khai mạc.",
        "Đồng chí Bí thư chủ trì.",
    ]


def test_headings_list_items_and_line_breaks_are_pauses():
    html = "<h2>Nhiệm vụ</h2><ul><li>Thứ nhất</li><li>Thứ hai</li></ul><p>Dòng một<br>Dòng hai</p>"
    assert text_for_speech("", html).splitlines() == ["Nhiệm vụ.", "Thứ nhất.", "Thứ hai.", "Dòng một.", "Dòng hai."]


def test_scripts_styles_and_media_are_not_read():
    html = "<p>Nội dung</p><script>alert(1)</script><style>p{color:red}</style><video>Trình duyệt cũ</video>"
    assert text_for_speech("Tin", html) == "Tin.\nNội dung."


def test_entities_are_decoded_and_table_cells_separated():
    html = "<p>Đảng&nbsp;bộ &amp; chính quyền</p><table><tr><td>Huyện</td><td>Số đảng viên</td></tr></table>"
    lines = text_for_speech("Tin", html).splitlines()
    assert lines[1] == "Đảng bộ & chính quyền."
    assert lines[2] == "Huyện, Số đảng viên."


def test_empty_body_reads_only_the_title():
    assert text_for_speech("Thông báo", "") == "Thông báo."


def test_the_text_is_not_yet_normalised_but_normalises_cleanly():
    text = text_for_speech("Nghị quyết số 09-NQ/TU", "<p>Ngày 26/01/2022</p>")
    assert "09-NQ/TU" in text
    assert normalize(text) == (
        "nghị quyết số chín của tỉnh ủy. ngày hai mươi sáu tháng một năm hai nghìn không trăm hai mươi hai."
    )
