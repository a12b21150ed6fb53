"""BM25F as Whoosh scores it, with the per-document field length read from a list instead of the column reader.

Ranking is identical to `whoosh.scoring.BM25F`; only the per-document work is smaller. Scoring the matches of
a common query in the province layer is most of a search's cost (pure Python), and the length lookup was half
of each score.
"""

from __future__ import annotations

import threading
import weakref

from whoosh import scoring

_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def field_lengths(reader, fieldname: str) -> list[int]:
    """Length of `fieldname` in every document of one segment reader, computed once per reader."""
    with _lock:
        per_reader = _lengths.setdefault(reader, {})
        lengths = per_reader.get(fieldname)
        if lengths is None:
            lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            per_reader[fieldname] = lengths
        return lengths


class _Scorer(scoring.BM25FScorer):
    def setup(self, searcher, fieldname, text) -> None:
        super().setup(searcher, fieldname, text)
        self._lengths = field_lengths(searcher.reader(), fieldname)
        self._num = self.idf * (self.K1 + 1)
        self._base = self.K1 * (1 - self.B)
        self._per_length = self.K1 * self.B / self.avgfl

    def score(self, matcher) -> float:
        tf = matcher.weight()
        return self._num * tf / (tf + self._base + self._per_length * self._lengths[matcher.id()])


class FastBM25F(scoring.BM25F):
    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _Scorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf=qf)
