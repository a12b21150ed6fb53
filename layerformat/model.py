"""The data the builder works on, independent of Django.

The export stage turns Wagtail pages into `Article`s; every later stage (render, index, speech, sign, publish)
sees only these plain objects, so the pipeline can be tested and benchmarked without a database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

ALL = "all"  # every member of the owner unit's subtree
COMMITTEE = "committee"  # its committee members (cấp ủy viên) only
TIERS = (ALL, COMMITTEE)
KINDS = ("news", "resolution", "study", "meeting")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, order=True)
class LayerId:
    """One owner unit's published content for one audience tier: `u/<unit path>/<tier>/`."""

    unit_path: tuple[str, ...]
    tier: str

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"unknown tier {self.tier!r}")
        if not self.unit_path or not all(_CODE.match(code) for code in self.unit_path):
            raise ValueError(f"bad unit path {self.unit_path!r}")

    @property
    def prefix(self) -> str:
        """Path of the layer under the site root, without slashes at the ends: `u/tn/dh/all`."""
        return "u/" + "/".join(self.unit_path) + "/" + self.tier

    @property
    def unit_code(self) -> str:
        return self.unit_path[-1]

    @classmethod
    def for_unit_path(cls, code_path: str, tier: str) -> LayerId:
        """The layer of the unit whose code path is `code_path` (`tn/dh/x1`, as `UnitPage.code_path` holds it)."""
        return cls(tuple(code_path.split("/")), tier)

    @classmethod
    def all_for_unit_path(cls, code_path: str) -> list[LayerId]:
        """The unit's layers, one per tier."""
        return [cls.for_unit_path(code_path, tier) for tier in TIERS]

    @classmethod
    def parse(cls, path: str) -> LayerId:
        """Parse `u/tn/dh/all` or `/u/tn/dh/all/any/file.html` (the layer part only) into a LayerId."""
        parts = [p for p in path.strip("/").split("/") if p]
        if len(parts) < 3 or parts[0] != "u":
            raise ValueError(f"not a layer path: {path!r}")
        for i in range(2, len(parts)):
            if parts[i] in TIERS:
                return cls(tuple(parts[1:i]), parts[i])
        raise ValueError(f"not a layer path: {path!r}")

    def __str__(self) -> str:
        return self.prefix


@dataclass(frozen=True)
class Attachment:
    """A file that goes with an article (a resolution's PDF/DOCX): copied into the article's directory."""

    key: str  # "document" for the page's own file, or the document id of a link in the body
    title: str
    source: str  # absolute path of the uploaded file (the export stage resolves it)
    filename: str  # name the member sees and saves
    href: str = ""  # set by the media stage: path relative to the article page (`files/<name>`)
    length: int = 0  # set by the media stage


@dataclass(frozen=True)
class ImageRef:
    """An image embedded in an article body: resized to phone widths by the media stage."""

    key: str  # the image id of the `<img data-sotay-image="…">` placeholder in `body_html`
    source: str  # absolute path of the original
    alt: str = ""


@dataclass
class Article:
    """A published page as the builder sees it."""

    id: int  # Wagtail page id: stable across renames, so URLs and receipts survive edits
    slug: str
    kind: str  # one of KINDS
    title: str
    body_html: str  # trusted HTML rendered from Wagtail rich text / markdown
    published_at: datetime  # timezone-aware
    updated_at: datetime
    layer: LayerId
    unit_name: str
    unit_level: str  # province | district | base | cell
    summary: str = ""
    # document_code, issuing_body, issue_date, study_deadline, meeting_date (ISO dates) where the kind has them
    meta: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    images: tuple[ImageRef, ...] = ()
    column: str = ""  # chuyên mục name, "" when none
    column_slug: str = ""

    @property
    def path(self) -> str:
        """Directory of the article inside its layer."""
        return f"a/{self.id}/"

    def fingerprint(self, *extra: object) -> str:
        """A hash of every field (and of `extra`): stages that derive something from an article compare it
        with the last one to skip unchanged articles without deriving anything."""
        values = [getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "meta"]
        fields = (*values, sorted(self.meta.items()), *extra)
        return hashlib.sha1("\0".join(map(str, fields)).encode("utf-8"), usedforsecurity=False).hexdigest()
