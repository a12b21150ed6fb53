"""Rendering a digest's HTML to PDF in worker processes: this module imports no Django, so a worker started
by forkserver loads only WeasyPrint."""

from __future__ import annotations

from pathlib import Path


def render_pdf_file(html: str, target: str) -> str:
    """Render `html` to `target` unless a file with that content-hash name is already there."""
    from weasyprint import HTML

    path = Path(target)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        HTML(string=html).write_pdf(tmp)
        tmp.replace(path)
    return path.name
