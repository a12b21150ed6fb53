"""Every page of the reader a member opens, for the checks that must hold on all of them (layout stability,
accessibility, large text at 360 px). A new reader page is added here and is then checked like the others."""

from __future__ import annotations

from collections.abc import Iterator

from tests.e2e.conftest import Site, log_in

MEMBER = "cuv.x1"  # a cell member whose receipts no other test counts
# name → (path, what marks the page drawn: a data-sotay-ready value, or None for the load event)
PUBLIC_PAGES = {
    "login": ("/dang-nhap/", None),
    "activation": ("/kich-hoat/", None),
}
MEMBER_PAGES = {
    "home": ("/", "home"),
    "search": ("/tim-kiem/?q=nghi%20quyet", "search"),
    "unread": ("/chua-doc/", "unread"),
    "saved": ("/xem-sau/", "saved"),
    "feedback": ("/gop-y/", "feedback"),
    "profile": ("/ho-so/", None),
    "guide": ("/huong-dan/", None),
    "meetings": ("/sinh-hoat/", None),
}


def layer_pages(site: Site) -> dict[str, tuple[str, str | None]]:
    article = site.article("cell_news")  # with the player and the receipts' controls
    return {
        "article": (article.removeprefix(site.url), "article"),
        "layer_home": (article.removeprefix(site.url).split("/a/")[0] + "/", None),
    }


def visit_all(site: Site, context) -> Iterator[tuple[str, object]]:
    """Open each page in `context` (a fresh phone) as a member would, and yield it once it is drawn: the
    public pages first, then, signed in, the member's pages."""
    page = context.new_page()
    for name, (path, ready) in PUBLIC_PAGES.items():
        open_page(page, site.url + path, ready)
        yield name, page
    log_in(page, site, MEMBER)
    for name, (path, ready) in {**MEMBER_PAGES, **layer_pages(site)}.items():
        open_page(page, site.url + path, ready)
        yield name, page


def open_page(page, url: str, ready: str | None) -> None:
    page.goto(url, wait_until="load")
    if ready:
        page.wait_for_selector(f"html[data-sotay-ready={ready}]")
    page.wait_for_load_state("networkidle")
