"""The Library: the one service object that the explorer and the command line talk to.

A Library is one corpus (a folder, a file or a JSONL file) and its index. Opening one is cheap
and indexes nothing; ``refresh()`` brings the text index up to date and ``analyse()`` runs the
NLP pipeline over what has not been analysed yet. Every method is safe to call from any thread:
each call opens its own Whoosh searcher and SQLite connection and returns plain records.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from pathlib import Path

from search.records import (
    AnalysisReport,
    CorpusStats,
    Document,
    DocumentInfo,
    DocumentStats,
    Entity,
    IndexReport,
    Progress,
    Quote,
    SearchResult,
)

ProgressCallback = Callable[[Progress], None]


class CorpusError(Exception):
    """The corpus cannot be opened (missing path, unreadable folder, nothing to index)."""


class QueryError(ValueError):
    """A malformed query; ``str(error)`` is one line fit to show a user."""


class Library:
    """A corpus and its index. Build one with ``Library.open``."""

    corpus: Path
    """Absolute path of the corpus (folder or file)."""
    index_dir: Path
    """Folder holding the Whoosh index and the catalog."""
    model: str
    """The spaCy pipeline used for analysis."""

    @classmethod
    def open(
        cls,
        corpus: str | Path | None = None,
        index_dir: str | Path | None = None,
        model: str | None = None,
    ) -> Library:
        """Open ``corpus`` (default: the bundled seeds). Raises ``CorpusError``. Indexes nothing."""
        raise NotImplementedError

    # --- building ----------------------------------------------------------------------------

    def refresh(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> IndexReport:
        """Index added and changed documents, drop removed ones. Commits in batches."""
        raise NotImplementedError

    def analyse(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        processes: int | None = None,
    ) -> AnalysisReport:
        """Analyse every indexed document whose current version has no analysis yet."""
        raise NotImplementedError

    def needs_refresh(self) -> bool:
        """True when the corpus has files the index does not reflect (cheap: stats only)."""
        raise NotImplementedError

    def pending_analysis(self) -> int:
        """How many indexed documents still wait for analysis."""
        raise NotImplementedError

    # --- reading -----------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> SearchResult:
        """Ranked hits with snippets. Raises ``QueryError`` on a malformed query."""
        raise NotImplementedError

    def documents(self, sort: str = "title") -> list[DocumentInfo]:
        """Every indexed document, sorted by "title", "words" or "modified"."""
        raise NotImplementedError

    def document(self, doc_id: str) -> Document:
        """The whole cleaned document. Raises ``KeyError`` for an unknown id."""
        raise NotImplementedError

    def match_spans(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        """Character spans in the document's text that the query's terms match, in order."""
        raise NotImplementedError

    def entities(
        self,
        label: str | None = None,
        documents: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Entity]:
        """Entities (optionally of one label, within some documents), most mentioned first."""
        raise NotImplementedError

    def quotes(
        self,
        speaker: str | None = None,
        documents: Collection[str] | None = None,
    ) -> list[Quote]:
        """Quotes in document order; ``speaker`` matches canonical names and aliases."""
        raise NotImplementedError

    def document_stats(self, doc_id: str) -> DocumentStats:
        """Figures for one document (words and readability need its analysis)."""
        raise NotImplementedError

    def corpus_stats(self, top: int = 30) -> CorpusStats:
        """Figures for the whole corpus."""
        raise NotImplementedError
