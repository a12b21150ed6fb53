"""Fixtures for the deploy tests: a real S3 API server on 127.0.0.1 and small signed layers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deploy.s3server import FAKE_CREDENTIALS, running_s3_server
from deploy.serve import manifest_cache
from deploy.stores import LocalStore, S3Store


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto in server mode, in its own process, with fake credentials in this process's environment."""
    saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    try:
        with running_s3_server() as url:
            yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"sotay-{uuid.uuid4().hex[:12]}"
    S3Store(name, endpoint_url=s3_endpoint).client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_store(s3_endpoint: str, bucket: str) -> S3Store:
    manifest_cache.clear()
    return S3Store(bucket, endpoint_url=s3_endpoint)


@pytest.fixture(params=["local", "s3"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path):
    """The same behaviour is expected from both stores."""
    manifest_cache.clear()
    if request.param == "local":
        return LocalStore(tmp_path / "store", fsync=False)
    return request.getfixturevalue("s3_store")


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def public_key(signing_key: Ed25519PrivateKey):
    return signing_key.public_key()


def write_layer(site_dir: Path, layer: str, files: dict[str, bytes], version: int, key: Ed25519PrivateKey,
                *, expires_in: timedelta = timedelta(days=30)) -> Path:
    """A built layer as the builder leaves it: files, the manifest parts that list `a/…` (and any large
    directory), the signed head manifest.json and its base64 Ed25519 signature."""
    from site_builder.layout import write_layer_dir

    now = datetime.now(UTC)
    return write_layer_dir(site_dir / layer, layer, files, version=version, key=key, now=now, expires=now + expires_in)


def build_sample_files(n_pages: int = 12, *, tag: str = "") -> dict[str, bytes]:
    files = {
        "index.html": f"<h1>Trang chủ {tag}</h1><a href='a/1/'>Tin</a>".encode(),
        "assets/stylesheets/main.6f8fc17f.min.css": b"body{font-size:1.1rem}",
        "assets/javascripts/bundle.f1a2b3c4.min.js": b"console.log(1)",
        "pagefind/pagefind.js": b"export const x = 1;",
        "pagefind/fragment/vi_3d2f1a0.pf_fragment": b"\x1f\x8b fragment",
        "feed.json": b'{"items": []}',
        "audio/3f2a.opus": b"OggS" + bytes(2000),
    }
    for i in range(1, n_pages + 1):
        files[f"a/{i}/index.html"] = f"<h1>Nghị quyết số {i}-NQ/TU {tag}</h1>".encode()
    return files


@pytest.fixture(name="sample_files")
def sample_files_fixture() -> Callable[..., dict[str, bytes]]:
    """A small layer's files: pages, hashed assets, a Pagefind fragment, a feed and an audio file."""
    return build_sample_files


@pytest.fixture
def make_layer(tmp_path: Path, signing_key: Ed25519PrivateKey) -> Callable[..., Path]:
    def make(files: dict[str, bytes] | None = None, *, layer: str = "u/tn/dh/all", version: int = 1,
             site_dir: Path | None = None, **kwargs) -> Path:
        return write_layer(site_dir or tmp_path / "site", layer, files if files is not None else build_sample_files(),
                           version, signing_key, **kwargs)

    return make
