"""The peers, on the same documents and queries: SQLite FTS5, tantivy, and ripgrep.

FTS5 (from Python's own ``sqlite3``) indexes title and body with the ``porter`` tokenizer,
ranks with ``bm25()`` (title weighted 2, as docscope's title boost) and cuts snippets with
``snippet()``; each query also counts its matches, as docscope reports a total. tantivy (a
Rust library, Python bindings) uses its English stemming tokenizer, its snippet generator and
conjunction by default. ripgrep searches the files with no index at all.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from benchmarks.corpora import Corpus, documents
from benchmarks.queries import Query

LIMIT = 20


class Fts5:
    """An FTS5 table of the corpus in its own database file."""

    name = "SQLite FTS5"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "fts5.sqlite3"
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Corpus) -> float:
        """Index every document; returns the seconds it took."""
        if self.path.exists():
            self.path.unlink()
        started = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
            "tokenize='porter unicode61')"
        )
        batch: list[tuple[str, str, str]] = []
        for document in documents(corpus.path):
            batch.append((document.id, document.title, document.text))
            if len(batch) == 2000:
                db.executemany("INSERT INTO docs VALUES (?, ?, ?)", batch)
                batch = []
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", batch)
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        db.close()
        return time.perf_counter() - started

    def size(self) -> int:
        return self.path.stat().st_size

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, check_same_thread=False)

    def search(self, query: Query) -> int | None:
        """Top 20 with snippets, and the count; None when FTS5 has no equivalent."""
        if query.fts5 is None or self.db is None:
            return None
        rows = self.db.execute(
            "SELECT id, title, snippet(docs, 2, '[', ']', ' … ', 24) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 0.0, 2.0, 1.0) LIMIT ?",
            (query.fts5, LIMIT),
        ).fetchall()
        (total,) = self.db.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (query.fts5,)
        ).fetchone()
        assert len(rows) <= LIMIT
        return int(total)


class Tantivy:
    """A tantivy index of the corpus (skipped when the ``tantivy`` package is missing)."""

    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "tantivy"
        self.index = None
        self.searcher = None

    @staticmethod
    def available() -> bool:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return False
        return True

    @staticmethod
    def version() -> str:
        import tantivy

        return str(getattr(tantivy, "__version__", "?"))

    def build(self, corpus: Corpus, threads: int = 2) -> float:
        import tantivy

        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        started = time.perf_counter()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        index = tantivy.Index(builder.build(), path=str(self.path))
        writer = index.writer(heap_size=256_000_000, num_threads=threads)
        for document in documents(corpus.path):
            writer.add_document(
                tantivy.Document(id=document.id, title=document.title, body=document.text)
            )
        writer.commit()
        writer.wait_merging_threads()
        return time.perf_counter() - started

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.path))
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: Query) -> int | None:
        import tantivy

        if query.tantivy is None or self.index is None:
            return None
        parsed = self.index.parse_query(
            query.tantivy, ["title", "body"], field_boosts={"title": 2.0},
            conjunction_by_default=True,
        )
        result = self.searcher.search(parsed, LIMIT, count=True)
        snippets = tantivy.SnippetGenerator.create(
            self.searcher, parsed, self.index.schema, "body"
        )
        for _score, address in result.hits:
            document = self.searcher.doc(address)
            snippets.snippet_from_doc(document).fragment()
        return int(result.count)


class Ripgrep:
    """``rg`` over the corpus folder: no index; a query is one ``rg -l`` per word or phrase,
    combined as sets of files, then one more ``rg`` for the first matching line ("snippet")
    of at most 20 of them. There is no ranking."""

    name = "ripgrep (no index)"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.executable = shutil.which("rg")

    @staticmethod
    def version() -> str:
        rg = shutil.which("rg")
        if rg is None:
            return "not installed"
        return subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[0]

    def search(self, query: Query) -> int | None:
        if query.ripgrep is None or self.executable is None:
            return None
        files = self._files(query.ripgrep)
        chosen = sorted(files)[:LIMIT]
        if chosen:
            subprocess.run(
                [self.executable, "-i", "-m", "1", "--no-heading", "-e", _first_word(query.ripgrep), *chosen],
                capture_output=True,
                check=False,
            )
        return len(files)

    def _files(self, node: object) -> set[str]:
        kind = node[0]  # type: ignore[index]
        if kind == "word":
            done = subprocess.run(
                [self.executable, "-i", "-l", "--no-messages", "-e", node[1], str(self.folder)],  # type: ignore[index]
                capture_output=True,
                text=True,
                check=False,
            )
            return {line for line in done.stdout.split("\n") if line}
        left, right = self._files(node[1]), self._files(node[2])  # type: ignore[index]
        if kind == "and":
            return left & right
        if kind == "or":
            return left | right
        return left - right


def _first_word(node: object) -> str:
    while node[0] != "word":  # type: ignore[index]
        node = node[1]  # type: ignore[index]
    return node[1]  # type: ignore[index]


def run_all(engine: object, queries: Iterable[Query]) -> dict[str, int | None]:
    """Run every query once (a warm-up pass): text -> total."""
    return {q.text: engine.search(q) for q in queries}  # type: ignore[attr-defined]
