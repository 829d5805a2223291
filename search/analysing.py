"""The analysis pass: run the NLP pipeline over documents not yet analysed, and keep what it finds.

Results go to the catalog only (mentions, quotes, figures); entity field queries such as
``person:"Xi Jinping"`` are answered from there (``search.entity_filter``), so analysis never
rewrites the Whoosh index. Work is committed in batches; a killed pass loses at most the
batch in flight and resumes where it stopped, because "not analysed" is simply "no analysis
row for this digest and model".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from whoosh.index import Index

from search.analysis.results import DocumentAnalysis
from search.catalog import Catalog
from search.records import AnalysisReport, Progress

BATCH_DOCUMENTS = 200
BATCH_SECONDS = 15.0


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
        from search.analysis.pipeline import analyse_texts, default_processes

        started = time.monotonic()
        pending = self.catalog.unanalysed(self.model)
        processes = self.processes or default_processes(len(pending))
        if not pending:
            return AnalysisReport(0, 0, 0.0, processes, self.model)
        self.progress(Progress("analyse", 0, len(pending)))
        analysed = words = 0
        batch: list[DocumentAnalysis] = []
        batch_started = time.monotonic()
        results = analyse_texts(
            self._texts(pending), model=self.model, processes=processes, cancel=self.cancel
        )
        for result in results:
            batch.append(result)
            analysed += 1
            words += result.figures.words
            self.progress(Progress("analyse", analysed, len(pending), result.document))
            if len(batch) >= BATCH_DOCUMENTS or time.monotonic() - batch_started > BATCH_SECONDS:
                self._commit(batch)
                batch, batch_started = [], time.monotonic()
            if self.cancel.is_set():
                break
        self._commit(batch)
        return AnalysisReport(
            analysed=analysed,
            words=words,
            elapsed=time.monotonic() - started,
            processes=processes,
            model=self.model,
            interrupted=self.cancel.is_set() and analysed < len(pending),
        )

    def _texts(self, pending: Sequence[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
        with self.index.searcher() as searcher:
            for doc_id, digest in pending:
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
            self.catalog.record_analysis(fresh, self.model)
            self.on_commit()
