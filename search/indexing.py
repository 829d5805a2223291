"""Incremental text indexing: bring the Whoosh index and the catalog up to date with a corpus.

A refresh stats every file (cheap), reads only files whose size or modification time changed,
and re-indexes only documents whose content digest changed. Work is committed in batches:
Whoosh first (always ``update_document`` by id, so a repeated write never duplicates), then
the catalog. A refresh killed at any point leaves the last committed index usable, and the
next refresh redoes at most the batch that was in flight.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from search.catalog import Catalog, CatalogDocument
from search.codec import lean_writer
from search.segments import SegmentBuilders, install, remove_leftovers
from search.loading import SourceFile, iter_sources, read_failed, read_source
from search.recovery import file_of, stray_documents
from search.records import IndexReport, Progress, Skipped, SourceDocument, Unchanged

BATCH_DOCUMENTS = 2000
"""Commit after this many written documents..."""
BATCH_SECONDS = 10.0
"""...or after this long, so a first search sees documents soon."""
LOCK_TIMEOUT = 30.0
"""Seconds to wait for another writer (another docscope on the same corpus) to finish."""
PARALLEL_MIN_BYTES = 2_000_000
"""A refresh with at least this much to read builds segments in worker processes
(``search.segments``); a smaller one is done sooner here than workers start."""
PROCESSES = max(1, min(4, os.cpu_count() or 1))
"""Worker processes for a large refresh: one per core, at most four."""


def whoosh_fields(document: SourceDocument) -> dict[str, object]:
    """The Whoosh fields of a freshly loaded document (entity fields come with analysis)."""
    return {
        "id": document.id,
        "title": document.title,
        "body": document.text,
        "path": document.path,
        "size": document.size,
        "modified": document.modified if document.modified is not None else 0.0,
        "meta": dict(document.metadata),
    }


def count_words(text: str) -> int:
    """A cheap word count for the document list (analysis gives the careful one)."""
    return len(text.split())


def open_writer(index: Index) -> SegmentWriter:
    """One single-process writer: never Whoosh's multi-process writer, which forks.

    It is Whoosh's ``SegmentWriter`` with ``search.codec``'s faster parts. Segments are written
    as separate files, not one compound file: a searcher opens those in place, where Whoosh
    copies each part of a compound file into memory on every open.
    """
    return lean_writer(index, timeout=LOCK_TIMEOUT, delay=0.25)


@dataclass
class _Batch:
    """What has been written to the current Whoosh writer but not committed yet."""

    documents: list[CatalogDocument] = field(default_factory=list)
    files: list[tuple[str, int, int]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    most_documents: int = BATCH_DOCUMENTS
    most_seconds: float = BATCH_SECONDS

    def is_full(self) -> bool:
        return (
            len(self.documents) + len(self.removed) >= self.most_documents
            or time.monotonic() - self.started >= self.most_seconds
        )


class Refresh:
    """One refresh of one corpus: scan, then write changed documents in committed batches."""

    def __init__(
        self,
        index: Index,
        catalog: Catalog,
        corpus: Path,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        on_commit: Callable[[], None] | None = None,
        processes: int | None = None,
    ) -> None:
        self.index = index
        self.catalog = catalog
        self.corpus = corpus
        self.progress = progress or (lambda _p: None)
        self.cancel = cancel or threading.Event()
        self.on_commit = on_commit or (lambda: None)
        self.indexed: list[str] = []
        self.removed: list[str] = []
        self.skipped: list[Skipped] = []
        self.unchanged = 0
        self.bytes_indexed = 0
        self._strays: dict[str, set[str]] = {}
        """Whoosh documents the catalog does not list, by the changed file they came from."""
        self._digests: dict[str, dict[str, str]] = {}
        """What the catalog holds, by file: document id -> digest (read once, not per file)."""
        self.processes = PROCESSES if processes is None else max(1, processes)
        """Worker processes for a large refresh (1: everything in this process)."""
        self._builders: SegmentBuilders | None = None
        self._installed: list[Segment] = []
        """Segments the workers built that this refresh's commits installed."""
        self._writer: SegmentWriter | None = None
        self._batch = _Batch()
        self._gone_files: list[str] = []
        self._commits = 0

    def run(self) -> IndexReport:
        started = time.monotonic()
        sources = self._scan()
        self._check_corpus()
        known = self.catalog.files()
        self._digests = self._digests_by_file()
        changed = [s for s in sources if known.get(s.rel) != (s.size, s.mtime_ns)]
        changed_rels = {s.rel for s in changed}
        present = {s.rel for s in sources}
        unreadable = tuple(f"{skipped.file.rstrip('/')}/" for skipped in self.skipped)
        # A file whose documents were recorded but not its row (a refresh killed between
        # the two catalog writes) is known too, or its documents would outlive it.
        gone_files = sorted(
            rel
            for rel in known.keys() | self._digests.keys()
            if rel not in present and not rel.startswith(unreadable)
        )
        self.unchanged = self._count_documents_of(
            [rel for rel in known if rel in present and rel not in changed_rels]
        )
        stale = self._sort_strays(changed_rels)
        interrupted = False
        if changed or gone_files or stale:
            interrupted = self._write(changed, gone_files, stale)
        return IndexReport(
            indexed=tuple(self.indexed),
            unchanged=self.unchanged,
            removed=tuple(self.removed),
            skipped=tuple(self.skipped),
            elapsed=time.monotonic() - started,
            bytes_indexed=self.bytes_indexed,
            interrupted=interrupted,
        )

    def _scan(self) -> list[SourceFile]:
        sources: list[SourceFile] = []
        for item in iter_sources(self.corpus):
            if isinstance(item, Skipped):
                self.skipped.append(item)
            else:
                sources.append(item)
            if len(sources) % 500 == 0:
                self.progress(Progress("scan", len(sources), None))
        self.progress(Progress("scan", len(sources), len(sources)))
        return sources

    def _check_corpus(self) -> None:
        """A corpus that vanished during the walk looks like one whose files were all deleted:
        stop before anything is removed from the index."""
        if not os.path.exists(self.corpus):
            raise FileNotFoundError(errno.ENOENT, "the corpus has gone", str(self.corpus))

    def _sort_strays(self, changed_rels: set[str]) -> list[str]:
        """Strays of a changed file are re-read with it; the others are stale: returned."""
        stale = []
        for doc_id in stray_documents(self.index, self.catalog):
            rel = file_of(doc_id, changed_rels)
            if rel is None:
                stale.append(doc_id)
            else:
                self._strays.setdefault(rel, set()).add(doc_id)
        return stale

    def _digests_by_file(self) -> dict[str, dict[str, str]]:
        by_file: dict[str, dict[str, str]] = {}
        for file, doc_id, digest in self.catalog.query("SELECT file, id, digest FROM documents"):
            by_file.setdefault(file, {})[doc_id] = digest
        return by_file

    def _count_documents_of(self, rels: list[str]) -> int:
        return sum(len(self._digests.get(rel, ())) for rel in rels)

    def _write(self, changed: list[SourceFile], gone_files: list[str], stale: list[str]) -> bool:
        """Write every change; returns True when cancelled part-way (what was done is kept)."""
        writer = open_writer(self.index)
        try:
            whoosh_dir = Path(self.index.storage.folder)
            remove_leftovers(whoosh_dir)  # a killed parallel refresh's, whichever path runs now
            if self.processes > 1 and sum(s.size for s in changed) >= PARALLEL_MIN_BYTES:
                with SegmentBuilders(whoosh_dir, self.processes) as self._builders:
                    return self._write_all(writer, changed, gone_files, stale)
            return self._write_all(writer, changed, gone_files, stale)
        except BaseException:
            _abandon(self._writer or writer)
            raise
        finally:
            self._builders = None

    def _write_all(
        self,
        writer: SegmentWriter,
        changed: list[SourceFile],
        gone_files: list[str],
        stale: list[str],
    ) -> bool:
        self._writer = writer
        self._batch = self._new_batch()
        self._gone_files = gone_files
        total = len(changed)
        for doc_id in stale:
            writer.delete_by_term("id", doc_id)
            self._batch.removed.append(doc_id)
        for rel in gone_files:
            for doc_id in self._digests.get(rel, {}):
                writer.delete_by_term("id", doc_id)
                self._batch.removed.append(doc_id)
        for number, source in enumerate(changed, start=1):
            if self.cancel.is_set() or not self._write_file(source):
                self._commit(last=True)
                return True
            self.progress(Progress("index", number, total, source.shown))
            self._commit_when_full()
        self._commit(last=True)
        return False

    def _new_batch(self) -> _Batch:
        """Batches of one process commit every 2,000 documents or 10 seconds. With workers,
        every commit adds a segment per worker, and every query visits every segment: so they
        commit once after 10 seconds (the first documents are searchable as soon as in one
        process) and then once at the end."""
        if self._builders is None:
            return _Batch()
        seconds = BATCH_SECONDS if self._commits == 0 else float("inf")
        return _Batch(most_documents=1 << 62, most_seconds=seconds)

    def _commit_when_full(self) -> None:
        """Commit a full batch and start the next (in the middle of a large JSONL file too:
        its documents are searchable long before the whole file is read)."""
        if self._batch.is_full():
            self._commit()
            self._writer = open_writer(self.index)
            self._batch = self._new_batch()

    def _write_file(self, source: SourceFile) -> bool:
        """Write the changed documents of one file; False when cancelled part-way (the file is
        then not recorded as indexed, so the next refresh reads it again)."""
        previous: Mapping[str, str] = {
            **dict.fromkeys(self._strays.get(source.rel, ()), ""),
            **self._digests.get(source.rel, {}),
        }
        seen: set[str] = set()
        for item in read_source(source, self._digests.get(source.rel)):
            if isinstance(item, Unchanged):
                seen.add(item.id)
                self.unchanged += 1
                continue
            if isinstance(item, Skipped):
                self.skipped.append(item)
                if read_failed(item):
                    # Keep what the index has; the file is tried again next time. Unless the
                    # whole corpus has gone: then nothing of this batch may be committed.
                    self._check_corpus()
                    return True
                continue
            seen.add(item.id)
            self._put(self._writer, item, item.id in previous)
            self.indexed.append(item.id)
            self.bytes_indexed += item.size
            self._batch.documents.append(
                CatalogDocument(
                    id=item.id,
                    file=source.rel,
                    digest=item.digest,
                    title=item.title,
                    size=item.size,
                    modified=item.modified,
                    words=count_words(item.text),
                    encoding=item.encoding,
                )
            )
            if self.cancel.is_set():
                return False
            self._commit_when_full()
        for doc_id in previous.keys() - seen:
            self._writer.delete_by_term("id", doc_id)
            self._batch.removed.append(doc_id)
        self._batch.files.append((source.rel, source.size, source.mtime_ns))
        return True

    def _put(self, writer: SegmentWriter, item: SourceDocument, indexed_before: bool) -> None:
        """Write one document, replacing any version of it in the index."""
        if self._builders is None:
            writer.update_document(**whoosh_fields(item))
            return
        # The catalog lists every document Whoosh holds (strays included in ``previous``), so
        # only those can have an old version; it is deleted in the commit that adds the new.
        if indexed_before:
            writer.delete_by_term("id", item.id)
        self._builders.add(whoosh_fields(item))

    def _commit(self, last: bool = False) -> None:
        """Commit Whoosh, then the catalog: a crash between the two only makes the next
        refresh redo this batch. The last commit of a refresh with workers also merges the
        small segments its first commit made."""
        writer, batch, gone_files = self._writer, self._batch, self._gone_files
        if self._builders is None:
            writer.commit()
        else:
            early = self._installed if last else []
            self._installed += install(writer, self._builders.flush(), absorb=early)
        self._commits += 1
        self._gone_files = []
        self.catalog.forget_documents(batch.removed)
        self.catalog.record_documents(batch.documents)
        self.catalog.record_files(batch.files)
        self.catalog.forget_files(gone_files)
        self.removed.extend(batch.removed)
        self.on_commit()


def _abandon(writer: SegmentWriter) -> None:
    """Drop what ``writer`` holds after a failure, and free the write lock even if cancelling
    fails too (a full disk can fail both): a held lock would block every later refresh of
    this process."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:  # the original error is the one worth reporting; the lock must go
        lock = getattr(writer, "writelock", None)
        if lock is not None and getattr(lock, "fd", None) is not None:
            lock.release()
