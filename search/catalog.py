"""The catalog: what is indexed, in which version, and what analysis found in it (SQLite).

Whoosh answers text queries; the catalog answers everything that is a table: which files and
documents the index reflects (for incremental refreshes), the document list, and the
mentions, quotes and figures of analysis. Each method opens its own connection, so the
catalog can be used from any thread; WAL mode lets readers go on while a writer commits.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from search.analysis.names import entity_key
from search.analysis.results import DocumentAnalysis, QuoteFound
from search.resolution import Resolution, resolve
from search.schema import LABEL_FIELDS


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, file TEXT NOT NULL, digest TEXT NOT NULL, title TEXT NOT NULL,
    size INTEGER NOT NULL, modified REAL, words INTEGER NOT NULL, encoding TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_file ON documents (file);
CREATE TABLE IF NOT EXISTS analysis (
    document TEXT PRIMARY KEY, digest TEXT NOT NULL, model TEXT NOT NULL,
    words INTEGER NOT NULL, sentences INTEGER NOT NULL, paragraphs INTEGER NOT NULL,
    distinct_words INTEGER NOT NULL, readability REAL NOT NULL, grade_level REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    document TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    label TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, alias_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_document ON mentions (document);
CREATE INDEX IF NOT EXISTS mentions_key ON mentions (key, label);
CREATE INDEX IF NOT EXISTS mentions_alias ON mentions (alias_key);
CREATE TABLE IF NOT EXISTS quotes (
    document TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    speaker TEXT, speaker_key TEXT, cue TEXT, confidence REAL NOT NULL,
    speaker_label TEXT, id TEXT
);
CREATE INDEX IF NOT EXISTS quotes_document ON quotes (document);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes (speaker_key);
"""
_QUOTE_ID_INDEX = "CREATE INDEX IF NOT EXISTS quotes_id ON quotes (id)"
_GROUPS = """
CREATE TABLE IF NOT EXISTS mention_groups (
    key TEXT NOT NULL, label TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (key, label, name)
) WITHOUT ROWID
"""
"""Mentions counted by (key, label, name), kept as mentions come and go: what resolution reads.
Grouping news40k's 840,000 mentions took 3.9 s on every read; this table has 190,000 rows."""
_GROUPS_BUILT = "mention_groups_built"
_GENERATION = "analysis_generation"
"""The meta key counting the changes to stored analysis: what cached resolutions compare."""


def quote_ids(document: str, texts: Iterable[str]) -> list[str]:
    """Stable ids of a document's quotes, given their texts in document order: "q" and 12 hex
    digits of a hash of the document id, the text, and its occurrence number among equal
    texts of the document. The same quote keeps its id across re-analysis, whatever other
    quotes appear or go, as long as its own words and their order among repeats stand."""
    seen: Counter[str] = Counter()
    ids = []
    for text in texts:
        seen[text] += 1
        digest = hashlib.sha256(f"{document}\0{text}\0{seen[text]}".encode("utf-8", "surrogatepass"))
        ids.append("q" + digest.hexdigest()[:12])
    return ids


@dataclass(frozen=True)
class CatalogDocument:
    """A document row: what the index holds for one id."""

    id: str
    file: str
    digest: str
    title: str
    size: int
    modified: float | None
    words: int
    encoding: str


class Catalog:
    """The SQLite file beside the Whoosh index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._resolved: tuple[int, Resolution] | None = None
        self._resolving = threading.Lock()
        with self.connect() as db:
            # One write transaction taken up front: docscopes opening one new folder together
            # wait for each other here (the busy timeout) instead of one failing with
            # "database is locked" when its read of the schema turns into a write.
            db.executescript("BEGIN IMMEDIATE;" + _SCHEMA)
            _add_quote_columns(db)
            db.execute(_QUOTE_ID_INDEX)
            db.execute(_GROUPS)
            if db.execute("SELECT 1 FROM meta WHERE key = ?", (_GROUPS_BUILT,)).fetchone() is None:
                db.execute("DELETE FROM mention_groups")
                db.execute(
                    """INSERT INTO mention_groups SELECT key, label, name, COUNT(*) FROM mentions
                       GROUP BY key, label, name"""
                )
                db.execute("INSERT INTO meta VALUES (?, '1')", (_GROUPS_BUILT,))

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one unit of work, committed on success, rolled back on error."""
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                yield db
        finally:
            db.close()

    # --- meta --------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- files and documents -----------------------------------------------------------------

    def files(self) -> dict[str, tuple[int, int]]:
        """Every indexed file: path -> (size, mtime_ns) as seen when it was indexed."""
        with self.connect() as db:
            return {p: (s, m) for p, s, m in db.execute("SELECT path, size, mtime_ns FROM files")}

    def digests_of_file(self, file: str) -> dict[str, str]:
        """Ids and digests of the documents that came from one file."""
        with self.connect() as db:
            rows = db.execute("SELECT id, digest FROM documents WHERE file = ?", (file,))
            return dict(rows.fetchall())

    def record_documents(self, rows: Sequence[CatalogDocument]) -> None:
        with self.connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.id, r.file, r.digest, r.title, r.size, r.modified, r.words, r.encoding)
                    for r in rows
                ],
            )

    def record_files(self, files: Iterable[tuple[str, int, int]]) -> None:
        with self.connect() as db:
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", list(files))

    def forget_files(self, paths: Iterable[str]) -> None:
        with self.connect() as db:
            db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])

    def forget_documents(self, ids: Iterable[str]) -> None:
        """Drop documents and everything analysis found in them."""
        pairs = [(i,) for i in ids]
        with self.connect() as db:
            db.executemany("DELETE FROM documents WHERE id = ?", pairs)
            db.executemany("DELETE FROM analysis WHERE document = ?", pairs)
            _uncount_mentions(db, [doc_id for (doc_id,) in pairs])
            db.executemany("DELETE FROM mentions WHERE document = ?", pairs)
            db.executemany("DELETE FROM quotes WHERE document = ?", pairs)
            _bump_generation(db)

    def documents(self) -> list[CatalogDocument]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM documents").fetchall()
        return [CatalogDocument(*row) for row in rows]

    def document(self, doc_id: str) -> CatalogDocument | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return CatalogDocument(*row) if row else None

    def documents_by_id(self, ids: Iterable[str]) -> list[CatalogDocument]:
        wanted = list(dict.fromkeys(ids))
        found: list[CatalogDocument] = []
        with self.connect() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT * FROM documents WHERE id IN ({marks})", chunk)
                found.extend(CatalogDocument(*row) for row in rows)
        return found

    def document_count(self) -> int:
        with self.connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    # --- analysis ----------------------------------------------------------------------------

    def unanalysed(self, model: str) -> list[tuple[str, str, int]]:
        """(id, digest, words) of documents whose current version has no analysis by ``model``,
        shortest first: one huge document, analysed first, would keep every other waiting."""
        with self.connect() as db:
            rows = db.execute(
                """SELECT d.id, d.digest, d.words FROM documents d LEFT JOIN analysis a
                   ON a.document = d.id AND a.digest = d.digest AND a.model = ?
                   WHERE a.document IS NULL ORDER BY d.words, d.id""",
                (model,),
            )
            return rows.fetchall()

    def analysed_current(self, model: str) -> int:
        """How many documents' current versions were analysed by ``model`` (its rules too)."""
        with self.connect() as db:
            return int(
                db.execute(
                    """SELECT COUNT(*) FROM analysis a JOIN documents d
                       ON a.document = d.id AND a.digest = d.digest WHERE a.model = ?""",
                    (model,),
                ).fetchone()[0]
            )

    def record_analysis(self, results: Sequence[DocumentAnalysis], model: str) -> None:
        """Replace whatever was stored for these documents by their new analysis."""
        ids = [(r.document,) for r in results]
        with self.connect() as db:
            _uncount_mentions(db, [r.document for r in results])
            db.executemany("DELETE FROM mentions WHERE document = ?", ids)
            db.executemany("DELETE FROM quotes WHERE document = ?", ids)
            db.executemany(
                "INSERT OR REPLACE INTO analysis VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.document,
                        r.digest,
                        model,
                        r.figures.words,
                        r.figures.sentences,
                        r.figures.paragraphs,
                        r.figures.distinct_words,
                        r.figures.readability,
                        r.figures.grade_level,
                    )
                    for r in results
                ],
            )
            db.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.document, m.start, m.end, m.text, m.label, m.key, m.name, entity_key(m.text))
                    for r in results
                    for m in r.mentions
                ],
            )
            added = Counter((m.key, m.label, m.name) for r in results for m in r.mentions)
            _count_groups(db, [(*group, n) for group, n in added.items()])
            db.executemany(
                """INSERT INTO quotes (document, start, end, text, speaker, speaker_key, cue,
                   confidence, speaker_label, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [row for r in results for row in _quote_rows(r.document, r.quotes)],
            )
            _bump_generation(db)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read-only query (used by the library's aggregations)."""
        with self.connect() as db:
            return db.execute(sql, params).fetchall()

    # --- resolution --------------------------------------------------------------------------

    def generation(self) -> int:
        """How many times stored analysis changed: equal numbers, equal mentions."""
        value = self.get_meta(_GENERATION)
        return int(value) if value and value.isdigit() else 0

    def resolution(self) -> Resolution:
        """The corpus-level entity resolution of what is stored, computed once per generation
        (over distinct key, label and name groups, not mentions) and kept until analysis
        stores something new."""
        generation = self.generation()
        kept = self._resolved
        if kept is not None and kept[0] == generation:
            return kept[1]
        with self._resolving:
            kept = self._resolved
            if kept is not None and kept[0] == generation:
                return kept[1]
            groups = self.query("SELECT key, label, name, n FROM mention_groups WHERE n > 0")
            resolved = resolve(groups)
            self._resolved = (generation, resolved)
            return resolved

    def alias_owners(self, key: str) -> set[str]:
        """Stored keys of the entities that ``key`` names as an alias somewhere."""
        with self.connect() as db:
            rows = db.execute("SELECT DISTINCT key FROM mentions WHERE alias_key = ?", (key,))
            return {row[0] for row in rows}

    def quote_exists(self, quote_id: str) -> bool:
        with self.connect() as db:
            return db.execute("SELECT 1 FROM quotes WHERE id = ? LIMIT 1", (quote_id,)).fetchone() is not None


def _quote_rows(document: str, quotes: Sequence[QuoteFound]) -> list[tuple[object, ...]]:
    ordered = sorted(quotes, key=lambda q: (q.start, q.end))
    ids = quote_ids(document, (q.text for q in ordered))
    return [
        (document, q.start, q.end, q.text, q.speaker, q.speaker_key, q.cue, q.confidence,
         q.speaker_label, quote_id)
        for q, quote_id in zip(ordered, ids)
    ]


def _uncount_mentions(db: sqlite3.Connection, documents: Sequence[str]) -> None:
    """Take the stored mentions of ``documents`` out of ``mention_groups`` (before they go)."""
    removed: Counter[tuple[str, str, str]] = Counter()
    for start in range(0, len(documents), 500):
        chunk = documents[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for key, label, name, n in db.execute(
            f"""SELECT key, label, name, COUNT(*) FROM mentions WHERE document IN ({marks})
                GROUP BY key, label, name""",
            chunk,
        ):
            removed[(key, label, name)] += n
    if removed:
        _count_groups(db, [(*group, -n) for group, n in removed.items()])
        db.execute("DELETE FROM mention_groups WHERE n <= 0")


def _count_groups(db: sqlite3.Connection, changes: Sequence[tuple[str, str, str, int]]) -> None:
    db.executemany(
        """INSERT INTO mention_groups VALUES (?, ?, ?, ?) ON CONFLICT (key, label, name)
           DO UPDATE SET n = n + excluded.n""",
        changes,
    )


def _bump_generation(db: sqlite3.Connection) -> None:
    db.execute(
        """INSERT INTO meta VALUES (?, '1') ON CONFLICT (key)
           DO UPDATE SET value = CAST(value AS INTEGER) + 1""",
        (_GENERATION,),
    )


def _add_quote_columns(db: sqlite3.Connection) -> None:
    """Give a catalog an earlier docscope made the quote columns it lacks, and its quotes
    their ids (computed as ``record_analysis`` would have): the analysis stays valid."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(quotes)")}
    if "speaker_label" not in columns:
        db.execute("ALTER TABLE quotes ADD COLUMN speaker_label TEXT")
    if "id" in columns:
        return
    db.execute("ALTER TABLE quotes ADD COLUMN id TEXT")
    rows = db.execute("SELECT rowid, document, text FROM quotes ORDER BY document, start, end")
    updates: list[tuple[str, int]] = []
    for document, group in groupby(rows.fetchall(), key=itemgetter(1)):
        quotes = list(group)
        ids = quote_ids(document, (text for _rowid, _document, text in quotes))
        updates.extend(zip(ids, (rowid for rowid, _document, _text in quotes)))
    db.executemany("UPDATE quotes SET id = ? WHERE rowid = ?", updates)


FIELD_LABELS: dict[str, tuple[str, ...]] = {
    field: tuple(label for label, target in LABEL_FIELDS.items() if target == field)
    for field in set(LABEL_FIELDS.values())
}
"""The labels each entity field searches; ``entity`` and ``speaker`` are not limited."""
