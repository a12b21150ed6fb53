"""The one error type of the build pipeline."""

from __future__ import annotations


class BuildError(Exception):
    """A stage of a layer build failed; nothing was published (when `stage` is "upload", the layer is live in
    the site directory but the store still serves its previous version, whole).

    `stage` is one of the pipeline stages (export, speech, render, index, sign, publish, prune, upload; verify
    for a re-sign) and `page` the
    article path inside the layer (`a/12/`) when one page is to blame, so an operator knows where to look.
    """

    def __init__(self, stage: str, message: str, page: str | None = None) -> None:
        self.stage = stage
        self.message = message
        self.page = page
        where = f" [{page}]" if page else ""
        super().__init__(f"{stage}{where}: {message}")
