"""Reads for learning. Visibility is the layer rule (`can_read_layer` on the round's unit and tier); managing
is for the Ban Biên tập of the organising unit or above it; results per unit are for committees."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, QuerySet, Window
from django.db.models.functions import Rank
from django.utils import timezone
from wagtail.models import GroupPagePermission

from cms.org.models import Member, UnitPage
from cms.org.selectors import can_read_layer, eligible_q, may_still_read, unit_chain

from .models import Attempt, Poll, QAEntry, Question, Round


def can_see(member: Member | None, round_: Round) -> bool:
    return can_read_layer(member, round_.layer)


def visible_rounds(member: Member | None) -> QuerySet[Round]:
    if not may_still_read(member):
        return Round.objects.none()
    return Round.objects.filter(unit__in=[u.pk for u in unit_chain(member)], tier__in=member.tiers)


def visible_round(member: Member | None, pk: int) -> Round | None:
    round_ = Round.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
    return round_ if round_ is not None and can_see(member, round_) else None


def own_attempt(member: Member | None, pk: int) -> Attempt | None:
    """The member's attempt `pk` with its round and the round's unit, one query."""
    if member is None or not 0 < pk < 2**31:
        return None
    return Attempt.objects.select_related("round__unit").filter(pk=pk, member=member).first()


# What the access rule, the time limit and the cached answer key read of an attempt being saved or submitted.
_WRITE_FIELDS = ("round_id", "member_id", "number", "questions", "started_at", "deadline", "submitted_at", "score",
                 "max_score", "member__user_id", "member__unit_id", "member__role", "member__status",
                 "member__unit__code_path", "round__unit_id", "round__tier", "round__closes_at", "round__created_at",
                 "round__key_version", "round__unit__code_path")


def attempt_for_writing(user, pk: int) -> Attempt | None:
    """`user`'s attempt `pk` with their member profile and unit, its round and the round's unit: one query for
    everything saving or submitting needs (the fields read are listed; any other is loaded when touched)."""
    if not 0 < pk < 2**31:
        return None
    # A slice, not .first(): at most one row matches, and ordering it would cost compiling an ORDER BY.
    found = list(Attempt.objects.select_related("member__unit", "round__unit").only(*_WRITE_FIELDS)
                 .filter(pk=pk, member__user=user)[:1])
    if not found:
        return None
    found[0].member.user = user
    return found[0]


def own_attempts(member: Member, round_: Round) -> list[Attempt]:
    return list(Attempt.objects.filter(round=round_, member=member).order_by("number"))


def board_units(user) -> QuerySet[UnitPage]:
    """Units whose question bank and rounds `user` manages: the subtrees their Ban Biên tập edits."""
    if not user.is_authenticated or not user.is_active:
        return UnitPage.objects.none()
    if user.is_superuser:
        return UnitPage.objects.all()
    change = Permission.objects.filter(content_type__app_label="wagtailcore", codename="change_page")
    roots = UnitPage.objects.filter(pk__in=GroupPagePermission.objects.filter(
        group__in=user.groups.all(), permission__in=change).values("page"))
    paths = list(roots.values_list("path", flat=True))
    if not paths:
        return UnitPage.objects.none()
    from django.db.models import Q

    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return UnitPage.objects.filter(condition)


def managed_questions(user) -> QuerySet[Question]:
    return Question.objects.filter(unit__in=board_units(user))


def managed_rounds(user) -> QuerySet[Round]:
    return Round.objects.filter(unit__in=board_units(user))


def managed_qa(user) -> QuerySet[QAEntry]:
    return QAEntry.objects.filter(unit__in=board_units(user))


def managed_polls(user) -> QuerySet[Poll]:
    units = list(board_units(user).values_list("path", flat=True))
    if not units:
        return Poll.objects.none()
    return Poll.objects.filter(page__path__regex=r"^(" + "|".join(units) + ")")


def ranking(round_: Round) -> list[dict]:
    """Every participant's best submitted attempt, ranked by score, then by time taken (competition ranking:
    equal score and time share a rank). One query; sorting ~100,000 rows in Python takes a fraction of a second.
    A closed round's table no longer changes: it is kept in the cache for a minute, so a province of members
    opening their results at once computes it once per minute and process."""
    key = f"learning:ranking:{round_.pk}:{round_.closes_at.timestamp()}"
    # Settled once every attempt's deadline (never past the close) and its grace are over.
    settled = round_.is_closed(timezone.now() - timedelta(seconds=10))
    if settled:
        cached = cache.get(key)
        if cached is not None:
            return cached
    table = _ranking(round_)
    if settled:
        cache.set(key, table, 60)
    return table


def _ranking(round_: Round) -> list[dict]:
    submitted = Attempt.objects.filter(round=round_, submitted_at__isnull=False)
    if round_.attempts_allowed == 1:
        # One attempt each: the database ranks (one sort), Python only reads the rows.
        taken = ExpressionWrapper(F("submitted_at") - F("started_at"), output_field=DurationField())
        rows = (submitted.annotate(taken=taken, position=Window(Rank(), order_by=[F("score").desc(), F("taken").asc()]))
                .order_by("position", "member_id").values_list("member_id", "score", "taken", "position"))
        return [{"member": m, "score": s or 0, "seconds": round(t.total_seconds()), "rank": r}
                for m, s, t, r in rows.iterator(chunk_size=10000)]
    best: dict[int, tuple[int, float]] = {}
    rows = submitted.values_list("member_id", "score", "started_at", "submitted_at")
    for member_id, score, started, ended in rows.iterator(chunk_size=5000):
        seconds = (ended - started).total_seconds()
        old = best.get(member_id)
        if old is None or (score or 0, -seconds) > (old[0], -old[1]):
            best[member_id] = (score or 0, seconds)
    ordered = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))
    result, previous, rank = [], None, 0
    for position, (member_id, key) in enumerate(ordered, start=1):
        if key != previous:
            rank, previous = position, key
        result.append({"member": member_id, "score": key[0], "seconds": round(key[1]), "rank": rank})
    return result


def rank_of(round_: Round, member: Member) -> dict | None:
    return next((r for r in ranking(round_) if r["member"] == member.pk), None)


def rollup(round_: Round, top: UnitPage) -> dict:
    """Participation and scores of `top`'s subtree, cell by cell and summed up the tree."""
    units = list(UnitPage.objects.filter(path__startswith=top.path).order_by("path")
                 .values("pk", "path", "depth", "code", "title", "level"))
    eligible = dict(Member.objects.filter(eligible_q(), unit__path__startswith=top.path).values("unit")
                    .annotate(n=Count("pk")).values_list("unit", "n"))
    members = dict(Member.objects.filter(unit__path__startswith=top.path).values_list("pk", "unit_id"))
    own = {u["pk"]: {"eligible": eligible.get(u["pk"], 0), "participants": 0, "score_sum": 0} for u in units}
    for row in ranking(round_):
        unit = members.get(row["member"])
        if unit in own:
            own[unit]["participants"] += 1
            own[unit]["score_sum"] += row["score"]
    totals = {u["pk"]: {"eligible": 0, "participants": 0, "score_sum": 0} for u in units}
    by_path = {u["path"]: u["pk"] for u in units}
    step = 4
    for u in units:
        counts = own[u["pk"]]
        for depth in range(len(top.path), len(u["path"]) + 1, step):
            target = totals[by_path[u["path"][:depth]]]
            for key in counts:
                target[key] += counts[key]
    rows = []
    for u in units:
        t = totals[u["pk"]]
        rows.append({
            "code": u["code"], "name": u["title"], "level": u["level"], "depth": u["depth"] - top.depth,
            "eligible": t["eligible"], "participants": t["participants"],
            "participation": round(t["participants"] / t["eligible"], 4) if t["eligible"] else None,
            "average_score": round(t["score_sum"] / t["participants"], 2) if t["participants"] else None,
        })
    return {"round": {"id": round_.pk, "title": round_.title}, "unit": {"code": top.code, "name": top.title},
            "units": rows}


def rollup_unit(round_: Round, overseen: UnitPage) -> UnitPage | None:
    """Where a committee's table of a round starts: the deeper of its own unit and the round's, when one holds
    the other; None when the round is elsewhere in the tree."""
    if overseen.path.startswith(round_.unit.path):
        return overseen
    if round_.unit.path.startswith(overseen.path):
        return round_.unit
    return None


def deadlines(member: Member, *, now: datetime | None = None) -> list[tuple[str, datetime, str]]:
    """(title, when, url) of the open rounds the member may still take, for a personal calendar."""
    now = now or timezone.now()
    result = []
    for r in visible_rounds(member).filter(closes_at__gt=now).order_by("closes_at"):
        used = Attempt.objects.filter(round=r, member=member, submitted_at__isnull=False).count()
        if used < r.attempts_allowed:
            result.append((f"Hạn thi: {r.title}", r.closes_at, f"/hoc-tap/{r.pk}/"))
    return result


def visible_qa(member: Member | None) -> QuerySet[QAEntry]:
    if not may_still_read(member):
        return QAEntry.objects.none()
    return QAEntry.objects.filter(unit__in=[u.pk for u in unit_chain(member)], published=True)
