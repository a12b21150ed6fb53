"""A member gets in with a printed activation sheet: the cell secretary downloads the sheet from the admin, the
member's code is read from the PDF's text and the QR code decoded from the rendered page, and the member opens
that URL on a phone, types the code and a new password twice, and lands on the home signed in."""

from __future__ import annotations

import re
import subprocess

from tests.e2e.conftest import PHONE

ADMIN_SCREEN = {"width": 1280, "height": 800}
MEMBER = "dv2.x1"


def print_sheet(browser, site, tmp_path):
    context = browser.new_context(viewport=ADMIN_SCREEN, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  accept_downloads=True)
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "bt.x1")
    page.fill("#id_password", site.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(site.url + "/admin/members/")
    page.get_by_role("link", name="In phiếu kích hoạt").click()
    page.get_by_text("In lại phiếu thì mọi mã chưa dùng").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải phiếu kích hoạt (PDF)").click()
    assert download.value.suggested_filename == "phieu-kich-hoat-x1.pdf"
    pdf = tmp_path / "sheet.pdf"
    download.value.save_as(pdf)
    context.close()
    return pdf


def code_from_text(pdf) -> str:
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    match = re.search(rf"Tên đăng nhập: {re.escape(MEMBER)} Mã kích hoạt: (\d{{6}})", text)
    assert match, text[:500]
    return match.group(1)


def qr_urls(pdf, tmp_path) -> list[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [code.text for image in sorted(tmp_path.glob("page*.png"))
            for code in zxingcpp.read_barcodes(Image.open(image))]


def test_member_activates_with_a_code_from_the_printed_sheet(browser, phone, site, tmp_path):
    pdf = print_sheet(browser, site, tmp_path)
    code = code_from_text(pdf)
    url = next(u for u in qr_urls(pdf, tmp_path) if u.endswith(f"?u={MEMBER}"))
    assert url == f"{site.url}/kich-hoat/?u={MEMBER}"

    # Other browser tests sign in as this member with the province's password: the member chooses it again
    # (tests/cms/reader/test_activation.py shows a different new password taking over).
    new_password = site.password
    page = phone().new_page()
    assert page.viewport_size == PHONE
    page.goto(site.url + "/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu / Kích hoạt").wait_for()
    page.goto(url)  # what the phone's camera opens from the QR code
    assert page.input_value("#id_username") == MEMBER

    wrong = "000000" if code != "000000" else "111111"
    page.fill("#id_code", wrong)
    page.fill("#id_password1", new_password)
    page.fill("#id_password2", new_password)
    page.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    assert "Mã đặt lại không đúng hoặc đã hết hạn" in page.locator("#activate-error").inner_text()
    assert page.input_value("#id_username") == MEMBER

    page.fill("#id_code", code)
    page.fill("#id_password1", new_password)
    page.fill("#id_password2", new_password)
    page.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    page.wait_for_selector("html[data-sotay-ready=home]")
    assert page.url == site.url + "/"
    assert MEMBER in page.locator("#who").inner_text()
    assert page.locator("#feed li").count() > 0
    no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_scroll

    # The code is spent; the new password is what opens the reader from now on.
    again = phone().new_page()
    again.goto(url)
    again.fill("#id_code", code)
    again.fill("#id_password1", "Lan-nua-2027")
    again.fill("#id_password2", "Lan-nua-2027")
    again.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    assert "Mã đặt lại không đúng hoặc đã hết hạn" in again.locator("#activate-error").inner_text()
    again.goto(site.url + "/dang-nhap/")
    again.fill("#id_username", MEMBER)
    again.fill("#id_password", new_password)
    again.click("button[type=submit]")
    again.wait_for_selector("html[data-sotay-ready=home]")


def test_guide_opens_from_the_shell_menu_at_phone_size(phone, site):
    from tests.e2e.conftest import log_in

    page = phone().new_page()
    log_in(page, site, "dv.x1")
    page.locator(".tabs").get_by_role("link", name="Hướng dẫn").click()
    page.wait_for_url("**/huong-dan/")
    for title in ("Đọc bài", "Nghe đọc", "Tìm kiếm", "Lưu để xem sau", "Gửi góp ý"):
        assert page.get_by_role("heading", name=re.compile(title)).is_visible()
    page.locator("img").first.scroll_into_view_if_needed()
    page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth === 360")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
