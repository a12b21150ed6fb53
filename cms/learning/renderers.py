"""A round's roll-up as a download: `?format=csv` and `?format=xlsx`."""

from __future__ import annotations

from cms.api.renderers import export_renderers

from . import polls
from .exports import rollup_csv, rollup_xlsx

RoundRollupCSVRenderer, RoundRollupXLSXRenderer = export_renderers(
    "RoundRollup", lambda data: f"ket-qua-thi-{data['round']['id']}-{data['unit']['code']}", rollup_csv, rollup_xlsx
)

PollCSVRenderer, PollXLSXRenderer = export_renderers(
    "PollResults", lambda data: f"y-kien-du-thao-{data['poll']['id']}-{data['unit']['code']}", polls.results_csv,
    polls.results_xlsx
)
