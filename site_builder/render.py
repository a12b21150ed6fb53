"""Render stage: a layer's articles to a mkdocs-material site, built in process and incrementally.

The work dir of a layer keeps `docs/` (one generated source per page), `site/` (mkdocs output) and
`render-state.json` (a fingerprint per page and one for the theme). Only pages whose source changed are
rewritten, and their old output is deleted so mkdocs' dirty build re-renders exactly those; every other
file keeps its bytes. A change of theme, config or this code (the theme fingerprint) means a full build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin

from layerformat.fsutil import write_if_changed
from layerformat.model import KINDS, Article, LayerId
from site_builder import archive, pages
from site_builder.errors import BuildError

log = logging.getLogger(__name__)

THEME_DIR = Path(__file__).resolve().parent.parent / "themes" / "reader"
STATE_FILE = "render-state.json"
# Outputs of other stages that live in the site dir and survive a full re-render.
KEEP_ON_FULL = ("pagefind-recent", "pagefind-archive", "audio")
# Theme files a layer never loads: the lunr search (the search plugin is off), source maps, and the sitemap
# template (copied as a plain file once it is no longer rendered).
_DROP_THEME_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/")
ProgressFn = Callable[[str, int, int], None]


@dataclass
class RenderStats:
    pages_rendered: int = 0
    pages_reused: int = 0
    pages_removed: int = 0
    full: bool = False
    archive_rendered: int = 0


def mkdocs_settings(layer: LayerId, unit_name: str, docs_dir: Path, site_dir: Path, theme_dir: Path) -> dict:
    """The mkdocs config of a layer, in code: nothing fetched at build or read time."""
    return {
        "site_name": f"Sổ tay đảng viên · {unit_name}",
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "custom_dir": str(theme_dir),
            "language": "vi",
            "font": False,  # Google Fonts cannot load offline; system fonts render Vietnamese fine
            "features": ["navigation.prune"],
            "palette": {"primary": "red", "accent": "red"},
        },
        "plugins": [],  # no lunr search (Pagefind instead); no privacy/social plugins that download
        # One home: the drawer's "Trang chủ" and the header's title lead to the reader's merged home, not to the
        # layer's own index page. Articles and the archive stay out of the nav so pages don't grow with the layer.
        "nav": [{"Trang chủ": "/"}],
        "not_in_nav": "/a/\n/index.md\n/luu-tru/\n/luu-tru.md\n",
        "extra": {"generator": False, "sotay_layer": layer.prefix, "homepage": "/"},
        "extra_css": ["assets/sotay/sotay.css"],
        # Async: each runs as soon as it arrives, not after Material's 114 kB bundle (deferred in main.html);
        # the page is readable and its controls work without it. The audio element is in the page, so
        # receipts.js (which listens to it) does not depend on sotay.js running first.
        "extra_javascript": [{"path": "assets/sotay/sotay.js", "async": True},
                             {"path": "assets/sotay/receipts.js", "async": True}],
        "strict": False,
    }


def theme_fingerprint(settings: dict, theme_dir: Path) -> str:
    """Changes whenever anything but the pages' own content would change the rendered pages.

    Templates and this code count by content. Static assets count by name only: an edited script or
    stylesheet is copied by mkdocs' dirty build (its source is newer), no page needs rendering again."""
    digest = hashlib.sha256()
    for name in ("mkdocs", "mkdocs-material"):
        digest.update(f"{name}={metadata.version(name)}\n".encode())
    stable = {k: v for k, v in settings.items() if k not in ("docs_dir", "site_dir")}
    digest.update(json.dumps(stable, sort_keys=True, ensure_ascii=False).encode())
    theme_files = sorted(p for p in theme_dir.rglob("*") if p.is_file())
    for path in [Path(__file__), Path(pages.__file__), *theme_files]:
        digest.update(str(path.relative_to(path.parents[1])).encode() + b"\0")
        if path.suffix in (".html", ".py", ".yml"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept for the life of the process: compiling material's templates costs
    more than rendering a small layer, and a build worker renders many layers. Buckets are keyed by
    template source checksum, so an edited theme is recompiled."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()


_OWN_ASSETS = "assets/sotay/"  # the theme's own scripts and styles; Material's come minified already


def _minified(file: Any, config: MkDocsConfig) -> Any:
    """The theme's own script or stylesheet without comments and indentation (rjsmin, rcssmin: nothing is
    renamed), as the layer's copy; an article opened cold shares the 3G line between them and Material's
    stylesheet. The minified copy is rewritten only when its bytes change, so mkdocs' dirty build copies it only
    then, as it does the source."""
    import rcssmin
    import rjsmin
    from mkdocs.structure.files import File

    text = Path(file.abs_src_path).read_text("utf-8")
    small = rjsmin.jsmin(text) if file.src_uri.endswith(".js") else rcssmin.cssmin(text)
    target = Path(config["site_dir"]).parent / "minified" / file.src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, small.encode("utf-8"))
    return File.generated(config, file.src_uri, abs_src_path=str(target))


class _SotayPlugin(BasePlugin):
    """Feeds pre-rendered HTML to mkdocs, drops files layers never use, reports progress."""

    def __init__(
        self, on_page: Callable[[], None], *, pages_only: bool = False, only: set[str] | None = None
    ) -> None:
        self._html: dict[str, str] = {}
        self._on_page = on_page
        self._pages_only = pages_only
        self._only = only  # the documentation pages to build (None: all); the others' outputs are current
        self.current: str | None = None  # the page being read or rendered, for error messages

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # A sitemap lists every page (grows with the layer) and is useless behind a login.
        config.theme.static_templates.discard("sitemap.xml")
        return config

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Any) -> jinja2.Environment:
        env.bytecode_cache = _BYTECODE
        return env

    def on_files(self, files: Any, config: MkDocsConfig) -> Any:
        for file in list(files):
            uri = file.src_uri
            if uri.startswith(_DROP_THEME_FILES) or uri.endswith(".map") or uri == "sitemap.xml":
                files.remove(file)
            elif uri.startswith(_OWN_ASSETS) and uri.endswith((".js", ".css")) and file.abs_src_path:
                files.remove(file)
                files.append(_minified(file, config))
            elif self._pages_only and not file.is_documentation_page():
                files.remove(file)
            elif self._only is not None and file.is_documentation_page() and uri not in self._only:
                # Articles are out of the nav and link to no other page, so an unchanged article's output
                # does not depend on the others: mkdocs need not even look at it.
                files.remove(file)
        return files

    def on_page_markdown(self, markdown: str, page: Any, config: MkDocsConfig, files: Any) -> str:
        self.current = page.file.src_uri
        parsed = pages.parse_source(markdown)
        if parsed is None:
            return markdown
        meta, html = parsed
        page.meta.update(meta)
        self._html[page.file.src_uri] = html
        return ""

    def on_page_content(self, html: str, page: Any, config: MkDocsConfig, files: Any) -> str:
        return self._html.pop(page.file.src_uri, html)

    def on_page_context(self, context: Any, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        self.current = page.file.src_uri
        return context

    def on_post_page(self, output: str, page: Any, config: MkDocsConfig) -> str:
        self.current = None
        self._on_page()
        return output


class _QuietBuild(logging.Filter):
    """mkdocs narrates every build and warns that dirty builds are for development; our dirty builds are
    exact (the outputs of changed pages are deleted first), so keep only its real warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING and "'dirty' build" not in record.getMessage()


def _load_state(path: Path, fingerprint: str) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("fingerprint") != fingerprint:
        return None
    return {"pages": state.get("pages") or {}, "summaries": state.get("summaries") or {}}


def check_articles(layer: LayerId, articles: list[Article]) -> None:
    """Reject input the pipeline cannot publish correctly, naming the page."""
    seen: set[int] = set()
    for article in articles:
        where = article.path
        if article.id in seen:
            raise BuildError("render", f"bài viết trùng mã {article.id}", where)
        seen.add(article.id)
        if article.layer != layer:
            raise BuildError("render", f"bài viết thuộc lớp {article.layer}, không phải {layer}", where)
        if article.kind not in KINDS:
            raise BuildError("render", f"loại bài không hợp lệ: {article.kind!r}", where)
        if article.published_at.tzinfo is None or article.updated_at.tzinfo is None:
            raise BuildError("render", "thời điểm đăng phải có múi giờ", where)


def _clean_for_full_build(docs: Path, site: Path) -> None:
    shutil.rmtree(docs, ignore_errors=True)
    if site.exists():
        for child in site.iterdir():
            if child.name in KEEP_ON_FULL:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _source_uri(article: Article) -> str:
    # `a/12.md` is built to `a/12/index.html` (directory URLs): one docs folder of files instead of a
    # folder per article keeps mkdocs' walk over the docs cheap on big layers.
    return article.path.rstrip("/") + ".md"


def _output(site: Path, uri: str) -> Path:
    return site / ("index.html" if uri == "index.md" else uri.removesuffix(".md") + "/index.html")


def _page_name(uri: str) -> str:
    """How a BuildError names a page: `a/12/` for an article, `index.html` for the layer home."""
    return "index.html" if uri == "index.md" else uri.removesuffix(".md") + "/"


def _write_sources(
    sources: dict[str, tuple[str, Callable[[], str]]], old: dict[str, list], site: Path, docs: Path
) -> tuple[dict, set[str]]:
    """Write changed sources and delete their outputs; return ({uri: [key, fingerprint]}, changed uris).

    `sources` maps each page to (key, make source): a page whose key is unchanged and whose output is there
    is not even formatted again (the code that formats it is part of the theme fingerprint)."""
    state: dict[str, list] = {}
    changed: set[str] = set()
    for uri, (key, make) in sources.items():
        known = old.get(uri)
        dest = _output(site, uri)
        if known and known[0] == key and dest.exists():
            state[uri] = known
            continue
        data = make().encode("utf-8")
        fp = hashlib.sha256(data).hexdigest()
        state[uri] = [key, fp]
        if known and known[1] == fp and dest.exists() and (docs / uri).exists():
            continue
        changed.add(uri)
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_bytes(data)
        dest.unlink(missing_ok=True)
    return state, changed


def _remove_pages(uris: set[str], docs: Path, site: Path) -> None:
    for uri in uris:
        (docs / uri).unlink(missing_ok=True)
        shutil.rmtree(_output(site, uri).parent, ignore_errors=True)


def _summaries(articles: list[Article], cached: dict[str, list[str]]) -> dict[str, list[str]]:
    """Feed summaries by article id, recomputed only when the opening of the article changed."""
    out = {}
    for article in articles:
        key = hashlib.sha1((article.summary + "\0" + article.body_html[:2000]).encode()).hexdigest()
        hit = cached.get(str(article.id))
        out[str(article.id)] = hit if hit and hit[0] == key else [key, pages.summary_of(article)]
    return out


def render_layer(
    layer: LayerId,
    articles: list[Article],
    *,
    work_dir: Path,
    unit_name: str,
    audio: Mapping[int, str] | None = None,
    theme_dir: Path = THEME_DIR,
    progress: ProgressFn | None = None,
) -> RenderStats:
    """Bring `work_dir/site` up to date with `articles`; only changed pages are re-rendered."""
    audio = audio or {}
    check_articles(layer, articles)
    docs, site, state_path = work_dir / "docs", work_dir / "site", work_dir / STATE_FILE
    settings = mkdocs_settings(layer, unit_name, docs, site, theme_dir)
    fingerprint = theme_fingerprint(settings, theme_dir)
    state = _load_state(state_path, fingerprint)
    state_path.unlink(missing_ok=True)  # until this stage succeeds, the next build must start over
    stats = RenderStats(full=state is None)
    if state is None:
        _clean_for_full_build(docs, site)
        state = {"pages": {}, "summaries": {}}
    old = state["pages"]
    sources = {
        _source_uri(a): (a.fingerprint(audio.get(a.id)), functools.partial(pages.article_source, a, audio.get(a.id)))
        for a in articles
    }
    home = pages.home_source(layer, unit_name, articles)
    sources["index.md"] = (hashlib.sha1(home.encode("utf-8"), usedforsecurity=False).hexdigest(), lambda: home)
    archive_pages = archive.archive_sources(layer, unit_name, articles)
    for uri, text in archive_pages.items():
        sources[uri] = (hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest(),
                        functools.partial(str, text))
    removed = set(old) - set(sources) - {"index.md"}
    _remove_pages(removed, docs, site)
    fingerprints, changed = _write_sources(sources, old, site, docs)
    # Articles and the home page; the archive's pages are counted apart (a publish changes about three).
    stats.archive_rendered = len(changed & set(archive_pages))
    stats.pages_removed = len(removed - {u for u in removed if u.startswith(archive.ROOT)})
    stats.pages_rendered = len(changed) - stats.archive_rendered
    stats.pages_reused = len(sources) - len(archive_pages) - stats.pages_rendered
    # The home page is always handed to mkdocs (the nav names it); the other unchanged pages are not.
    _run_mkdocs(settings, len(changed), progress, only=None if stats.full else changed | {"index.md"})
    summaries = _summaries(pages.newest_first(articles)[: pages.FEED_ARTICLES], state["summaries"])
    feed = pages.feed_bytes(articles, audio, {int(i): text for i, (_key, text) in summaries.items()})
    write_if_changed(site / "feed.json", feed)
    new_state = {"fingerprint": fingerprint, "pages": fingerprints, "summaries": summaries}
    state_path.write_text(json.dumps(new_state, ensure_ascii=False), "utf-8")
    return stats


def _run_mkdocs(
    settings: dict,
    expected_pages: int,
    progress: ProgressFn | None,
    *,
    pages_only: bool = False,
    only: set[str] | None = None,
) -> None:
    done = 0

    def on_page() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("render", done, expected_pages)

    config = MkDocsConfig(config_file_path=str(Path(settings["docs_dir"]).parent / "mkdocs.yml"))
    config.load_dict(settings)
    errors, _warnings = config.validate()
    if errors:
        raise BuildError("render", "cấu hình mkdocs không hợp lệ: " + "; ".join(f"{k}: {e}" for k, e in errors))
    plugin = _SotayPlugin(on_page, pages_only=pages_only, only=only)
    config.plugins["sotay"] = plugin
    build_log = logging.getLogger("mkdocs.commands.build")
    quiet = _QuietBuild()
    build_log.addFilter(quiet)
    try:
        mkdocs_build(config, dirty=True)
    except (MkDocsException, OSError, ValueError, TypeError) as exc:
        where = _page_name(plugin.current) if plugin.current else None
        raise BuildError("render", f"mkdocs: {exc}", where) from exc
    finally:
        build_log.removeFilter(quiet)


def render_article_html(
    article: Article, *, audio: str | None = None, layer_url: str | None = None, theme_dir: Path = THEME_DIR
) -> str:
    """One article as a complete themed page, by the same code as a layer build (the CMS preview).

    Assets and the home link point into the live layer (`/u/<unit path>/<tier>/` unless `layer_url` says
    otherwise), which the article's editors can read; nothing is written outside a temporary directory.
    """
    check_articles(article.layer, [article])
    with tempfile.TemporaryDirectory(prefix="sotay-preview-") as tmp:
        docs, site = Path(tmp) / "docs", Path(tmp) / "site"
        (docs / "a").mkdir(parents=True)
        (docs / _source_uri(article)).write_text(pages.article_source(article, audio), "utf-8")
        (docs / "index.md").write_text(pages.home_source(article.layer, article.unit_name, []), "utf-8")
        settings = mkdocs_settings(article.layer, article.unit_name, docs, site, theme_dir)
        _run_mkdocs(settings, 2, None, pages_only=True)
        html = (site / article.path / "index.html").read_text("utf-8")
    base = (layer_url or f"/{article.layer.prefix}/").rstrip("/") + "/"
    # Page-relative URLs of an article (a/<id>/) reach the layer root through "../..".
    return html.replace('"../../', f'"{base}').replace('"../.."', f'"{base}"')
