"""Reads for the API. Access always goes through `cms.org.selectors` (`layers_for`, `can_read_layer`):
nothing here decides on its own who may see what.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import Page

from cms.org.models import COMMITTEE_ROLES, Member, UnitPage
from cms.org.selectors import can_read_layer, layers_for, may_still_read, member_of, unit_chain
from layerformat.model import LayerId

from .models import Event, Feedback, ReadFact, SavedItem

__all__ = ["layers_for", "can_read_layer", "member_of", "unit_chain", "page_layers", "readable_pages"]

STEP = Page.steplen


def is_committee(member: Member | None) -> bool:
    """An active member who sits on their unit's committee (secretaries included)."""
    return may_still_read(member) and member.role in COMMITTEE_ROLES


def oversight_unit(user) -> UnitPage | None:
    """The unit whose subtree `user` answers for in read reports and the feedback inbox, or None.

    A committee member (secretaries included) oversees their own unit; the system administrator of the
    province (a superuser, who usually has no party record) oversees the whole province.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return UnitPage.objects.order_by("depth", "path").first()
    member = member_of(user)
    return member.unit if is_committee(member) else None


def reportable_pages(user, unit: UnitPage) -> QuerySet:
    """Live articles whose read rates the overseer of `unit` may open: those published in its subtree and,
    for a member, those published above it for them to read."""
    from cms.publishing.models import ArticlePage

    own = Q(path__startswith=unit.path)
    member = member_of(user)
    if member is not None and not user.is_superuser:
        own |= Q(pk__in=readable_pages(member).values("pk"))
    return ArticlePage.objects.live().filter(own)


def article_url(layer: LayerId, page_id: int) -> str:
    return f"/{layer.prefix}/a/{page_id}/"


@lru_cache(maxsize=1)
def _kinds_by_content_type() -> dict[int, str]:
    from cms.publishing.models import ARTICLE_MODELS

    types = ContentType.objects.get_for_models(*ARTICLE_MODELS)
    return {ct.pk: model.kind for model, ct in types.items()}


def kind_of(content_type_id: int) -> str | None:
    return _kinds_by_content_type().get(content_type_id)


def page_layers(page_ids: Iterable[int]) -> dict[int, LayerId]:
    """Layer of each live article among `page_ids` (two queries, whatever their number); others are absent."""
    from cms.publishing.models import ArticlePage

    rows = list(ArticlePage.objects.filter(pk__in=set(page_ids), live=True).values_list("pk", "path", "tier"))
    parents = {path[:-STEP] for _pk, path, _tier in rows}
    code_paths = dict(UnitPage.objects.filter(path__in=parents).values_list("path", "code_path"))
    result = {}
    for pk, path, tier in rows:
        code_path = code_paths.get(path[:-STEP])
        if code_path:
            result[pk] = LayerId.for_unit_path(code_path, tier)
    return result


def page_layer(page_id: int) -> LayerId | None:
    return page_layers([page_id]).get(page_id)


def readable_page(member: Member | None, page_id: int) -> LayerId | None:
    """The page's layer if the member may read it; None for a page that is missing, unpublished or not theirs."""
    layer = page_layer(page_id)
    return layer if layer is not None and can_read_layer(member, layer) else None


def readable_pages(member: Member | None) -> QuerySet:
    """Live articles of every layer the member may read (none for an inactive member)."""
    from cms.publishing.models import ArticlePage

    layers = layers_for(member)
    if not layers:
        return ArticlePage.objects.none()
    units = {u.code_path: u for u in unit_chain(member)}
    condition = Q()
    for layer in layers:
        unit = units["/".join(layer.unit_path)]
        condition |= Q(path__startswith=unit.path, depth=unit.depth + 1, tier=layer.tier)
    return ArticlePage.objects.live().filter(condition)


def unread_pages(member: Member, *, kind: str | None = None, limit: int = 100) -> list[dict]:
    """Readable pages the member has not completed, study materials with the nearest deadline first."""
    pages = readable_pages(member).exclude(
        pk__in=ReadFact.objects.filter(member=member, event=Event.COMPLETED).values("page_id")
    )
    if kind:
        ids = [ct for ct, k in _kinds_by_content_type().items() if k == kind]
        pages = pages.filter(content_type_id__in=ids)
    rows = list(
        pages.order_by("-first_published_at").values(
            "pk", "title", "path", "tier", "content_type_id", "first_published_at",
            "studymaterialpage__study_deadline",
        )[: max(1, min(limit, 500))]
    )
    opened = set(
        ReadFact.objects.filter(member=member, event=Event.OPENED, page_id__in=[r["pk"] for r in rows])
        .values_list("page_id", flat=True)
    )
    units = {u.path: u for u in unit_chain(member)}
    result = []
    for row in rows:
        unit = units[row["path"][:-STEP]]
        layer = unit.layer(row["tier"])
        result.append({
            "id": row["pk"], "title": row["title"], "kind": kind_of(row["content_type_id"]),
            "url": article_url(layer, row["pk"]), "unit": unit.title, "published": row["first_published_at"],
            "study_deadline": row["studymaterialpage__study_deadline"], "opened": row["pk"] in opened,
        })
    far = date.max
    result.sort(key=lambda r: (r["study_deadline"] is None, r["study_deadline"] or far))
    return result


def saved_items(member: Member) -> list[dict]:
    """Saved pages the member may still read (a page moved out of their layers silently drops out)."""
    items = list(SavedItem.objects.filter(member=member).values("page_id", "created"))
    layers = page_layers(i["page_id"] for i in items)
    titles = dict(Page.objects.filter(pk__in=layers).values_list("pk", "title"))
    return [
        {"page": i["page_id"], "title": titles[i["page_id"]], "url": article_url(layers[i["page_id"]], i["page_id"]),
         "created": i["created"]}
        for i in items
        if i["page_id"] in layers and can_read_layer(member, layers[i["page_id"]])
    ]


def feedback_visible_to(member: Member | None) -> QuerySet:
    """The member's own feedback; for a committee member also what is addressed to their unit's committee and
    what that committee escalated further up (read-only to them)."""
    if not may_still_read(member):
        return Feedback.objects.none()
    condition = Q(member=member)
    if is_committee(member):
        condition |= Q(unit_id=member.unit_id) | escalated_from(member.unit)
    return (Feedback.objects.filter(condition)
            .select_related("member__user", "unit", "origin_unit").prefetch_related("replies__author__user"))


def escalated_from(unit: UnitPage) -> Q:
    """Feedback that passed through `unit` on its way up: sent from its subtree, now addressed above it."""
    return Q(origin_unit__path__startswith=unit.path, unit__depth__lt=unit.depth)


def feedback_paths(items: Iterable[Feedback]) -> dict[int, list[dict]]:
    """For each feedback, the units it went through, from where it was sent to where it is now (one query)."""
    items = list(items)
    wanted = set()
    for f in items:
        origin, current = f.origin_unit.path, f.unit.path
        wanted.update(origin[:end] for end in range(len(current), len(origin) + 1, STEP))
    units = {
        path: {"code": code, "name": title, "level": level}
        for path, code, title, level in UnitPage.objects.filter(path__in=wanted).values_list(
            "path", "code", "title", "level")
    }
    return {
        f.pk: [units[f.origin_unit.path[:end]]
               for end in range(len(f.origin_unit.path), len(f.unit.path) - 1, -STEP)
               if f.origin_unit.path[:end] in units]
        for f in items
    }


def feedback_pages(items: Iterable[Feedback]) -> dict[int, dict]:
    """Title and reader address of the articles feedback is about, by page id (two queries in all)."""
    ids = {f.page_id for f in items if f.page_id}
    layers = page_layers(ids)
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return {
        pk: {"id": pk, "title": titles[pk], "url": article_url(layers[pk], pk) if pk in layers else None}
        for pk in ids if pk in titles
    }


def feedback_news_count(member: Member) -> int:
    """How many of the member's own threads have a reply or a change they have not seen."""
    # Asked on every `/api/me`: plain SQL, the ORM's compilation cost several times the indexed count itself.
    from django.db import connections

    connection = connections[Feedback.objects.db]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {quote(Feedback._meta.db_table)} WHERE member_id = %s AND sender_news_at IS NOT NULL"
            " AND (sender_seen_at IS NULL OR sender_news_at > sender_seen_at)", [member.pk])
        return cursor.fetchone()[0]


def profile(member: Member) -> dict:
    """Who the member is and what they may read, as `/api/me` answers it."""
    return {
        "username": member.user.username,
        "full_name": member.full_name,
        "role": member.role,
        "status": member.status,
        "units": cached_chain(member.unit),
        "layers": [layer.prefix for layer in layers_for(member)],
        "feedback_news": feedback_news_count(member),
    }


CHAIN_CACHE_S = 300


def cached_chain(unit: UnitPage) -> list[dict]:
    """`chain_summary`, kept in the process's memory for every member of the unit. The key holds the unit's tree
    path, so a member moved to another unit or a unit moved in the tree reads a new entry at once on every node
    (the member row, read on each request anyway, says which); only a renamed unit shows its old name for up to
    `CHAIN_CACHE_S`. The layer list is computed from the member row and the chain's codes, no query at all."""
    from django.core.cache import cache

    return cache.get_or_set(f"sotay:chain:{unit.pk}:{unit.path}", lambda: chain_summary(unit), CHAIN_CACHE_S)


def chain_summary(unit: UnitPage) -> list[dict]:
    """Province down to `unit` as plain dicts: one indexed query on the tree path, no page objects built."""
    paths = [unit.path[:end] for end in range(STEP, len(unit.path) + 1, STEP)]
    rows = UnitPage.objects.filter(path__in=paths).order_by("path").values_list("code", "title", "level")
    return [{"code": code, "name": title, "level": level} for code, title, level in rows]
