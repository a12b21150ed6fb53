"""The member import: a sync with the member registry's export (CSV or XLSX, columns by header, keyed by card number).

    plan = preview(read_path(path))      # the difference, or ImportFailed listing every bad row
    apply_plan(plan, by=user)            # only after the difference was shown and confirmed

`sotay import-members FILE [--dry-run]` and the admin's "Nhập đảng viên" both go through these two steps.
"""

from __future__ import annotations

from pathlib import Path

from ..models import UnitPage
from .parsing import COLUMNS, LABELS, ImportFailed, RowError
from .reading import UnreadableFile, read_path, read_table
from .report import describe
from .sync import ChangedMember, FieldChange, NewMember, Plan, SyncResult, apply_plan, generate_username, plan_sync

__all__ = [
    "COLUMNS", "LABELS", "ChangedMember", "FieldChange", "ImportFailed", "NewMember", "Plan", "RowError",
    "SyncResult", "UnreadableFile", "apply_plan", "describe", "generate_username", "import_members", "plan_sync",
    "preview", "read_path", "read_table",
]


def preview(rows: list[list[str]], *, scope: UnitPage | None = None) -> Plan:
    """The difference between the rows and the database; raises ImportFailed (nothing written) on any bad row."""
    return plan_sync(rows, scope=scope)


def import_members(path: Path, *, by=None) -> SyncResult:
    """Read, check and apply a file in one step (the demo loader and scripts); raises ImportFailed or UnreadableFile."""
    try:
        rows = read_path(path)
    except UnreadableFile as error:
        raise ImportFailed([RowError(1, str(error))]) from None
    return apply_plan(preview(rows), by=by)
