"""“Hướng dẫn”: how to read, listen, search, save and send feedback, with pictures and audio.

The text lives here, once: the page shows it and the speech pipeline reads it aloud. The pictures are
screenshots of the reader at phone size (regenerate with `python -m tests.e2e.guide_screenshots`); the audio is
generated into the var dir (`<var>/guide/`) when layers are built with speech on, never committed, and made
again only when the text changes (the speech cache is keyed by what is spoken).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import assets

logger = logging.getLogger("sotay.reader")


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    steps: tuple[str, ...]
    image: str  # under static/reader/guide/
    alt: str

    @property
    def spoken(self) -> str:
        return f"{self.title}. " + " ".join(self.steps)


SECTIONS = (
    Section(
        "doc", "Đọc bài",
        (
            "Mở Sổ tay đảng viên. Trang chủ “Tin mới” hiện các bài mới nhất của tỉnh, huyện, xã và chi bộ của bạn.",
            "Chạm vào tên bài để đọc. Đọc xong, chạm “Đánh dấu đã đọc” ở cuối bài để cấp ủy biết bạn đã đọc.",
            "Mục “Chưa đọc” liệt kê những bài bạn cần đọc, cần học. Nút “Chữ to” ở cuối trang làm chữ to hơn.",
        ),
        "doc.jpg", "Trang chủ Tin mới với danh sách bài viết",
    ),
    Section(
        "nghe", "Nghe đọc",
        (
            "Mỗi bài có nút “Nghe đọc” ở đầu bài. Chạm vào để nghe toàn văn bài viết.",
            "Nút “Lùi 10 giây” để nghe lại đoạn vừa qua. Nút “Tốc độ” để nghe chậm hơn hoặc nhanh hơn.",
            "Nếu dừng giữa chừng, lần sau sổ tay đọc tiếp từ chỗ bạn đã nghe.",
        ),
        "nghe.jpg", "Bài viết với nút Nghe đọc, Lùi 10 giây và Tốc độ",
    ),
    Section(
        "tim-kiem", "Tìm kiếm",
        (
            "Chạm “Tìm kiếm”, gõ từ cần tìm rồi chạm “Tìm”.",
            "Gõ có dấu hay không dấu đều được: gõ “nghi quyet” cũng tìm được “Nghị quyết”.",
            "Chạm vào một kết quả để mở bài.",
        ),
        "tim-kiem.jpg", "Trang Tìm kiếm với ô nhập từ cần tìm và kết quả",
    ),
    Section(
        "xem-sau", "Lưu để xem sau",
        (
            "Trong bài, chạm “Xem sau” để lưu bài lại.",
            "Các bài đã lưu nằm ở mục “Xem sau”, đọc được cả khi điện thoại không có mạng.",
            "Chạm lại “Đã lưu xem sau” trong bài để bỏ bài khỏi danh sách.",
        ),
        "xem-sau.jpg", "Mục Xem sau với các bài đã lưu",
    ),
    Section(
        "gop-y", "Gửi góp ý",
        (
            "Chạm “Góp ý”, viết nội dung gửi cấp ủy chi bộ, rồi chạm “Gửi góp ý”. "
            "Muốn góp ý về một bài, dùng ô “Góp ý về bài này” ở cuối bài.",
            "Góp ý đã gửi hiện ngay bên dưới, cùng trạng thái xử lý và trả lời của cấp ủy.",
            "Khi không có mạng, góp ý được giữ trên máy và tự gửi khi có mạng.",
        ),
        "gop-y.jpg", "Trang Góp ý với ô viết nội dung và nút Gửi góp ý",
    ),
    Section(
        "kich-hoat", "Đăng nhập lần đầu, quên mật khẩu",
        (
            "Nhờ bí thư chi bộ cấp mã kích hoạt, hoặc nhận phiếu kích hoạt tại buổi sinh hoạt chi bộ.",
            "Quét mã QR trên phiếu, hoặc chạm “Quên mật khẩu / Kích hoạt” ở trang đăng nhập.",
            "Nhập tên đăng nhập, mã kích hoạt và mật khẩu mới hai lần. Mã chỉ dùng được một lần.",
        ),
        "kich-hoat.jpg", "Trang Quên mật khẩu / Kích hoạt",
    ),
)


def guide_dir() -> Path:
    return Path(settings.SOTAY_VAR_DIR) / "guide"


def audio_index() -> dict[str, str]:
    """Section slug -> audio file name in guide_dir(), for the sections whose audio exists."""
    try:
        index = json.loads((guide_dir() / "audio.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {slug: name for slug, name in index.items() if (guide_dir() / name).is_file()}


def make_guide_audio(*, workers: int = 1) -> dict[str, str]:
    """Read every section aloud into guide_dir() through the speech pipeline (cached: unchanged text costs
    nothing) and write the index the page reads. Raises SpeechError when synthesis fails."""
    from site_builder.speech import synthesize_many

    out = guide_dir()
    results = synthesize_many(
        {section.slug: section.spoken for section in SECTIONS},
        out_dir=out, cache_dir=Path(settings.SOTAY_VAR_DIR) / "cache" / "audio", workers=workers,
    )
    index = {slug: result.filename for slug, result in results.items()}
    keep = set(index.values()) | {"audio.json"}
    for stale in out.iterdir():
        if stale.is_file() and stale.name not in keep:
            stale.unlink()
    (out / "audio.json").write_text(json.dumps(index, indent=1), "utf-8")
    return index


def on_layer_built(sender, **kwargs) -> None:
    """Builds with speech on also voice the guide (publishing's `layer_built`; the reader sits above it)."""
    if not settings.SOTAY_SPEECH:
        return
    from site_builder.speech import SpeechError

    try:
        make_guide_audio()
    except (SpeechError, OSError) as error:
        # The guide still reads without audio; a layer build must not fail for it.
        logger.warning("guide audio not made: %s", error)


@require_safe
def guide_page(request: HttpRequest) -> HttpResponse:
    audio = audio_index()
    sections = [{"section": s, "audio": audio.get(s.slug), "image": f"reader/guide/{s.image}"} for s in SECTIONS]
    context = {"sections": sections, "assets": assets.shell_urls(), "signed_in": request.user.is_authenticated}
    return render(request, "reader/guide.html", context)


@require_safe
def guide_audio(request: HttpRequest, name: str) -> FileResponse:
    if name not in audio_index().values():
        raise Http404("Không tìm thấy tệp âm thanh.")
    content_type = "audio/mpeg" if name.endswith(".mp3") else "audio/wav" if name.endswith(".wav") else "audio/ogg"
    response = FileResponse((guide_dir() / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # the name is the hash of what is spoken
    return response
