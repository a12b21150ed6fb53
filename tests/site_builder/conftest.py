"""Builder fixtures: plain Articles, a fresh signing key, and a helper that builds a layer into tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from layerformat.model import Article, LayerId
from layerformat.signing import load_or_create_key
from site_builder.pipeline import BuildResult, build_layer

VN = timezone(timedelta(hours=7))
PROVINCE = LayerId(("tn",), "all")
NODE = shutil.which("node") or "/usr/bin/node"
QUERY_SCRIPT = Path(__file__).with_name("pagefind_query.mjs")


def make_article(article_id: int, *, layer: LayerId = PROVINCE, day: int | None = None, **changes) -> Article:
    published = datetime(2025, 3, 1, 8, 0, tzinfo=VN) + timedelta(days=day if day is not None else article_id)
    article = Article(
        id=article_id,
        slug=f"bai-{article_id}",
        kind="news",
        title=f"Tin hoạt động số {article_id}",
        body_html=f"<p>Chi bộ tổ chức sinh hoạt định kỳ tháng {article_id}.</p><p>Đồng chí bí thư phát biểu.</p>",
        published_at=published,
        updated_at=published,
        layer=layer,
        unit_name="Đảng bộ tỉnh Thái Nguyên",
        unit_level="province",
    )
    return replace(article, **changes)


def resolution(article_id: int = 1, **changes) -> Article:
    """A resolution with tone-marked words ("Nghị quyết", "đảng viên") and full document meta."""
    fields = {
        "kind": "resolution",
        "title": "Nghị quyết số 09-NQ/TU về nâng cao chất lượng đảng viên",
        "summary": "Nghị quyết về công tác phát triển đảng viên giai đoạn 2025–2030.",
        "body_html": "<p>Ban Chấp hành Đảng bộ tỉnh quyết nghị nâng cao chất lượng đảng viên.</p>",
        "meta": {
            "document_code": "09-NQ/TU",
            "issuing_body": "Ban Chấp hành Đảng bộ tỉnh",
            "issue_date": "2025-01-26",
            "study_deadline": "2025-04-30",
        },
    }
    return make_article(article_id, **{**fields, **changes})


@pytest.fixture
def key(tmp_path):
    return load_or_create_key(tmp_path / "keys" / "signing.key")


class Site:
    """A site dir in tmp_path with one work root; `build` publishes a layer and returns the result."""

    def __init__(self, root: Path, key) -> None:
        self.root = root
        self.dir = root / "site"
        self.work = root / "build"
        self.key = key

    def build(self, articles: list[Article], layer: LayerId = PROVINCE, **kwargs) -> BuildResult:
        return build_layer(layer, articles, site_dir=self.dir, work_dir=self.work, key=self.key, **kwargs)

    def layer(self, layer: LayerId = PROVINCE) -> Path:
        return self.dir / layer.prefix

    def manifest(self, layer: LayerId = PROVINCE, *, head: bool = False) -> dict:
        """The live manifest with its parts merged into `files` (only the signed head with `head=True`)."""
        from layerformat.manifest import with_parts

        data = json.loads((self.layer(layer) / "manifest.json").read_text("utf-8"))
        return data if head else with_parts(data, lambda part: (self.layer(layer) / part).read_bytes())

    def feed(self, layer: LayerId = PROVINCE) -> list[dict]:
        return json.loads((self.layer(layer) / "feed.json").read_text("utf-8"))

    def search(self, *queries: str, layers: tuple[LayerId, ...] = (PROVINCE,)) -> dict[str, list[str]]:
        """Run real Pagefind queries through the reader's search.js in node: {query: sorted result URLs}."""
        return {query: answer["urls"] for query, answer in self.answers(*queries, layers=layers).items()}

    def answers(self, *queries: str, layers: tuple[LayerId, ...] = (PROVINCE,)) -> dict[str, dict]:
        """{query: {"urls": [...], "titles": [...]}} as the reader would show them."""
        out = subprocess.run(
            [NODE, str(QUERY_SCRIPT), str(self.dir), ",".join(layer.prefix for layer in layers), *queries],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        answers = [json.loads(line) for line in out.splitlines()]
        return {a["query"]: a for a in answers}


@pytest.fixture
def site(tmp_path, key) -> Site:
    return Site(tmp_path, key)
