"""The analysis pass: run the NLP pipeline over documents not yet analysed, and keep what it finds.

Results go to the catalog only (mentions, quotes, figures); entity field queries such as
``person:"Xi Jinping"`` are answered from there (``search.entity_filter``), so analysis never
rewrites the Whoosh index. Work is committed in batches; a killed pass loses at most the
batch in flight and resumes where it stopped, because "not analysed" is simply "no analysis
row for this digest and model". A long document killed part-way is analysed again from its
start: its pieces are only kept in memory until its last one is done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from whoosh.index import Index

from search.analysis.results import DocumentAnalysis, PieceAnalysed
from search.catalog import Catalog
from search.records import AnalysisReport, Progress

RULES_VERSION = "14"
"""The version of docscope's own analysis rules (entity cleaning and joining, quotes and
speakers). It is stored with the model's name, so an analysis an older docscope made is
pending again when the rules change: an upgrade re-analyses in the background, and the old
analysis is shown until the new one replaces it."""


def analysis_stamp(model: str) -> str:
    """What the catalog stores as the analysis' maker: the pipeline and the rules version."""
    return f"{model}+rules{RULES_VERSION}"

BATCH_DOCUMENTS = 200
"""Commit after this many documents..."""
BATCH_SECONDS = 15.0
"""...or after this long; and whenever a long document starts to hold the stream (its first
piece comes back), so that what finished before it is not kept waiting for it. Pending
documents come shortest first (``Catalog.unanalysed``): in a folder of twelve articles and one
50 MB file, the articles are committed within seconds, not after the hour the big one takes."""


class AnalysisPass:
    """One analysis pass over whatever the catalog says is pending."""

    def __init__(
        self,
        index: Index,
        catalog: Catalog,
        model: str,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        processes: int | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.index = index
        self.catalog = catalog
        self.model = model
        self.progress = progress or (lambda _p: None)
        self.cancel = cancel or threading.Event()
        self.processes = processes
        self.on_commit = on_commit or (lambda: None)

    def run(self) -> AnalysisReport:
        from search.analysis.pipeline import analyse_texts, default_processes, usable_processes

        started = time.monotonic()
        pending = self.catalog.unanalysed(analysis_stamp(self.model))
        processes = (
            usable_processes(self.processes) if self.processes else default_processes(len(pending))
        )
        if not pending:
            return AnalysisReport(0, 0, 0.0, processes, self.model)
        tally = _WordTally({doc_id: words for doc_id, _, words in pending})
        self.progress(tally.progress())
        words = 0
        batch: list[DocumentAnalysis] = []
        batch_started = time.monotonic()
        results = analyse_texts(
            self._texts(pending), model=self.model, processes=processes, cancel=self.cancel
        )
        for outcome in results:
            if isinstance(outcome, PieceAnalysed):
                due = tally.piece(outcome) and bool(batch)
            else:
                batch.append(outcome)
                words += outcome.figures.words
                tally.finish(outcome.document)
                due = len(batch) >= BATCH_DOCUMENTS
            self.progress(tally.progress(outcome.document))
            if due or time.monotonic() - batch_started > BATCH_SECONDS:
                self._commit(batch)
                batch, batch_started = [], time.monotonic()
            if self.cancel.is_set():
                break
        self._commit(batch)
        return AnalysisReport(
            analysed=tally.documents,
            words=words,
            elapsed=time.monotonic() - started,
            processes=processes,
            model=self.model,
            interrupted=self.cancel.is_set() and tally.documents < len(pending),
        )

    def _texts(self, pending: Sequence[tuple[str, str, int]]) -> Iterator[tuple[str, str, str]]:
        with self.index.searcher() as searcher:
            for doc_id, digest, _ in pending:
                if self.cancel.is_set():
                    return
                stored = searcher.document(id=doc_id)
                if stored is not None:
                    yield doc_id, digest, stored.get("body", "")

    def _commit(self, batch: list[DocumentAnalysis]) -> None:
        """Keep the results whose document has not changed since it was read."""
        if not batch:
            return
        current = {
            doc.id: doc.digest for doc in self.catalog.documents_by_id(r.document for r in batch)
        }
        fresh = [r for r in batch if current.get(r.document) == r.digest]
        if fresh:
            self.catalog.record_analysis(fresh, analysis_stamp(self.model))
            self.on_commit()


class _WordTally:
    """How far a pass got, in documents and in words (as the catalog counted them at indexing).

    A finished document counts whole; a long one under way counts by the share of its
    characters analysed, so progress moves during the hour a 50 MB document takes."""

    def __init__(self, words: dict[str, int]) -> None:
        self.words = words
        self.total = len(words)
        self.words_total = sum(words.values())
        self.documents = 0
        self.words_finished = 0
        self.under_way: dict[str, int] = {}
        """Long documents started and not finished: the words of their part done."""

    def piece(self, piece: PieceAnalysed) -> bool:
        """Count a piece done; True for a document's first piece."""
        first = piece.document not in self.under_way
        share = piece.done / piece.total if piece.total else 0.0
        self.under_way[piece.document] = int(self.words.get(piece.document, 0) * share)
        return first

    def finish(self, document: str) -> None:
        self.under_way.pop(document, None)
        self.documents += 1
        self.words_finished += self.words.get(document, 0)

    def progress(self, current: str = "") -> Progress:
        done = self.words_finished + sum(self.under_way.values())
        return Progress("analyse", self.documents, self.total, current, done, self.words_total)
