"""The analysis pass: run the NLP pipeline over documents not yet analysed, and keep what it finds.

Results go to the catalog (mentions, quotes, figures) and into the document's entity fields in
Whoosh, so ``person:"Xi Jinping"`` can be searched. Like indexing, work is committed in
batches, Whoosh first; a killed pass loses at most the batch in flight and resumes where it
stopped, because "not analysed" is simply "no analysis row for this digest".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from whoosh.index import Index

from search.analysis.results import DocumentAnalysis
from search.catalog import Catalog
from search.indexing import open_writer
from search.records import AnalysisReport, Progress
from search.schema import ENTITY_FIELDS, LABEL_FIELDS, NAME_SEPARATOR

BATCH_DOCUMENTS = 200
BATCH_SECONDS = 15.0


def entity_fields(analysis: DocumentAnalysis) -> dict[str, str]:
    """The entity fields of one analysed document: every name and alias, one per line."""
    names: dict[str, set[str]] = {name: set() for name in ENTITY_FIELDS}
    for mention in analysis.mentions:
        forms = {mention.name, mention.text}
        names["entity"].update(forms)
        field = LABEL_FIELDS.get(mention.label)
        if field:
            names[field].update(forms)
    for quote in analysis.quotes:
        if quote.speaker:
            names["speaker"].add(quote.speaker)
    return {
        field: NAME_SEPARATOR.join(sorted(n.replace(NAME_SEPARATOR, " ") for n in values))
        for field, values in names.items()
        if values
    }


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
        if not batch:
            return
        current = {doc.id: doc.digest for doc in self.catalog.documents_by_id(r.document for r in batch)}
        fresh = [r for r in batch if current.get(r.document) == r.digest]
        if not fresh:
            return
        writer = open_writer(self.index)
        try:
            with self.index.searcher() as searcher:
                for result in fresh:
                    stored = searcher.document(id=result.document)
                    if stored is None:
                        continue
                    fields = dict(stored)
                    fields["words"] = fields.get("body", "")
                    fields.update(entity_fields(result))
                    writer.update_document(**fields)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.catalog.record_analysis(fresh, self.model)
        self.on_commit()
