"""The answer key of a round's questions, kept in each web process so that saving and scoring an attempt read no
question row.

A key is the choices' count, the kind and the right choices of each question, never its text. A process keeps the
entries per round with the round's `key_version`, which every change or removal of a question raises (signals
below; the XLSX import only adds questions, and a question a process has not seen yet is read on first use). An
attempt is read together with its round, so a stale key is noticed without a query of its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import F

from .models import Question, Round

MAX_ROUNDS = 256  # rounds kept per process; the oldest half is dropped past it


@dataclass(frozen=True)
class KeyEntry:
    kind: str
    count: int  # how many choices the question has
    correct: frozenset[int]


# round pk → ((created_at, key_version), question pk → entry); the creation time tells a round from a later one
# that got the same pk back (SQLite after a rolled-back transaction, as in tests).
_keys: dict[int, tuple[tuple, dict[int, KeyEntry]]] = {}
_lock = threading.Lock()


def answer_key(round_: Round, question_ids: list[int]) -> dict[int, KeyEntry]:
    """Entries of `question_ids` that still exist (a removed question has none), at the round's key version."""
    version = (round_.created_at, round_.key_version)
    cached, entries = _keys.get(round_.pk, (None, None))
    if cached != version or entries is None:
        entries = {}
    missing = [pk for pk in question_ids if pk not in entries]
    if missing:
        rows = Question.objects.filter(pk__in=missing).values_list("pk", "kind", "choices")
        fresh = {pk: KeyEntry(kind, len(choices), frozenset(i for i, c in enumerate(choices) if c.get("correct")))
                 for pk, kind, choices in rows}
        entries = {**entries, **fresh}
        with _lock:
            if len(_keys) >= MAX_ROUNDS:
                for pk in list(_keys)[: MAX_ROUNDS // 2]:
                    _keys.pop(pk, None)
            _keys[round_.pk] = (version, entries)
    return {pk: entries[pk] for pk in question_ids if pk in entries}


def forget_keys(created: bool = False, **_kwargs) -> None:
    """A question changed or went: every round's key is read again (rounds are few, question edits rare). A new
    question is in no process's key yet, so adding one changes nothing."""
    if created:
        return
    Round.objects.update(key_version=F("key_version") + 1)
    _keys.clear()
