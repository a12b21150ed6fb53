"""Publishing to a real S3 API server (moto in server mode on 127.0.0.1), through boto3 itself."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy import cli, layout
from deploy.publish import publish_layer
from deploy.serve import presigned_url_for, resolve
from deploy.stores import S3Store
from deploy.verify_s3 import verify_s3

REPO = Path(__file__).resolve().parents[2]
LAYER = "u/tn/dh/all"


def http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_bucket_is_private_to_anonymous_readers(s3_store, s3_endpoint, make_layer):
    s3_store.create_private_bucket()
    publish_layer(make_layer(), s3_store)
    blob = resolve(s3_store, LAYER, "a/1/index.html").key

    for key in (blob, f"{LAYER}/manifest.json"):
        status, _, body = http_get(f"{s3_endpoint}/{s3_store.bucket}/{key}")
        assert status == 403, key
        assert "Nghị quyết".encode() not in body
    assert s3_store.public_access_problems() == []


def test_publish_refuses_a_public_bucket(s3_store, s3_endpoint, make_layer, tmp_path, capsys):
    s3_store.client.put_bucket_acl(Bucket=s3_store.bucket, ACL="public-read")
    make_layer()

    code = cli.main(["--store", "s3", "--bucket", s3_store.bucket, "--endpoint-url", s3_endpoint,
                     "--site-dir", str(tmp_path / "site"), "--json"])

    assert code == 1
    assert "công khai" in capsys.readouterr().err
    assert s3_store.get(f"{LAYER}/manifest.json") is None


def test_presigned_url_serves_the_file_then_expires(s3_store, make_layer, sample_files):
    files = sample_files()
    publish_layer(make_layer(files), s3_store)

    url = presigned_url_for(s3_store, LAYER, "a/2/index.html", expires_s=1)
    status, headers, body = http_get(url)
    assert status == 200
    assert body == files["a/2/index.html"]
    assert headers["content-type"] == "text/html; charset=utf-8"

    time.sleep(2.2)
    status, _, body = http_get(url)
    assert status == 403
    assert b"expired" in body


def test_audio_and_assets_carry_their_type_and_cache_headers(s3_store, make_layer):
    publish_layer(make_layer(), s3_store)

    audio = s3_store.client.head_object(Bucket=s3_store.bucket,
                                        Key=resolve(s3_store, LAYER, "audio/3f2a.opus").key)
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=f"{LAYER}/manifest.json")

    assert audio["ContentType"] == "audio/ogg"
    assert "immutable" in audio["CacheControl"]
    assert head["ContentType"] == "application/json"
    assert "no-cache" in head["CacheControl"]


def test_large_audio_goes_in_parts_and_arrives_whole(s3_store, make_layer, sample_files):
    files = sample_files(2)
    files["audio/long.opus"] = os.urandom(9 * 1024 * 1024)  # above the 8 MiB multipart threshold
    publish_layer(make_layer(files), s3_store)

    key = resolve(s3_store, LAYER, "audio/long.opus").key
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=key)
    data = s3_store.get(key)

    assert "-" in head["ETag"]  # S3 marks objects assembled from parts with "<md5>-<parts>"
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(files["audio/long.opus"]).hexdigest()


def test_verify_after_upload_passes_then_detects_tampering(s3_store, s3_endpoint, make_layer, public_key,
                                                           tmp_path):
    layer_dir = make_layer()
    publish_layer(layer_dir, s3_store)
    url = f"s3://{s3_store.bucket}/{LAYER}"

    copy = tmp_path / "copy"
    assert verify_s3(url, public_key, endpoint_url=s3_endpoint, out_dir=copy) == []
    assert (copy / "a/5/index.html").read_bytes() == (layer_dir / "a/5/index.html").read_bytes()

    blob = resolve(s3_store, LAYER, "a/5/index.html").key
    s3_store.client.put_object(Bucket=s3_store.bucket, Key=blob, Body="<h1>Bị sửa</h1>".encode())
    problems = verify_s3(url, public_key, endpoint_url=s3_endpoint)

    assert [(p.kind, p.path) for p in problems] == [("changed", "a/5/index.html")]
    assert "a/5/index.html" in problems[0].message

    s3_store.delete([blob])
    assert [(p.kind, p.path) for p in verify_s3(url, public_key, endpoint_url=s3_endpoint)] == [
        ("missing", "a/5/index.html")
    ]


def test_verify_refuses_a_wrong_key_a_rollback_and_an_expired_manifest(s3_store, s3_endpoint, make_layer,
                                                                        public_key):
    from datetime import timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    publish_layer(make_layer(version=3, expires_in=timedelta(seconds=-1)), s3_store)
    url = f"s3://{s3_store.bucket}/{LAYER}"

    other_key = Ed25519PrivateKey.generate().public_key()
    assert [p.kind for p in verify_s3(url, other_key, endpoint_url=s3_endpoint)] == ["signature"]
    problems = verify_s3(url, public_key, endpoint_url=s3_endpoint, min_version=4)
    assert sorted(p.kind for p in problems) == ["expired", "rollback"]


INTERRUPTED_PUBLISH = """
import sys, time
from pathlib import Path
from deploy.publish import publish_layer
from deploy.stores import S3Store

sent = []
def on_upload(key):
    sent.append(key)
    if len(sent) == int(sys.argv[4]):
        Path(sys.argv[5]).write_text("ready")
        time.sleep(120)  # killed here, in the middle of the upload

publish_layer(Path(sys.argv[1]), S3Store(sys.argv[2], endpoint_url=sys.argv[3]), workers=1, on_upload=on_upload)
"""


def test_killed_publish_leaves_previous_version_and_next_publish_completes(
    s3_store, s3_endpoint, make_layer, public_key, sample_files, tmp_path
):
    publish_layer(make_layer(sample_files(40)), s3_store)
    new_files = sample_files(40, tag="bản 2")
    layer_dir = make_layer(new_files, version=2)
    marker = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPTED_PUBLISH, str(layer_dir), s3_store.bucket,
                             s3_endpoint, "15", str(marker)], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the publish finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    url = f"s3://{s3_store.bucket}/{LAYER}"
    head = layout.Manifest.parse(s3_store.get(f"{LAYER}/manifest.json"))
    assert head.version == 1
    assert verify_s3(url, public_key, endpoint_url=s3_endpoint) == []

    stats = publish_layer(layer_dir, s3_store)
    changed = sum(1 for p in new_files if p != "feed.json" and "bản 2" in new_files[p].decode("utf-8", "replace"))

    # the 15 blobs sent before the kill are not sent again; the changed manifest part is sent after them
    assert stats.uploaded == changed + 1 - 15 + 3
    assert verify_s3(url, public_key, endpoint_url=s3_endpoint) == []
    assert layout.Manifest.parse(s3_store.get(f"{LAYER}/manifest.json")).version == 2


def test_cli_publishes_then_finds_nothing_to_do(s3_store, s3_endpoint, make_layer, tmp_path, capsys,
                                               sample_files):
    make_layer(layer="u/tn/all", site_dir=tmp_path / "site")
    make_layer(layer="u/tn/dh/all", site_dir=tmp_path / "site")
    argv = ["--store", "s3", "--bucket", s3_store.bucket, "--endpoint-url", s3_endpoint,
            "--site-dir", str(tmp_path / "site"), "--json"]

    assert cli.main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert cli.main(argv) == 0
    second = json.loads(capsys.readouterr().out)

    n = len(sample_files())
    assert first == {"uploaded": 2 * (n + 1 + 3), "skipped": 0, "deleted": 0}  # + one manifest part
    assert second == {"uploaded": 0, "skipped": 2 * (n + 1), "deleted": 0}


def test_verify_command_reports_in_json(s3_store, s3_endpoint, make_layer, public_key, tmp_path, capsys):
    import base64

    from cryptography.hazmat.primitives import serialization

    from deploy.verify_s3 import main as verify_main

    publish_layer(make_layer(), s3_store)
    key_file = tmp_path / "signing.pub"
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_file.write_bytes(base64.b64encode(raw) + b"\n")  # the builder's keys/signing.pub format

    code = verify_main([f"s3://{s3_store.bucket}/{LAYER}", "--public-key", str(key_file),
                        "--endpoint-url", s3_endpoint, "--json"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "layers": [LAYER], "problems": []}


def test_store_is_chosen_by_settings(s3_endpoint, bucket, tmp_path):
    from deploy.stores import LocalStore, get_store

    s3 = get_store({"BACKEND": "deploy.stores.S3Store",
                    "OPTIONS": {"bucket": bucket, "endpoint_url": s3_endpoint, "prefix": "sotay"}})
    local = get_store({"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(tmp_path)}})

    assert isinstance(s3, S3Store) and s3.describe() == f"s3://{bucket}/sotay/"
    assert isinstance(local, LocalStore)
    with pytest.raises(ValueError):
        get_store({"BACKEND": "S3Store"})


def test_created_bucket_is_private_and_answers_the_readers_origin(s3_endpoint, tmp_path, make_layer):
    import uuid

    name = f"sotay-{uuid.uuid4().hex[:12]}"
    make_layer()
    code = cli.main(["--store", "s3", "--bucket", name, "--endpoint-url", s3_endpoint, "--create-bucket",
                     "--allow-origin", "https://sotay.example.vn", "--site-dir", str(tmp_path / "site"), "--json"])
    store = S3Store(name, endpoint_url=s3_endpoint)

    assert code == 0
    assert store.public_access_problems() == []
    block = store.client.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rules = store.client.get_bucket_cors(Bucket=name)["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://sotay.example.vn"]
    assert http_get(f"{s3_endpoint}/{name}/{LAYER}/manifest.json")[0] == 403


def test_an_empty_endpoint_means_aws():
    """`SOTAY_STORE_ENDPOINT_URL=` (empty, as the settings template leaves it for AWS) is not an invalid URL."""
    from deploy.stores import S3Store

    store = S3Store("sotay-layers", region="", endpoint_url="")
    assert store.endpoint_url is None
    assert store.client.meta.endpoint_url.startswith("https://s3.")
    assert store.client.meta.endpoint_url.endswith("amazonaws.com")


def _sotay(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SOTAY_", "DJANGO_", "AWS_ENDPOINT"))}
    return subprocess.run([str(Path(sys.executable).with_name("sotay")), *args], env={**base, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("configured", ["endpoint variable", "store setting"])
def test_verify_and_publish_take_the_configured_endpoint(s3_store, s3_endpoint, make_layer, public_key, tmp_path,
                                                        configured):
    """Without --endpoint-url, `sotay verify s3://…` and `sotay publish --store s3` use the installation's
    endpoint (SOTAY_STORE_ENDPOINT_URL, or the SOTAY_STORE options) — AWS only when that is empty."""
    import base64

    from cryptography.hazmat.primitives import serialization

    key_file = tmp_path / "signing.pub"
    key_file.write_bytes(base64.b64encode(public_key.public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw)))
    site = make_layer().parents[3]
    if configured == "endpoint variable":
        env = {"SOTAY_STORE_ENDPOINT_URL": s3_endpoint}
    else:
        env = {"SOTAY_STORE": json.dumps({"BACKEND": "deploy.stores.S3Store",
                                          "OPTIONS": {"bucket": s3_store.bucket, "endpoint_url": s3_endpoint}})}

    published = _sotay(env, "publish", "--store", "s3", "--bucket", s3_store.bucket, "--site-dir", str(site))
    assert published.returncode == 0, published.stderr
    verified = _sotay(env, "verify", f"s3://{s3_store.bucket}/{LAYER}", "--public-key", str(key_file))
    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert "Hợp lệ." in verified.stdout


def test_an_empty_configured_endpoint_means_aws(monkeypatch):
    from deploy.cli import configured_s3_options

    for name in ("SOTAY_STORE", "AWS_ENDPOINT_URL_S3", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOTAY_STORE_ENDPOINT_URL", "")
    assert configured_s3_options()["endpoint_url"] is None
    monkeypatch.setenv("SOTAY_STORE", json.dumps({"BACKEND": "deploy.stores.S3Store",
                                                  "OPTIONS": {"bucket": "b", "endpoint_url": "http://s3.tinh.vn"}}))
    assert configured_s3_options()["endpoint_url"] == "http://s3.tinh.vn"


def test_documented_commands_use_the_settings_files_endpoint(s3_endpoint, make_layer, monkeypatch, tmp_path,
                                                             capsys, public_key):
    """docs/deploy.md section 7 names no --endpoint-url: `sotay publish` and `sotay verify s3://…` take
    SOTAY_STORE_ENDPOINT_URL from the settings file (an empty value means AWS)."""
    from deploy.stores import default_endpoint_url
    from deploy.verify_s3 import main as verify_main

    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("SOTAY_STORE_ENDPOINT_URL", "")
    assert default_endpoint_url() is None
    monkeypatch.setenv("SOTAY_STORE_ENDPOINT_URL", s3_endpoint)
    site = make_layer().parents[3]
    bucket = f"sotay-endpoint-{os.getpid()}"
    assert cli.main(["--store", "s3", "--bucket", bucket, "--create-bucket", "--site-dir", str(site), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["uploaded"] > 0
    key_file = tmp_path / "signing.pub"
    from cryptography.hazmat.primitives import serialization

    key_file.write_bytes(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    assert verify_main([f"s3://{bucket}/u/tn/dh/all", "--public-key", str(key_file)]) == 0


def test_a_new_article_resolves_at_once_although_the_old_manifest_is_cached(any_store, make_layer, sample_files,
                                                                             tmp_path, monkeypatch):
    from deploy import serve

    gate = serve.ManifestCache()  # a gate process's own cache: the publisher cannot clear it
    publish_layer(make_layer(sample_files(3), version=1), any_store)
    assert resolve(any_store, "u/tn/dh/all", "a/1/", cache=gate).key  # the head of version 1 is cached now
    publish_layer(make_layer(sample_files(4), version=2, site_dir=tmp_path / "v2"), any_store)
    monkeypatch.setattr(serve, "MISS_REFRESH_S", 0.0)  # the once-a-second limit has passed
    assert resolve(any_store, "u/tn/dh/all", "a/4/", cache=gate).key.endswith(".html")
    with pytest.raises(serve.NotInLayer):
        resolve(any_store, "u/tn/dh/all", "a/999/", cache=gate)


def test_the_first_publish_of_a_fresh_installation_sets_up_the_bucket_with_nothing_built(s3_endpoint, monkeypatch,
                                                                                       tmp_path, capsys):
    """docs/deploy.md runs `sotay publish --create-bucket` before anything is published: the bucket is made
    (private) and the command says there is nothing to send yet, instead of failing the installation."""
    monkeypatch.setenv("SOTAY_SITE_DIR", str(tmp_path / "site"))  # the configured site dir, not built yet
    bucket = f"sotay-fresh-{os.getpid()}"
    assert cli.main(["--store", "s3", "--bucket", bucket, "--endpoint-url", s3_endpoint, "--create-bucket"]) == 0
    assert "không có gì để đẩy" in capsys.readouterr().out
    store = S3Store(bucket, endpoint_url=s3_endpoint)
    assert store.public_access_problems() == []
    assert list(store.list("")) == []
