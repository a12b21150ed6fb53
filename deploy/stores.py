"""Where published layers live: a local directory (default) or an S3 bucket.

A store is a flat key → bytes map with just enough operations for publishing, garbage collection and
verification. The publish algorithm (deploy/publish.py) is written once against the `Store` protocol, so the
local directory and the bucket hold the same object layout. boto3 is imported only when an S3 store is made.
"""

from __future__ import annotations

import base64
import importlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger(__name__)

# Files up to this size go in one PUT; bigger ones (long audio) are sent in parts that are retried one by one.
MULTIPART_THRESHOLD = 8 * 1024 * 1024
MULTIPART_CHUNK = 8 * 1024 * 1024


class StoreError(Exception):
    """The store refused or failed an operation after retries."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime  # timezone-aware


@runtime_checkable
class Store(Protocol):
    """Flat object store. Keys use `/` and never start with one; writes of one key are atomic."""

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str,
            sha256: str | None = None) -> None: ...

    def put_file(self, key: str, path: Path, *, content_type: str, cache_control: str,
                 sha256: str | None = None) -> None: ...

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such key."""
        ...

    def list(self, prefix: str) -> Iterator[StoredObject]: ...

    def delete(self, keys: Iterable[str]) -> int: ...

    def describe(self) -> str: ...


class LocalStore:
    """Objects as files under `root`; each write lands through a temporary file and an atomic rename."""

    def __init__(self, root: Path | str, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync

    def path_for(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"bad key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes, *, content_type: str = "", cache_control: str = "",
            sha256: str | None = None) -> None:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                if self.fsync:
                    f.flush()
                    os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: Path, *, content_type: str = "", cache_control: str = "",
                 sha256: str | None = None) -> None:
        self.put(key, Path(path).read_bytes(), content_type=content_type, cache_control=cache_control)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError:
            return None

    def list(self, prefix: str) -> Iterator[StoredObject]:
        base = self.path_for(prefix.rstrip("/")) if prefix.strip("/") else self.root
        start = base if base.is_dir() else base.parent
        if not start.is_dir():
            return
        for dirpath, _dirs, files in os.walk(start):
            for name in sorted(files):
                if name.startswith(".tmp-"):
                    continue
                full = Path(dirpath) / name
                key = full.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    st = full.stat()
                    yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def delete(self, keys: Iterable[str]) -> int:
        count = 0
        for key in keys:
            try:
                self.path_for(key).unlink()
                count += 1
            except FileNotFoundError:
                pass
        return count

    def describe(self) -> str:
        return str(self.root)


def default_endpoint_url() -> str | None:
    """The S3 endpoint every command uses unless told otherwise: the environment file's
    SOTAY_STORE_ENDPOINT_URL (empty for AWS), else boto's own AWS_ENDPOINT_URL_S3."""
    return (os.environ.get("SOTAY_STORE_ENDPOINT_URL") or "").strip() or os.environ.get("AWS_ENDPOINT_URL_S3") or None


class S3Store:
    """A private S3 bucket (AWS or any S3 API). Credentials come from the standard AWS environment."""

    def __init__(self, bucket: str, *, region: str | None = None, endpoint_url: str | None = None,
                 prefix: str = "", max_attempts: int = 8) -> None:
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        # An empty value (the environment file's "SOTAY_STORE_ENDPOINT_URL=" for AWS) means AWS, not an error.
        region = region or None
        endpoint_url = (endpoint_url or "").strip() or None
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        # "standard" retries back off exponentially with jitter on throttling, 5xx and dropped connections.
        config = Config(
            region_name=region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
            retries={"max_attempts": max_attempts, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=32,
            signature_version="s3v4",
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self.client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)
        self.transfer_config = TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_CHUNK, max_concurrency=4
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str,
            sha256: str | None = None) -> None:
        extra: dict[str, Any] = {}
        if sha256:
            # S3 recomputes the digest and refuses the object if a byte changed on the way.
            extra["ChecksumSHA256"] = base64.b64encode(bytes.fromhex(sha256)).decode()
        self._call("put_object", Bucket=self.bucket, Key=self._key(key), Body=data,
                   ContentType=content_type, CacheControl=cache_control, **extra)

    def put_file(self, key: str, path: Path, *, content_type: str, cache_control: str,
                 sha256: str | None = None) -> None:
        size = Path(path).stat().st_size
        if size < MULTIPART_THRESHOLD:
            self.put(key, Path(path).read_bytes(), content_type=content_type,
                     cache_control=cache_control, sha256=sha256)
            return
        from boto3.exceptions import S3UploadFailedError

        try:
            self.client.upload_file(
                str(path), self.bucket, self._key(key), Config=self.transfer_config,
                ExtraArgs={"ContentType": content_type, "CacheControl": cache_control},
            )
        except S3UploadFailedError as exc:
            raise StoreError(f"tải {key} lên kho thất bại: {self.error_text(exc)}") from exc

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise StoreError(f"đọc {key}: {self.error_text(exc)}") from exc
        except BotoCoreError as exc:
            raise StoreError(self.error_text(exc)) from exc
        return response["Body"].read()

    def list(self, prefix: str) -> Iterator[StoredObject]:
        from botocore.exceptions import BotoCoreError, ClientError

        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", []):
                    yield StoredObject(item["Key"][len(self.prefix):], item["Size"], item["LastModified"])
        except (ClientError, BotoCoreError) as exc:
            raise StoreError(self.error_text(exc)) from exc

    def delete(self, keys: Iterable[str]) -> int:
        keys = [self._key(k) for k in keys]
        deleted = 0
        for i in range(0, len(keys), 1000):  # the API's batch limit
            batch = [{"Key": k} for k in keys[i : i + 1000]]
            response = self._call("delete_objects", Bucket=self.bucket,
                                  Delete={"Objects": batch, "Quiet": True})
            errors = response.get("Errors", [])
            if errors:
                raise StoreError(f"delete refused for {len(errors)} objects, first: {errors[0]}")
            deleted += len(batch)
        return deleted

    def presign(self, key: str, *, expires_s: int, content_type: str | None = None,
                cache_control: str | None = None) -> str:
        """A GET URL for one object that stops working after `expires_s` seconds."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if content_type:
            params["ResponseContentType"] = content_type
        if cache_control:
            params["ResponseCacheControl"] = cache_control
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires_s))

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def create_private_bucket(self) -> None:
        """Create the bucket if it does not exist, private, with every kind of public access blocked."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            args: dict[str, Any] = {"Bucket": self.bucket, "ACL": "private"}
            region = self.client.meta.region_name
            if region and region != "us-east-1":
                args["CreateBucketConfiguration"] = {"LocationConstraint": region}
            self._call("create_bucket", **args)
        self._call("put_public_access_block", Bucket=self.bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        })

    def allow_origins(self, origins: list[str], *, max_age_s: int = 3600) -> None:
        """Let the reader's pages at `origins` fetch() objects they were redirected to (offline audio cache)."""
        self._call("put_bucket_cors", Bucket=self.bucket, CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": origins, "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["Range"],
            "ExposeHeaders": ["Content-Length", "Content-Range", "ETag"], "MaxAgeSeconds": max_age_s,
        }]})

    def public_access_problems(self) -> list[str]:
        """Ways in which anyone without credentials could read the bucket; empty when it is private."""
        import json

        from botocore.exceptions import ClientError

        problems = []
        acl = self._call("get_bucket_acl", Bucket=self.bucket)
        for grant in acl.get("Grants", []):
            uri = grant.get("Grantee", {}).get("URI", "")
            if uri.endswith(("/global/AllUsers", "/global/AuthenticatedUsers")):
                problems.append(f"ACL của bucket cấp quyền {grant.get('Permission')} cho {uri.rsplit('/', 1)[-1]}")
        try:
            policy = json.loads(self.client.get_bucket_policy(Bucket=self.bucket)["Policy"])
        except ClientError:
            policy = {}
        for statement in policy.get("Statement", []):
            principal = statement.get("Principal")
            if statement.get("Effect") == "Allow" and principal in ("*", {"AWS": "*"}):
                problems.append("chính sách bucket cho phép mọi người (Principal \"*\")")
        return problems

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise StoreError(f"{self.error_text(exc)} ({operation} {kwargs.get('Key', '')})".replace(" )", ")")) \
                from exc

    def error_text(self, exc: BaseException) -> str:
        """What went wrong talking to the bucket, in Vietnamese, with what to check."""
        from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError
        from botocore.exceptions import ConnectionError as BotoConnectionError

        where = self.endpoint_url or "AWS"
        for cause in _causes(exc):
            if isinstance(cause, BotoConnectionError):
                return (f"không kết nối được kho S3 tại {where}: kiểm tra địa chỉ (--endpoint-url, "
                        "SOTAY_STORE_ENDPOINT_URL) và mạng")
            if isinstance(cause, NoCredentialsError | PartialCredentialsError):
                return "thiếu thông tin đăng nhập kho S3: đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY"
            if isinstance(cause, ClientError):
                error = cause.response.get("Error", {})
                code = error.get("Code", "")
                if code in {"NoSuchBucket", "404"}:
                    return f"kho S3 tại {where} không có bucket {self.bucket}"
                if code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}:
                    return f"kho S3 tại {where} từ chối truy cập bucket {self.bucket} ({code}): kiểm tra khóa và quyền"
                return f"kho S3 tại {where} trả lỗi {code}: {error.get('Message', '')}".rstrip(": ")
        return f"lỗi khi làm việc với kho S3 tại {where}: {' '.join(str(exc).split())}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


BACKENDS = {"local": "deploy.stores.LocalStore", "s3": "deploy.stores.S3Store"}


def get_store(config: dict[str, Any]) -> Store:
    """Build the store named by a settings dict: `{"BACKEND": "deploy.stores.S3Store", "OPTIONS": {...}}`."""
    backend = BACKENDS.get(config.get("BACKEND", "local"), config.get("BACKEND", ""))
    module_name, _, class_name = backend.rpartition(".")
    if not module_name:
        raise ValueError(f"SOTAY_STORE BACKEND must be a dotted path, got {backend!r}")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**dict(config.get("OPTIONS", {})))
