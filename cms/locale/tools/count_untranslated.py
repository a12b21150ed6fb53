"""Count the Wagtail admin strings that stay untranslated once our catalogues are layered on top.

Wagtail ships an English catalogue listing every message of each app (``<app>/locale/en/LC_MESSAGES``) and a
partial Vietnamese one. Django looks a message up in ``LOCALE_PATHS`` first, so a message reaches editors in
Vietnamese when either ``cms/locale/vi`` or the app's own ``vi`` catalogue translates it. Django's own and
django-taggit's catalogues are counted too (separate total): their messages also appear in the admin.

Usage::

    python -m cms.locale.tools.count_untranslated            # table per Wagtail app
    python -m cms.locale.tools.count_untranslated --list     # and the missing messages
    python -m cms.locale.tools.count_untranslated --write-missing var/missing  # templates to translate
    python -m cms.locale.tools.count_untranslated --max-missing 0               # exit 1 if any is missing
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cms.locale.tools import pofile

OVERRIDE_DIR = Path(__file__).resolve().parents[1]
DOMAINS = ("django.po", "djangojs.po")
# Not Wagtail, but their messages show up in the Wagtail admin (validation errors, relative times, tag fields).
ALSO_IN_ADMIN = (
    "django.conf",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "taggit",
)


@dataclass
class AppCount:
    """Translation state of one Wagtail app's catalogue (one gettext domain)."""

    app: str
    domain: str
    total: int
    upstream: int
    missing: list[pofile.Entry] = field(default_factory=list)

    @property
    def is_wagtail(self) -> bool:
        return self.app == "wagtail" or self.app.startswith("wagtail.")

    @property
    def remaining(self) -> int:
        return len(self.missing)


def default_wagtail_dir() -> Path:
    import wagtail

    return Path(wagtail.__file__).resolve().parent


def _translated_keys(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {entry.key for entry in pofile.read(path) if entry.msgid and entry.translated}


def _source_catalogues(wagtail_dir: Path, also: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(app label, English source catalogue) for every Wagtail app, then for the ``also`` packages."""
    site_packages = wagtail_dir.parent
    sources = []
    for source in sorted(wagtail_dir.glob("**/locale/en/LC_MESSAGES/*.po")):
        sources.append((source.parents[3].relative_to(site_packages).as_posix().replace("/", "."), source))
    for app in also:
        for source in sorted((site_packages / app.replace(".", "/") / "locale/en/LC_MESSAGES").glob("*.po")):
            sources.append((app, source))
    return sources


def count(
    wagtail_dir: Path,
    override_dir: Path = OVERRIDE_DIR,
    language: str = "vi",
    also: tuple[str, ...] = ALSO_IN_ADMIN,
) -> list[AppCount]:
    """Per app and domain: messages in the app's source catalogue, translated upstream, still missing."""
    ours = {domain: _translated_keys(override_dir / language / "LC_MESSAGES" / domain) for domain in DOMAINS}
    counts = []
    for app, source in _source_catalogues(wagtail_dir, also):
        domain = source.name
        if domain not in ours:
            continue
        entries = [entry for entry in pofile.read(source) if entry.msgid and not entry.obsolete]
        upstream = _translated_keys(source.parents[2] / language / "LC_MESSAGES" / domain)
        missing = [entry for entry in entries if entry.key not in upstream and entry.key not in ours[domain]]
        counts.append(
            AppCount(
                app=app,
                domain=domain,
                total=len(entries),
                upstream=sum(1 for entry in entries if entry.key in upstream),
                missing=missing,
            )
        )
    return counts


def _total_line(label: str, counts: list[AppCount], width: int) -> str:
    total = sum(c.total for c in counts)
    upstream = sum(c.upstream for c in counts)
    remaining = sum(c.remaining for c in counts)
    return f"{label:<{width}} {total:>6} {upstream:>10} {remaining:>12}"


def format_table(counts: list[AppCount]) -> str:
    width = max([len(c.app) + len(c.domain) + 3 for c in counts] + [28])
    lines = [f"{'app (domain)':<{width}} {'total':>6} {'upstream vi':>10} {'untranslated':>12}"]
    for c in counts:
        name = f"{c.app} ({c.domain.removesuffix('.po')})"
        lines.append(f"{name:<{width}} {c.total:>6} {c.upstream:>10} {c.remaining:>12}")
    lines.append(_total_line("total Wagtail", [c for c in counts if c.is_wagtail], width))
    lines.append(_total_line("total Django, taggit", [c for c in counts if not c.is_wagtail], width))
    return "\n".join(lines)


_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=1; plural=0;\\n"\n'
)


def write_missing(counts: list[AppCount], directory: Path, language: str = "vi") -> dict[str, int]:
    """Write the missing messages as one .po template per domain, each message once even if apps share it.

    The templates are for translators: fill them in, then append the entries to our catalogues.
    """
    blocks: dict[str, list[str]] = {domain: [_HEADER.format(language=language)] for domain in DOMAINS}
    seen: set[tuple[str, str | None, str]] = set()
    for c in counts:
        for entry in c.missing:
            if (c.domain, *entry.key) in seen:
                continue
            seen.add((c.domain, *entry.key))
            blank = pofile.Entry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr_plural={0: ""} if entry.msgid_plural is not None else {},
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
                comments=[f"#. {c.app}", *(line for line in entry.comments if line.startswith("#:"))],
            )
            blocks[c.domain].append(pofile.format_entry(blank))
    directory.mkdir(parents=True, exist_ok=True)
    for domain, texts in blocks.items():
        (directory / domain).write_text("\n".join(texts), encoding="utf-8")
    return {domain: len(texts) - 1 for domain, texts in blocks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wagtail-dir", type=Path, help="the installed wagtail package (default: imported)")
    parser.add_argument("--locale-dir", type=Path, default=OVERRIDE_DIR, help="our LOCALE_PATHS directory")
    parser.add_argument("--language", default="vi")
    parser.add_argument("--list", action="store_true", help="print every missing message")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument(
        "--write-missing", type=Path, metavar="DIR", help="write the missing messages as DIR/django.po, djangojs.po"
    )
    parser.add_argument("--max-missing", type=int, help="exit 1 when more Wagtail messages than this are missing")
    parser.add_argument("--wagtail-only", action="store_true", help="leave out Django's and taggit's catalogues")
    args = parser.parse_args(argv)

    also = () if args.wagtail_only else ALSO_IN_ADMIN
    counts = count(args.wagtail_dir or default_wagtail_dir(), args.locale_dir, args.language, also)
    remaining = sum(c.remaining for c in counts if c.is_wagtail)
    if args.json:
        apps = {
            f"{c.app}:{c.domain}": {"total": c.total, "upstream": c.upstream, "untranslated": c.remaining}
            for c in counts
        }
        others = sum(c.remaining for c in counts if not c.is_wagtail)
        result = {"apps": apps, "untranslated_wagtail": remaining, "untranslated_other": others}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_table(counts) + "\n")
    if args.list:
        for c in counts:
            for entry in c.missing:
                sys.stdout.write(f"{c.app} ({c.domain}): {entry.msgid!r}\n")
    if args.write_missing:
        written = write_missing(counts, args.write_missing, args.language)
        sys.stderr.write(f"{sum(written.values())} messages written to {args.write_missing}\n")
    if args.max_missing is not None and remaining > args.max_missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
