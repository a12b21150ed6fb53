"""The difference as lines of text, for the command line (the admin shows the same plan in a template)."""

from __future__ import annotations

from .sync import Plan, display


def _who(card: str | None, name: str, username: str, unit: str) -> str:
    return f"{card or '—'}  {name} ({username}), {unit}"


def describe(plan: Plan) -> list[str]:
    """New members, changed fields old → new, leaving members, and how many rows change nothing."""
    lines = [f"Thêm mới: {len(plan.new)} đảng viên."]
    for new in plan.new:
        lines.append("  + " + _who(new.row.card_number, new.row.full_name, new.username, new.row.unit_code))
        lines += [f"      {f.label}: {f.new_text}" for f in new.fields]
    lines.append(f"Thay đổi: {len(plan.changed)} đảng viên.")
    for changed in plan.changed:
        member = changed.member
        lines.append("  ~ " + _who(member.card_number or changed.row.card_number, member.full_name,
                                   member.user.username, member.unit.code))
        lines += [f"      {c.label}: {c.old_text} → {c.new_text}" for c in changed.changes]
    lines.append(f"Không có trong tệp (giữ nguyên, không xóa — hãy kiểm tra): {len(plan.leaving)} đảng viên.")
    for member in plan.leaving:
        lines.append("  - " + _who(member.card_number, member.full_name, member.user.username, member.unit.code)
                     + f", {display('status', member.status)}")
    lines.append(f"Không đổi: {plan.unchanged} đảng viên.")
    return lines
