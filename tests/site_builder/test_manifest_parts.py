"""Manifest parts: a large layer's signed head stays small, every file is still covered by the signature,
and a reader (Python here, the JavaScript reader in the browser tests) finds each file's part by rule."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from layerformat.manifest import ManifestError, fnv1a, parse_part, part_of, split_manifest
from layerformat.signing import MANIFEST
from layerformat.verify import verify_layer
from tests.site_builder.conftest import NODE, PROVINCE, Site, make_article

VERIFY_JS = Path(__file__).resolve().parents[2] / "cms" / "reader" / "static" / "reader" / "verify.js"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def synthetic_files(articles: int, *, spread: int = 5) -> dict[str, tuple[str, int]]:
    """What a layer of `articles` articles lists: a page and an audio file each (ids `spread` apart, as in a
    province where other units publish in between), search fragments, the theme and the feed."""
    files = {"index.html": ("0" * 64, 9000), "feed.json": ("1" * 64, 40_000), "404.html": ("2" * 64, 3000)}
    files.update({f"assets/javascripts/bundle{i}.js": (f"{i:064x}", 40_000) for i in range(12)})
    for n in range(articles):
        ident = 1 + n * spread
        files[f"a/{ident}/index.html"] = (f"{ident:064x}", 11_000)
        files[f"audio/{ident:040x}.opus"] = (f"{ident + 1:064x}", 600_000)
        files[f"pagefind-archive/fragment/vi_{ident:07x}.pf_fragment"] = (f"{ident + 2:064x}", 1500)
    return files


def head_bytes(articles: int) -> bytes:
    head, _parts = split_manifest("u/tn/all", 3, synthetic_files(articles), NOW, NOW + timedelta(days=30))
    return json.dumps(head, sort_keys=True, separators=(",", ":")).encode()


def test_the_signed_head_stays_small_however_many_articles_the_layer_has():
    small, large = head_bytes(100), head_bytes(4000)
    assert len(gzip.compress(large)) < 12_000  # was 357 kB gzipped for 4,000 articles with every file listed
    # 40 times the articles: only the list of parts grows (one line per 256 article ids, per 256 files)
    assert len(large) < 8 * len(small)
    head = json.loads(large)
    assert not [p for p in head["files"] if p.startswith(("a/", "audio/", "pagefind-archive/"))]
    assert {"index.html", "feed.json", "assets/javascripts/bundle0.js"} <= set(head["files"])


def test_every_file_is_in_exactly_one_part_and_parts_follow_the_rule():
    files = synthetic_files(600)
    head, parts = split_manifest("u/tn/all", 3, files, NOW, NOW + timedelta(days=30))
    listed: dict[str, dict] = {}
    for part, data in parts.items():
        entries = parse_part(head, part, data)
        assert not set(entries) & set(listed)
        listed.update(entries)
        assert all(part_of(path, head["parts"]) == part for path in entries)
    in_head = {p for p in head["files"] if not p.startswith("manifest/")}
    assert set(listed) | in_head == set(files)
    assert head["parts"]["a"] == ["id", 256] and head["parts"]["audio"][0] == "fnv1a"
    assert head["sizes"]["audio"] == 600 * 600_000


def test_a_part_that_does_not_match_its_signed_digest_is_refused():
    head, parts = split_manifest("u/tn/all", 3, synthetic_files(10), NOW, NOW + timedelta(days=30))
    part, data = next(iter(parts.items()))
    forged = data.replace(b'"length":11000', b'"length":11001')
    with pytest.raises(ManifestError, match="does not match"):
        parse_part(head, part, forged)
    with pytest.raises(ManifestError, match="not a part"):
        parse_part(head, "manifest/a-99.json", data)


def test_javascript_reader_finds_the_same_part_as_the_builder():
    paths = ["a/1/index.html", "a/255/index.html", "a/256/", "a/70001/index.html", "a/x/index.html", "index.html",
             "audio/3f2a9c.opus", "pagefind-archive/fragment/vi_3d2f1a0.pf_fragment", "assets/sotay/sotay.js",
             "pagefind-recent/index/vi_ab.pf_index", "audio/Nghị quyết đảng viên.opus"]
    rule = {"a": ["id", 256], "audio": ["fnv1a", 4], "pagefind-archive": ["fnv1a", 16],
            "pagefind-recent": ["fnv1a", 1]}
    script = (
        "global.self = global; require(process.argv[1]); const v = self.sotayVerify;"
        "const [rule, paths] = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(paths.map((p) => [v.partOf({parts: rule}, p), v.fnv1a(p)])));"
    )
    out = subprocess.run([NODE, "-e", script, str(VERIFY_JS), json.dumps([rule, paths])], capture_output=True,
                         text=True, check=True)
    from_js = [tuple(pair) for pair in json.loads(out.stdout)]
    assert from_js == [(part_of(p, rule), fnv1a(p)) for p in paths]


@pytest.fixture(scope="module")
def big_layer(tmp_path_factory):
    """A real layer whose article ids span two parts (1–300)."""
    from layerformat.signing import load_or_create_key

    root = tmp_path_factory.mktemp("parts")
    site = Site(root, load_or_create_key(root / "signing.key"))
    site.build([make_article(i, day=i % 200) for i in range(1, 301)])
    return site


@pytest.fixture
def copy(big_layer, tmp_path):
    target = tmp_path / "site"
    shutil.copytree(big_layer.dir, target, symlinks=False)
    return target / PROVINCE.prefix


def test_built_layer_lists_its_pages_through_parts_and_verifies(big_layer):
    head = big_layer.manifest(head=True)
    assert {"manifest/a-0.json", "manifest/a-1.json"} <= set(head["files"])
    assert not [p for p in head["files"] if p.startswith("a/")]
    whole = big_layer.manifest()
    assert {f"a/{i}/index.html" for i in range(1, 301)} <= set(whole["files"])
    public = big_layer.key.public_key()
    assert verify_layer(big_layer.layer(), public) == []


def messages(problems):
    return [p.message for p in problems]


def test_verify_names_a_changed_page_listed_in_a_part(big_layer, copy):
    (copy / "a" / "280" / "index.html").write_text("<h1>Sửa trái phép</h1>", "utf-8")
    assert messages(verify_layer(copy, big_layer.key.public_key())) == ["Tệp bị sửa: a/280/index.html"]


def test_verify_names_an_edited_part_and_an_added_page(big_layer, copy):
    part = copy / "manifest" / "a-1.json"
    body = json.loads(part.read_text("utf-8"))
    body["files"].pop("a/280/index.html")  # hide a page from the signed list
    part.write_text(json.dumps(body), "utf-8")
    (copy / "a" / "7").mkdir(exist_ok=True)
    (copy / "a" / "7" / "extra.html").write_text("lạ", "utf-8")
    assert messages(verify_layer(copy, big_layer.key.public_key())) == [
        "Tệp bị sửa: manifest/a-1.json",
        "Tệp lạ, không có trong manifest: a/7/extra.html",
    ]


def test_a_new_article_rewrites_only_the_newest_part(tmp_path, key):
    site = Site(tmp_path, key)
    articles = [make_article(i, day=i % 200) for i in range(1, 301)]
    site.build(articles)
    before = site.manifest(head=True)["files"]
    site.build([*articles, make_article(301, day=250)])
    after = site.manifest(head=True)["files"]
    assert before["manifest/a-0.json"] == after["manifest/a-0.json"]
    assert before["manifest/a-1.json"] != after["manifest/a-1.json"]
    assert json.loads((site.layer() / MANIFEST).read_bytes())["version"] == 2
    assert verify_layer(site.layer(), key.public_key()) == []


def test_compressed_siblings_are_listed_apart_from_the_head_a_phone_fetches(big_layer):
    """The head every phone fetches on its first view lists no `.br`/`.gz` sibling (they were half of its
    entries); they are signed through parts of their own, which a reader never needs (it hashes the decoded
    bytes against the plain file), and the layer still verifies. The JavaScript reader's rule finds every plain
    file where the builder put it and never sends it to a siblings part."""
    head = big_layer.manifest(head=True)
    assert not [p for p in head["files"] if p.endswith((".br", ".gz"))]
    assert head["parts"][".siblings"][0] == "fnv1a"
    whole = big_layer.manifest()
    siblings = [p for p in whole["files"] if p.endswith((".br", ".gz"))]
    assert "index.html.br" in siblings and "a/1/index.html.gz" in siblings
    assert all(part_of(p, head["parts"]).startswith("manifest/.siblings-") for p in siblings)
    assert ".siblings" not in head.get("sizes", {})  # "Tải về máy" counts what it downloads, not the siblings
    assert verify_layer(big_layer.layer(), big_layer.key.public_key()) == []
    plain = ["index.html", "feed.json", "a/1/index.html", "assets/sotay/sotay.js"]
    script = (
        "global.self = global; require(process.argv[1]); const v = self.sotayVerify;"
        "const [rule, paths] = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(paths.map((p) => v.partOf({parts: rule}, p))));"
    )
    out = subprocess.run([NODE, "-e", script, str(VERIFY_JS), json.dumps([head["parts"], plain + siblings[:5]])],
                         capture_output=True, text=True, check=True)
    from_js = json.loads(out.stdout)
    assert from_js[:len(plain)] == [part_of(p, head["parts"]) for p in plain]
    assert not any(part and ".siblings" in part for part in from_js)
