"""Open Whoosh searchers, kept between queries and refreshed when the index changes.

Opening a searcher opens every segment's files and reads their headers; on a 40,000-document
index that took longer than the query itself. A pool keeps searchers that are not in use and
hands each to one thread at a time (Whoosh readers are not safe to share between threads).
A searcher taken from the pool is checked first (one directory listing) and replaced by a new
one when a commit has happened since. Not with Whoosh's ``Searcher.refresh()``: in
whoosh-reloaded 2.7.5 it keeps the segments a commit merged or replaced, so deleted and
updated documents come back (twice).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.index import Index
from whoosh.searching import Searcher

KEEP = 4
"""Idle searchers kept open: more than the explorer's concurrent readers ever need."""


class SearcherPool:
    """Searchers over one index, lent to one thread at a time."""

    def __init__(self, index: Index, keep: int = KEEP) -> None:
        self._index = index
        self._keep = keep
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest committed version of the index, for this thread only."""
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is not None and not searcher.up_to_date():
            _close(searcher)
            searcher = None
        if searcher is None:
            searcher = self._index.searcher()
        try:
            yield searcher
        finally:
            with self._lock:
                if len(self._idle) < self._keep:
                    self._idle.append(searcher)
                    searcher = None
            if searcher is not None:
                _close(searcher)

    def close(self) -> None:
        """Close every idle searcher (those lent out close when they come back)."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._keep = 0
        for searcher in idle:
            _close(searcher)


def _close(searcher: Searcher) -> None:
    try:
        searcher.close()
    except OSError:
        pass
