"""`sotay publish`: send built layers to the configured store.

The store comes from `--store` (with `--bucket`, `--endpoint-url`, …), else from the `SOTAY_STORE` environment
variable (JSON like the Django setting), else from Django's `SOTAY_STORE` setting when Django is configured,
else the site directory itself. Credentials for S3 come from the standard AWS environment variables.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from deploy.layout import ManifestError, load_public_key
from deploy.publish import DEFAULT_GRACE_S, PublishError, publish_site
from deploy.stores import S3Store, StoreError, get_store
from layerformat.errors import SotayError, error_text

log = logging.getLogger(__name__)


def _django_setting(name: str) -> Any:
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return None
    try:
        from django.conf import settings

        return getattr(settings, name, None)
    except ImportError:
        return None


def default_site_dir() -> Path:
    configured = os.environ.get("SOTAY_SITE_DIR") or _django_setting("SOTAY_SITE_DIR")
    if configured:
        return Path(configured)
    var_dir = Path(os.environ.get("SOTAY_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    return var_dir / "site"


def configured_store() -> dict[str, Any]:
    """The store the installation is set up with: `SOTAY_STORE` (JSON) in the environment, else Django's setting."""
    if os.environ.get("SOTAY_STORE"):
        try:
            return json.loads(os.environ["SOTAY_STORE"])
        except ValueError as exc:
            raise SotayError(f"biến môi trường SOTAY_STORE không phải JSON hợp lệ: {exc}") from None
    return _django_setting("SOTAY_STORE") or {}


def configured_s3_options() -> dict[str, Any]:
    """Endpoint and region of the configured S3 store, for commands given only an s3:// URL.

    From the configured store when it is S3, else from SOTAY_STORE_ENDPOINT_URL (the operator's settings
    file) or boto's AWS_ENDPOINT_URL_S3. An empty endpoint means AWS.
    """
    config = configured_store()
    options = dict(config.get("OPTIONS", {})) if config.get("BACKEND") in ("s3", "deploy.stores.S3Store") else {}
    endpoint = options.get("endpoint_url")
    if endpoint is None:
        endpoint = os.environ.get("SOTAY_STORE_ENDPOINT_URL", os.environ.get("AWS_ENDPOINT_URL_S3"))
    return {"endpoint_url": (endpoint or "").strip() or None,
            "region": options.get("region") or os.environ.get("AWS_DEFAULT_REGION") or None}


def store_config(args: argparse.Namespace, site_dir: Path) -> dict[str, Any]:
    if args.store == "s3":
        configured = configured_s3_options()
        options = {"bucket": args.bucket, "endpoint_url": args.endpoint_url or configured["endpoint_url"],
                   "region": args.region or configured["region"], "prefix": args.prefix}
        return {"BACKEND": "deploy.stores.S3Store", "OPTIONS": {k: v for k, v in options.items() if v}}
    if args.store == "local":
        return {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(args.root or site_dir)}}
    return configured_store() or {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(site_dir)}}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sotay publish", description="Đẩy các lớp đã dựng lên kho lưu trữ.")
    parser.add_argument("--store", choices=["local", "s3"], default=None)
    parser.add_argument("--bucket", help="tên bucket S3")
    parser.add_argument("--endpoint-url", default=None,
                        help="địa chỉ máy chủ S3 (MinIO, Ceph, …); mặc định SOTAY_STORE_ENDPOINT_URL, trống là AWS")
    parser.add_argument("--region", default=None)
    parser.add_argument("--prefix", default="", help="tiền tố khóa trong bucket")
    parser.add_argument("--root", type=Path, default=None, help="thư mục kho khi --store local")
    parser.add_argument("--site-dir", type=Path, default=None, help="thư mục các lớp đã dựng")
    parser.add_argument("--unit", default=None, help="chỉ đẩy các lớp của đơn vị có mã này")
    parser.add_argument("--grace-s", type=float, default=DEFAULT_GRACE_S,
                        help="giữ các tệp cũ bao nhiêu giây trước khi xóa")
    parser.add_argument("--gc", action="store_true",
                        help="xóa cả tệp cũ quá hạn của các lớp không thay đổi (chạy hằng đêm)")
    parser.add_argument("--public-key", type=Path, default=None, help="kiểm tra chữ ký trước khi đẩy")
    parser.add_argument("--create-bucket", action="store_true", help="tạo bucket riêng tư nếu chưa có")
    parser.add_argument("--allow-origin", action="append", default=[],
                        help="địa chỉ trang đọc được phép tải tệp từ bucket (CORS), có thể lặp lại")
    parser.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.store == "s3" and not args.bucket:
        sys.stderr.write("Cần --bucket khi dùng --store s3.\n")
        return 2
    site_dir = args.site_dir or default_site_dir()
    # A fresh installation has built nothing yet: the bucket is still set up, and there is nothing to send.
    nothing_built = args.site_dir is None and not site_dir.exists()
    if not site_dir.is_dir() and not nothing_built:
        sys.stderr.write(f"Không đẩy được: không tìm thấy thư mục các lớp đã dựng {site_dir} "
                         "(chạy `sotay build` hoặc chỉ đúng --site-dir).\n")
        return 2
    try:
        store = get_store(store_config(args, site_dir))
        if isinstance(store, S3Store):
            if args.create_bucket:
                store.create_private_bucket()
            if args.allow_origin:
                store.allow_origins(args.allow_origin)
            problems = store.public_access_problems()
            if problems:
                sys.stderr.write("Từ chối đẩy lên bucket công khai: " + "; ".join(problems) + "\n")
                return 1
        if nothing_built:
            sys.stdout.write(f"Chưa có lớp nào được dựng trong {site_dir}: không có gì để đẩy — {store.describe()}\n")
            return 0
        key = load_public_key(args.public_key) if args.public_key else None
        stats = publish_site(site_dir, store, unit=args.unit, grace_s=args.grace_s, public_key=key,
                             gc_unchanged=args.gc)
    except (PublishError, StoreError, ManifestError, ValueError, OSError) as exc:
        sys.stderr.write(f"Không đẩy được: {error_text(exc)}\n")
        return 1
    if args.json:
        sys.stdout.write(json.dumps(stats.as_dict()) + "\n")
    else:
        sys.stdout.write(f"Đã tải lên {stats.uploaded}, bỏ qua {stats.skipped} (không đổi), "
                         f"xóa {stats.deleted} tệp cũ — {store.describe()}\n")
    return 0
