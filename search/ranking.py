"""Ranking a query over whole posting lists with NumPy, instead of through Whoosh's matchers.

Whoosh scores a query by walking a tree of matcher objects one posting at a time in Python,
and docscope asks it to score every match (exact hit counts): on a 40,000-document corpus a
common word took 60 ms and three words 45 ms. Here each term's postings are read a block at a
time into arrays and BM25F is computed over all of them at once; AND, OR and NOT become
operations on one array per segment. The arithmetic is Whoosh's (``whoosh.scoring.bm25``, the
same stored weights, the same one-byte field lengths, the same idf and average lengths from
the whole index), and so is the order of ties (lower document number first), so the ranking is
the one Whoosh gives; a test compares the two on every kind of query.

Leaves this module does not score itself (phrases, entity sets) are scored by their own Whoosh
matcher, posting by posting, exactly as Whoosh would; a query whose shape is not understood
at all is left to Whoosh entirely (``rank`` returns None).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
import zlib
from pickle import loads

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search.codec import JoinedValues, LengthsInMemoryReader
from search.entity_filter import DocumentSet

Ranked = tuple[list[tuple[float, int]], int]
"""(the top (score, document number) pairs, best first; how many documents matched)."""


_NONE = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0)


class _Unsupported(Exception):
    """A query this module cannot rank exactly as Whoosh does: Whoosh ranks it."""


def rank(searcher: Searcher, parsed: query.Query, limit: int) -> Ranked | None:
    """The ``limit`` best documents for ``parsed`` and the number of matches, as Whoosh's
    ``TopCollector`` (scoring every match) would give them; None when Whoosh must do it."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F:
        return None
    best: list[tuple[float, int]] = []  # a min-heap of (score, -document number)
    total = 0
    statistics: dict[tuple[str, bytes], tuple[float, float]] = {}
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            segment = _Segment(searcher, subsearcher, weighting, statistics)
            matched, scores = segment.evaluate(parsed)
            matched &= segment.live()
            numbers = np.flatnonzero(matched)
            total += len(numbers)
            if not len(numbers):
                continue
            found = scores[numbers]
            if len(numbers) > limit:  # only the best ``limit`` can reach the top
                keep = np.argpartition(-found, limit - 1)[:limit]
                cutoff = found[keep].min()
                chosen = np.flatnonzero(found >= cutoff)  # every tie with the last
                numbers, found = numbers[chosen], found[chosen]
            for score, number in zip(found.tolist(), numbers.tolist()):
                item = (score, -(offset + number))
                if len(best) < limit:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
    except _Unsupported:
        return None
    top = sorted(best, reverse=True)
    return [(score, -negated) for score, negated in top], total


class _Segment:
    """One segment of the index: its documents as arrays (matched?, score)."""

    def __init__(
        self,
        top: Searcher,
        searcher: Searcher,
        weighting: BM25F,
        statistics: dict[tuple[str, bytes], tuple[float, float]],
    ) -> None:
        self.top = top
        self.statistics = statistics
        """(idf, average field length) of each term, from the whole index: shared by the
        segments of one query."""
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.weighting = weighting
        self.context = top.context()

    def live(self) -> np.ndarray:
        """Documents not deleted."""
        alive = np.ones(self.size, dtype=bool)
        if self.reader.has_deletions():
            deleted = [n for n in self.reader.deleted_docs_set if n < self.size]
            alive[deleted] = False
        return alive

    def nothing(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.size, dtype=bool), np.zeros(self.size)

    def evaluate(self, node: query.Query) -> tuple[np.ndarray, np.ndarray]:
        """(which documents match ``node``, their scores; 0 where they do not)."""
        if node is query.NullQuery or isinstance(node, query.NullQuery.__class__):
            return self.nothing()
        kind = type(node)
        if kind is query.Term:
            return self._term(node)
        if kind in (query.And, query.Or):
            return self._compound(node)
        if kind is query.AndNot:
            matched, scores = self.evaluate(node.a)
            excluded, _ = self.evaluate(node.b)
            matched &= ~excluded
            return matched, np.where(matched, scores, 0.0)
        if kind is query.Not:  # Whoosh's InverseMatcher: every other document, weight 1
            excluded, _ = self.evaluate(node.query)
            matched = ~excluded
            return matched, matched * 1.0
        if kind is query.ConstantScoreQuery:
            matched, _ = self.evaluate(node.child)
            return matched, matched * float(node.score)
        if kind is query.Phrase:
            return self._phrase(node)
        if isinstance(node, (DocumentSet, query.Ordered, query.Sequence)):
            return self._by_matcher(node)  # entity sets and rare shapes: Whoosh's own matcher
        raise _Unsupported(kind.__name__)

    def _compound(self, node: query.And | query.Or) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, query.Or) and (node.scale or node.minmatch):
            raise _Unsupported("Or with a coordination bonus")
        subqueries = node.subqueries
        if not subqueries:
            return self.nothing()
        matched, scores = self.nothing()
        conjunction = isinstance(node, query.And)
        if conjunction:
            matched[:] = True
        for sub in subqueries:
            if not conjunction and type(sub) is query.Term:
                # The usual OR (a word in title or body, a wildcard's words): no array per term.
                numbers, found = self._term_postings(sub)
                matched[numbers] = True
                scores[numbers] += found
                continue
            sub_matched, sub_scores = self.evaluate(sub)
            if conjunction:
                matched &= sub_matched
            else:
                matched |= sub_matched
            scores += sub_scores
        if len(subqueries) > 1 and node.boost != 1.0:
            scores *= node.boost
        return matched, np.where(matched, scores, 0.0)

    def _term(self, node: query.Term) -> tuple[np.ndarray, np.ndarray]:
        numbers, found = self._term_postings(node)
        matched, scores = self.nothing()
        matched[numbers] = True
        scores[numbers] = found
        return matched, scores

    def _term_postings(self, node: query.Term) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of a term's postings in this segment."""
        fieldname = node.fieldname
        schema = self.top.schema
        if fieldname not in schema:
            return _NONE, _NO_SCORES
        try:
            text = schema[fieldname].to_bytes(node.text)
        except ValueError:
            return _NONE, _NO_SCORES
        scored = self._scored(fieldname, text)
        if scored is None:
            return _NONE, _NO_SCORES
        numbers, found, _values = scored
        if node.boost != 1.0:
            found = found * node.boost
        return numbers, found

    def _scored(
        self, fieldname: str, text: bytes, values: bool = False
    ) -> tuple[np.ndarray, np.ndarray, Sequence[bytes]] | None:
        """(document numbers, BM25F scores, and with ``values`` the encoded positions) of
        one term's postings in this segment; None when the segment lacks the term."""
        if not self.top.schema[fieldname].scorable:
            raise _Unsupported(f"unscored field {fieldname}")
        try:
            postings = self.reader.postings(fieldname, text)
        except TermNotFound:
            return None
        numbers, weights, encoded = _postings(postings, values)
        lengths = self._lengths(fieldname)[numbers]
        weighting = self.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        statistics = self.statistics.get((fieldname, text))
        if statistics is None:
            statistics = self.statistics[(fieldname, text)] = (
                self.top.idf(fieldname, text),
                self.top.avg_field_length(fieldname) or 1,
            )
        idf, average = statistics
        # whoosh.scoring.bm25, term for term
        found = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average)))
        return numbers, found, encoded

    def _phrase(self, node: query.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's ``Phrase`` with its default slop: documents where the words stand next to
        each other in order, scored as the sum of the words' scores (Whoosh's
        ``SpanNear2Matcher`` scores the intersection of its terms). Positions are read only
        for documents holding every word."""
        fieldname = node.fieldname
        schema = self.top.schema
        if fieldname not in schema:
            return self.nothing()
        field = schema[fieldname]
        if node.slop != 1 or not field.format or not field.format.supports("positions"):
            return self._by_matcher(node)  # Whoosh decides (and raises for no positions)
        lists = []
        for word in node.words:
            try:
                scored = self._scored(fieldname, field.to_bytes(word), values=True)
            except ValueError:
                scored = None
            if scored is None:
                return self.nothing()
            lists.append(scored)
        candidates = lists[0][0]
        for numbers, _found, _values in lists[1:]:
            candidates = np.intersect1d(candidates, numbers, assume_unique=True)
        where = [np.searchsorted(numbers, candidates) for numbers, _found, _values in lists]
        decode = field.format.decode_positions
        kept: list[int] = []
        for row, number in enumerate(candidates.tolist()):
            starts = set(decode(lists[0][2][where[0][row]]))
            for offset in range(1, len(lists)):
                following = decode(lists[offset][2][where[offset][row]])
                starts &= {position - offset for position in following}
                if not starts:
                    break
            if starts:
                kept.append(row)
        rows = np.array(kept, dtype=np.int64)
        found = np.zeros(len(rows))
        for (numbers, term_scores, _values), places in zip(lists, where):
            found += term_scores[places[rows]]
        if node.boost != 1.0:
            found = found * node.boost
        matched, scores = self.nothing()
        matched[candidates[rows]] = True
        scores[candidates[rows]] = found
        return matched, scores

    def _lengths(self, fieldname: str) -> np.ndarray:
        perdoc = getattr(self.reader, "_perdoc", None)
        if not isinstance(perdoc, LengthsInMemoryReader):
            raise _Unsupported("a segment not written by docscope's codec")
        return perdoc.length_array(fieldname)

    def _by_matcher(self, node: query.Query) -> tuple[np.ndarray, np.ndarray]:
        matched, scores = self.nothing()
        matcher = node.matcher(self.searcher, self.context)
        while matcher.is_active():
            number = matcher.id()
            matched[number] = True
            scores[number] = matcher.score()
            matcher.next()
        return matched, scores


def _postings(
    matcher: object, values: bool = False
) -> tuple[np.ndarray, np.ndarray, Sequence[bytes]]:
    """(document numbers, weights, and with ``values`` each posting's value) of a term's
    postings. Deleted documents are included: ``rank`` removes them once, at the end."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if type(matcher) is W3LeafMatcher and not matcher._byteids:
        return _blocks(matcher, values)
    numbers: list[int] = []
    weights: list[float] = []
    encoded: list[bytes] = []
    while matcher.is_active():  # an inlined posting list: one or two documents
        numbers.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            encoded.append(matcher.value())
        matcher.next()
    return np.array(numbers, dtype=np.int64), np.array(weights, dtype=np.float64), encoded


def _blocks(matcher: W3LeafMatcher, values: bool) -> tuple[np.ndarray, np.ndarray, JoinedValues]:
    """Every block of a posting list, decoded without stepping through its postings (what
    ``W3LeafMatcher._read_data``, ``_read_ids``, ``_read_weights`` and ``_read_values`` do,
    a block at once)."""
    numbers: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    encoded = JoinedValues()
    postfile = matcher._postfile
    while not matcher._atend:
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = zlib.decompress(data)
        block = loads(data)
        numbers.append(np.cumsum(np.asarray(block[0], dtype=np.int64)))
        count = matcher._blocklength
        block_weights = block[1]
        if block_weights is None:
            weights.append(np.ones(count))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if values:
            if matcher._fixedsize is not None and matcher._fixedsize >= 0:
                raise _Unsupported("fixed-size posting values")
            encoded.add(block[2])
        matcher._next_block()
    if not numbers:
        return np.zeros(0, dtype=np.int64), np.zeros(0), encoded
    return np.concatenate(numbers), np.concatenate(weights), encoded
