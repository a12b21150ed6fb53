"""Kế hoạch ngành dọc: a committee issues a plan with a report form to the units below it; every unit's leader
fills the report; numbers are summed up the tree; the issuer sees who reported, who is late, and the totals.

Fan-out is one `bulk_create` of a `PlanTarget` per unit reached (a province plan reaches every unit of the
province). The roll-up is one aggregate query per tree depth, grouping the targets by the prefix of their unit's
treebeard path (a unit's ancestors are the prefixes of its path), so the database adds the numbers whatever
the size of the subtree. Every unit's report counts its own work: a district's total is the sum of its own
report and every report below it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Count, FloatField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import LEVEL_ORDER, Level, Member, UnitPage

from .models import FieldKind, Plan, PlanAttachment, PlanTarget, TargetStatus
from .selectors import ISSUING_LEVELS, leads_unit

logger = logging.getLogger("sotay.tasks")

STEP = 4  # treebeard's path step
MAX_FIELDS = 30
BATCH = 2000


def clean_form(form: list[dict]) -> list[dict]:
    """The report form as stored: keys f1, f2, …; a kind for each; choices for a choice field."""
    if not form:
        raise ServiceError(_("Mẫu báo cáo cần ít nhất một mục."))
    if len(form) > MAX_FIELDS:
        raise ServiceError(_("Mẫu báo cáo có tối đa %(n)d mục.") % {"n": MAX_FIELDS})
    cleaned = []
    for i, field in enumerate(form, 1):
        label = str(field.get("label", "")).strip()
        kind = field.get("kind")
        if not label:
            raise ServiceError(_("Mục %(i)d của mẫu báo cáo chưa có tên.") % {"i": i})
        if kind not in FieldKind.values:
            raise ServiceError(_("Mục “%(label)s” có kiểu không hợp lệ.") % {"label": label})
        choices = [str(c).strip() for c in field.get("choices") or [] if str(c).strip()]
        if kind == FieldKind.CHOICE and len(choices) < 2:
            raise ServiceError(_("Mục “%(label)s” cần ít nhất hai lựa chọn.") % {"label": label})
        cleaned.append({"key": f"f{i}", "label": label[:200], "kind": kind,
                        "choices": choices if kind == FieldKind.CHOICE else []})
    return cleaned


def _levels_below(unit: UnitPage, levels: list[str] | None) -> list[str]:
    below = LEVEL_ORDER[LEVEL_ORDER.index(unit.level) + 1:]
    if not levels:
        return below
    if not set(levels) <= set(below):
        raise ServiceError(_("Chỉ gửi kế hoạch xuống các cấp dưới của đơn vị mình."))
    return [lv for lv in below if lv in levels]


def _fan_out(plan: Plan, top: UnitPage, levels: list[str], due_at: datetime, forwarded_by: UnitPage | None) -> int:
    reached = set(PlanTarget.objects.filter(plan=plan).values_list("unit_id", flat=True))
    units = (UnitPage.objects.filter(path__startswith=top.path, depth__gt=top.depth, level__in=levels)
             .values_list("pk", flat=True))
    rows = [PlanTarget(plan=plan, unit_id=pk, due_at=due_at, forwarded_by=forwarded_by)
            for pk in units if pk not in reached]
    PlanTarget.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def issue_plan(*, by: Member, title: str, due_at: datetime, form: list[dict], body: str = "", code: str = "",
               levels: list[str] | None = None, client_id: uuid.UUID | None = None,
               now: datetime | None = None) -> Plan:
    """Issue a plan from the issuer's unit to every unit below it at `levels` (default: every level below)."""
    now = now or timezone.now()
    client_id = client_id or uuid.uuid4()
    existing = Plan.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.created_by_id != by.pk or existing.title != title.strip():
            raise Conflict(_("Mã kế hoạch đã được dùng cho một kế hoạch khác."), conflicts=[str(client_id)])
        return existing
    unit = by.unit
    if not leads_unit(by, unit) or unit.level not in ISSUING_LEVELS:
        raise Forbidden(_("Chỉ bí thư, phó bí thư của cấp ủy tỉnh, huyện hoặc cơ sở mới ban hành được kế hoạch."))
    if not title.strip():
        raise ServiceError(_("Hãy ghi tên kế hoạch."))
    if due_at <= now:
        raise ServiceError(_("Hạn báo cáo phải sau thời điểm hiện tại."))
    cleaned = clean_form(form)
    chosen = _levels_below(unit, levels)
    with transaction.atomic():
        plan = Plan.objects.create(client_id=client_id, unit=unit, code=code.strip()[:40], title=title.strip(),
                                   body=body.strip(), due_at=due_at, levels=chosen, form=cleaned, created_by=by)
        count = _fan_out(plan, unit, chosen, due_at, None)
    logger.info("plan %s issued by %s to %d units", plan.pk, by.pk, count)
    return plan


def forward_plan(*, by: Member, plan: Plan, due_at: datetime, now: datetime | None = None) -> int:
    """An intermediate unit sends the plan on to every unit below it, with its own (earlier) deadline.
    Returns how many units were reached for the first time."""
    now = now or timezone.now()
    unit = by.unit
    own = PlanTarget.objects.filter(plan=plan, unit=unit).first()
    if own is None or not leads_unit(by, unit):
        raise Forbidden(_("Chỉ bí thư, phó bí thư của đơn vị nhận kế hoạch mới chuyển tiếp được."))
    if unit.level == Level.CELL:
        raise ServiceError(_("Chi bộ không có cấp dưới để chuyển tiếp."))
    if due_at <= now or due_at > own.due_at:
        raise ServiceError(_("Hạn của đơn vị cấp dưới phải sau hiện tại và không muộn hơn hạn của đơn vị mình."))
    levels = LEVEL_ORDER[LEVEL_ORDER.index(unit.level) + 1:]
    with transaction.atomic():
        added = _fan_out(plan, unit, levels, due_at, unit)
        PlanTarget.objects.filter(plan=plan, unit__path__startswith=unit.path).exclude(unit=unit).update(
            due_at=due_at, forwarded_by=unit)
    return added


def _clean_values(plan: Plan, values: dict, files: dict) -> dict:
    cleaned = {}
    for field in plan.form:
        key, label, kind = field["key"], field["label"], field["kind"]
        raw = values.get(key)
        if kind == FieldKind.FILE:
            if key in files:
                cleaned[key] = files[key].name[:200]
            continue
        if raw in (None, ""):
            if kind == FieldKind.TEXT:
                cleaned[key] = ""
                continue
            raise ServiceError(_("Hãy điền mục “%(label)s”.") % {"label": label})
        if kind == FieldKind.NUMBER:
            try:
                number = float(str(raw).replace(",", "."))
            except ValueError:
                raise ServiceError(_("Mục “%(label)s” phải là một số.") % {"label": label}) from None
            if number < 0 or number > 1e12:
                raise ServiceError(_("Mục “%(label)s” phải là số không âm.") % {"label": label})
            cleaned[key] = int(number) if number.is_integer() else number
        elif kind == FieldKind.CHOICE:
            if raw not in field["choices"]:
                raise ServiceError(_("Mục “%(label)s”: hãy chọn một trong các lựa chọn.") % {"label": label})
            cleaned[key] = raw
        else:
            cleaned[key] = str(raw).strip()[:5000]
    return cleaned


def submit_report(*, by: Member, plan: Plan, values: dict, files: dict | None = None,
                  client_id: uuid.UUID) -> PlanTarget:
    """The leader of a unit reached by the plan sends (or corrects) its report. A replay changes nothing."""
    files = files or {}
    same = PlanTarget.objects.filter(client_id=client_id).first()
    if same is not None:
        if same.plan_id != plan.pk or same.unit_id != by.unit_id:
            raise Conflict(_("Mã báo cáo đã được dùng cho một báo cáo khác."), conflicts=[str(client_id)])
        return same
    target = PlanTarget.objects.filter(plan=plan, unit_id=by.unit_id).first()
    if target is None or not leads_unit(by, by.unit):
        raise Forbidden(_("Chỉ bí thư, phó bí thư của đơn vị nhận kế hoạch mới gửi được báo cáo."))
    cleaned = _clean_values(plan, values, files)
    with transaction.atomic():
        target.values, target.status, target.client_id = cleaned, TargetStatus.SUBMITTED, client_id
        target.submitted_at, target.submitted_by, target.return_note = timezone.now(), by, ""
        target.save()
        for key, upload in files.items():
            if any(f["key"] == key and f["kind"] == FieldKind.FILE for f in plan.form):
                PlanAttachment.objects.filter(target=target, key=key).delete()
                PlanAttachment.objects.create(target=target, key=key, file=upload, name=upload.name[:200])
    return target


def return_report(*, by: Member, plan: Plan, unit: UnitPage, note: str) -> PlanTarget:
    """The issuing committee (or the unit that forwarded the plan) sends a report back for correction."""
    target = PlanTarget.objects.filter(plan=plan, unit=unit).first()
    if target is None:
        raise ServiceError(_("Đơn vị này không nhận kế hoạch."))
    allowed = leads_unit(by, plan.unit) or (target.forwarded_by_id is not None
                                            and leads_unit(by, by.unit) and by.unit_id == target.forwarded_by_id)
    if not allowed:
        raise Forbidden(_("Chỉ cấp ủy ban hành hoặc chuyển tiếp kế hoạch mới trả lại được báo cáo."))
    if target.status != TargetStatus.SUBMITTED:
        raise ServiceError(_("Đơn vị này chưa gửi báo cáo."))
    if not note.strip():
        raise ServiceError(_("Hãy ghi điều cần sửa."))
    target.status, target.return_note = TargetStatus.RETURNED, note.strip()
    target.save(update_fields=["status", "return_note"])
    return target


# --- roll-up --------------------------------------------------------------------------------------------

def _aggregates(plan: Plan, now: datetime) -> dict:
    submitted = Q(status=TargetStatus.SUBMITTED)
    late = ~submitted & Q(due_at__lt=now)
    agg = {"reached": Count("pk"), "reported": Count("pk", filter=submitted), "late": Count("pk", filter=late),
           "returned": Count("pk", filter=Q(status=TargetStatus.RETURNED))}
    for field in plan.form:
        key = field["key"]
        if field["kind"] == FieldKind.NUMBER:
            agg[key] = Sum(Cast(KeyTextTransform(key, "values"), FloatField()), filter=submitted)
        elif field["kind"] == FieldKind.CHOICE:
            for i, choice in enumerate(field["choices"]):
                agg[f"{key}_{i}"] = Count("pk", filter=submitted & Q(**{f"values__{key}": choice}))
    return agg


def _totals_at_depth(plan: Plan, top: UnitPage, depth: int, now: datetime) -> dict[str, dict]:
    """Totals of every unit at `depth` under `top` (or `top` itself), keyed by the unit's path."""
    rows = (PlanTarget.objects.filter(plan=plan, unit__path__startswith=top.path)
            .annotate(anc=Substr("unit__path", 1, depth * STEP)).values("anc").annotate(**_aggregates(plan, now)))
    return {row.pop("anc"): row for row in rows}


def _shape(plan: Plan, unit: dict, totals: dict | None, own: PlanTarget | None, top_depth: int) -> dict:
    totals = totals or {}
    sums = {}
    for field in plan.form:
        key = field["key"]
        if field["kind"] == FieldKind.NUMBER:
            value = totals.get(key) or 0
            sums[key] = int(value) if float(value).is_integer() else round(value, 2)
        elif field["kind"] == FieldKind.CHOICE:
            sums[key] = {c: totals.get(f"{key}_{i}", 0) for i, c in enumerate(field["choices"])}
    return {
        "code": unit["code"], "name": unit["title"], "level": unit["level"], "depth": unit["depth"] - top_depth,
        "reached": totals.get("reached", 0), "reported": totals.get("reported", 0),
        "late": totals.get("late", 0), "returned": totals.get("returned", 0), "totals": sums,
        "status": own.status if own else None, "due_at": own.due_at if own else None,
        "values": own.values if own else None, "return_note": own.return_note if own else "",
    }


def rollup(plan: Plan, unit: UnitPage, *, full: bool = False, now: datetime | None = None) -> dict:
    """Totals for `unit` and, one row each, the units right below it (the whole subtree when `full`)."""
    now = now or timezone.now()
    units = UnitPage.objects.filter(path__startswith=unit.path).order_by("path")
    if not full:
        units = units.filter(depth__lte=unit.depth + 1)
    units = list(units.values("pk", "path", "depth", "code", "title", "level"))
    depths = sorted({u["depth"] for u in units})
    totals: dict[str, dict] = {}
    for depth in depths:
        totals.update(_totals_at_depth(plan, unit, depth, now))
    wanted = [u["pk"] for u in units]
    targets = PlanTarget.objects.filter(plan=plan)
    targets = targets.filter(unit__path__startswith=unit.path) if full else targets.filter(unit_id__in=wanted)
    own = {t.unit_id: t for t in targets}
    rows = [_shape(plan, u, totals.get(u["path"]), own.get(u["pk"]), unit.depth) for u in units]
    late = (PlanTarget.objects.filter(plan=plan, unit__path__startswith=unit.path, due_at__lt=now)
            .exclude(status=TargetStatus.SUBMITTED).select_related("unit").order_by("unit__path"))
    return {
        "plan": {"id": plan.pk, "code": plan.code, "title": plan.title, "due_at": plan.due_at,
                 "unit": {"code": plan.unit.code, "name": plan.unit.title}, "form": plan.form},
        "unit": {"code": unit.code, "name": unit.title},
        "units": rows,
        "late_units": [{"code": t.unit.code, "name": t.unit.title, "due_at": t.due_at} for t in late[:200]],
    }
