"""Keeping an index usable: health checks on open, rebuilds, stray documents, clear errors.

The corpus is the source of truth and the index is a cache of it, so an index that cannot be
trusted is never patched up: it is wiped and rebuilt from the corpus, and the user is told why.
An index needs rebuilding when it was made by another docscope version (its ``VERSION`` file
differs or is missing while index files exist), or when it is damaged: a Whoosh table of
contents or segment that cannot be read, a segment file changed after it was written, or a
catalog SQLite cannot open or check. These checks are cheap (a few file reads and ``stat``
calls), because they run on every open.

Nothing is created, deleted or overwritten in a folder before ``search.ownership`` has proven
it docscope's (its marker file); even then only the index's own files are deleted, Whoosh's by
their names. Everything that deletes index files holds Whoosh's own write lock
(``MAIN_WRITELOCK``, an ``fcntl`` lock: the kernel releases it when its process dies, so a lock
left by a killed docscope never blocks anyone, and the file merely existing means nothing).
Another docscope writing the same index is waited for, never overrun.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, Index, LockError
from whoosh.reading import IndexReader
from whoosh.util.filelock import try_for

from search.catalog import Catalog
from search.document_ids import file_part
from search.errors import CorpusError
from search.ownership import claim, is_ours
from search.schema import SCHEMA_VERSION, build_schema
from search.segments import FOLDER_PREFIX

__all__ = [
    "describe_failure",
    "file_of",
    "index_problem",
    "open_index",
    "stray_documents",
]

WHOOSH_DIR = "whoosh"
CATALOG_FILE = "catalog.sqlite3"
VERSION_FILE = "VERSION"
_CATALOG_FILES = tuple(CATALOG_FILE + end for end in ("", "-wal", "-shm", "-journal"))
_LOCK_NAME = "MAIN_WRITELOCK"
"""The file Whoosh's ``FileIndex.lock("WRITELOCK")`` locks: holding it keeps writers out."""
_INDEX_NAME = "MAIN"
_TOC = re.compile(rf"^_{_INDEX_NAME}_[0-9]+\.toc$")
_WHOOSH_FILE = re.compile(rf"^_?{_INDEX_NAME}_")
"""Whoosh's own files for our index: segments (``MAIN_<id>.<ext>``) and tables of contents."""

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another docscope's writer before giving up on a rebuild."""
QUICK_CHECK_MAX_BYTES = 64 * 2**20
"""SQLite's ``quick_check`` reads the whole catalog (about 0.4 s per 100 MB): above this size
only its header, schema and document table are read on open."""
_REQUIRED_TABLES = frozenset({"meta", "files", "documents", "analysis", "mentions", "quotes"})
_OPEN_RETRIES = 5
"""A writer in another process may delete a segment just as it is checked: look again."""


# --- opening ---------------------------------------------------------------------------------


def open_index(index_dir: Path) -> tuple[FileIndex, str | None]:
    """Open the Whoosh index in ``index_dir`` (creating it if new) and make the catalog safe.

    Returns the index and a one-line notice for the user when something had to be repaired
    (None when all was well). An index that needs a rebuild is wiped here; the next
    ``refresh`` then indexes the whole corpus again. Raises ``CorpusError`` for a folder
    docscope did not make (``ownership.claim``), and when another docscope holds the write
    lock for longer than ``LOCK_TIMEOUT`` while a rebuild waits.
    """
    claim(index_dir)
    notice = None
    problem = index_problem(index_dir)
    if problem is not None and _rebuild(index_dir):
        notice = f"{problem}: rebuilding it from the corpus"
    index = _open_or_create(index_dir)
    missing = _forget_unindexed(index, index_dir / CATALOG_FILE)
    if missing and notice is None:
        notice = (
            f"{missing:,} document{'s' if missing != 1 else ''} missing from the full-text "
            "index will be indexed again"
        )
    return index, notice


def index_problem(index_dir: Path) -> str | None:
    """Why the index in ``index_dir`` cannot be used as it is, in a few words; None if it can.

    A folder with no index files at all is not a problem: it is a new index.
    """
    whoosh_dir = index_dir / WHOOSH_DIR
    catalog = index_dir / CATALOG_FILE
    version_file = index_dir / VERSION_FILE
    try:
        version = version_file.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        if _has_toc(whoosh_dir) or catalog.exists():
            return (
                "the index has no version file "
                "(an older docscope made it, or was stopped making it)"
            )
        return None
    except OSError as error:
        return f"the index version cannot be read ({_why(error)})"
    if version != str(SCHEMA_VERSION):
        shown = version[:20] if version.isprintable() else "unreadable"
        return (
            f"the index was made by another docscope version "
            f"(format {shown}, not {SCHEMA_VERSION})"
        )
    return _whoosh_problem(whoosh_dir, catalog) or _catalog_problem(catalog)


def _whoosh_problem(whoosh_dir: Path, catalog: Path) -> str | None:
    if whoosh_dir.exists() and not whoosh_dir.is_dir():
        return "the full-text index is damaged (its folder is a file)"
    if not _has_toc(whoosh_dir):
        if _catalog_count(catalog):
            return "the full-text index is missing"
        return None
    for attempt in range(_OPEN_RETRIES):
        try:
            return _check_whoosh(whoosh_dir)
        except FileNotFoundError:
            if attempt == _OPEN_RETRIES - 1:
                return "the full-text index is damaged (a segment file is missing)"
            time.sleep(0.05)
        except Exception as error:  # Whoosh raises anything on damaged bytes: all mean "damaged"
            return f"the full-text index is damaged ({_error_words(error)})"
    return None


def _has_toc(whoosh_dir: Path) -> bool:
    """Whether ``whoosh_dir`` holds a Whoosh table of contents (without reading it)."""
    try:
        return any(_TOC.match(name) for name in os.listdir(whoosh_dir))
    except (FileNotFoundError, NotADirectoryError):
        return False


def _check_whoosh(whoosh_dir: Path) -> str | None:
    """Open the latest table of contents and every segment; check segments are unchanged.

    Whoosh writes a segment's files, then the table of contents that lists them, and never
    changes a segment file afterwards (deletions live in the table of contents). So a listed
    segment file newer than the table of contents has been altered since: garbled by hand,
    by a disk fault, or by a copy gone wrong.
    """
    storage = FileStorage(str(whoosh_dir))
    index = FileIndex(storage, indexname=_INDEX_NAME)  # reads (and checks) the latest TOC
    generation = index.latest_generation()
    toc_time = os.stat(whoosh_dir / f"_{_INDEX_NAME}_{generation}.toc").st_mtime_ns
    names = os.listdir(whoosh_dir)
    for segment in index._segments():
        prefix = f"{segment.segment_id()}."
        files = [name for name in names if name.startswith(prefix)]
        if not files:
            raise FileNotFoundError(errno.ENOENT, "segment missing", segment.segment_id())
        for name in files:
            if os.stat(whoosh_dir / name).st_mtime_ns > toc_time:
                return f"the full-text index is damaged ({name} changed after it was written)"
    with index.reader() as reader:
        reader.doc_count()
        for leaf, _offset in reader.leaf_readers():
            _touch_segment(leaf)
    return None


def _touch_segment(leaf: IndexReader) -> None:
    """Read a little of every file of one segment (stored fields, field lengths, the terms
    and postings of each field), so a missing or truncated one shows now, not mid-search."""
    last = leaf.doc_count_all() - 1
    if last < 0:
        return
    leaf.stored_fields(0)
    leaf.stored_fields(last)
    for fieldname in leaf.indexed_field_names():
        if leaf.schema[fieldname].scorable and leaf.field_length(fieldname) > 0:
            # Whoosh answers a default for a missing length column, and ranks silently worse.
            if leaf.doc_field_length(last, fieldname, -1) == -1:
                raise FileNotFoundError(errno.ENOENT, "field lengths missing", fieldname)
        for term in leaf.lexicon(fieldname):
            postings = leaf.postings(fieldname, term)  # opens the field's terms and postings
            if postings.is_active():  # (not when every document with the term is deleted)
                postings.id()
            break


def _catalog_problem(catalog: Path) -> str | None:
    if not catalog.exists():
        return None
    try:
        db = sqlite3.connect(catalog, timeout=30)
        try:
            if catalog.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                check = db.execute("PRAGMA quick_check").fetchall()
                if check != [("ok",)]:
                    return f"the catalog is damaged ({_one_line(str(check[0][0]))})"
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "documents" in tables:
                db.execute("SELECT COUNT(*) FROM documents").fetchone()
        finally:
            db.close()
    except sqlite3.OperationalError as error:
        raise CorpusError(f"cannot open the catalog {catalog}: {_error_words(error)}") from None
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed"
        return f"the catalog is damaged ({_error_words(error)})"
    if tables and not _REQUIRED_TABLES <= tables:
        return "the catalog is incomplete (tables are missing)"
    return None


def _catalog_count(catalog: Path) -> int:
    """How many documents the catalog lists (0 when it is missing or unreadable)."""
    if not catalog.exists():
        return 0
    try:
        db = sqlite3.connect(catalog, timeout=30)
        try:
            return int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


# --- rebuilding ------------------------------------------------------------------------------


def _rebuild(index_dir: Path) -> bool:
    """Wipe the index files (never anything else in the folder), holding the write lock.

    Returns False when, once the lock was ours, the index turned out fine after all: another
    docscope rebuilt it while this one waited.
    """
    _require_ours(index_dir)
    whoosh_dir = index_dir / WHOOSH_DIR
    if whoosh_dir.is_symlink() or (whoosh_dir.exists() and not whoosh_dir.is_dir()):
        whoosh_dir.unlink()
    whoosh_dir.mkdir(parents=True, exist_ok=True)
    with _write_lock(whoosh_dir):
        if index_problem(index_dir) is None:
            return False
        for entry in whoosh_dir.iterdir():
            if entry.name == _LOCK_NAME:
                continue
            if entry.name.startswith(FOLDER_PREFIX) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)  # an indexing worker's folder
            elif _WHOOSH_FILE.match(entry.name) and not entry.is_dir():
                entry.unlink()
        for name in (*_CATALOG_FILES, VERSION_FILE):
            (index_dir / name).unlink(missing_ok=True)
        _create(index_dir)
    return True


def _open_or_create(index_dir: Path) -> FileIndex:
    """Open the index, or create it under the write lock (two first opens must not race:
    creating an index deletes every table of contents, another process's included)."""
    whoosh_dir = index_dir / WHOOSH_DIR
    if _has_toc(whoosh_dir):
        return whoosh_index.open_dir(str(whoosh_dir))
    whoosh_dir.mkdir(parents=True, exist_ok=True)
    with _write_lock(whoosh_dir):
        if not _has_toc(whoosh_dir):
            _create(index_dir)
    return whoosh_index.open_dir(str(whoosh_dir))


def _create(index_dir: Path) -> None:
    _require_ours(index_dir)
    whoosh_index.create_in(str(index_dir / WHOOSH_DIR), build_schema())
    temporary = index_dir / f"{VERSION_FILE}.tmp"
    temporary.write_text(f"{SCHEMA_VERSION}\n", encoding="utf-8")
    temporary.replace(index_dir / VERSION_FILE)


def _require_ours(index_dir: Path) -> None:
    """The last guard before writing over index files: the folder must carry our marker."""
    if not is_ours(index_dir):
        raise CorpusError(f"refusing to change {index_dir}: docscope did not make it")


@contextmanager
def _write_lock(whoosh_dir: Path) -> Iterator[None]:
    """Hold Whoosh's write lock on ``whoosh_dir``, waiting up to ``LOCK_TIMEOUT`` seconds."""
    lock = FileStorage(str(whoosh_dir)).lock(_LOCK_NAME)
    if not try_for(lock.acquire, timeout=LOCK_TIMEOUT, delay=0.1):
        raise CorpusError(
            f"another docscope is writing the index in {whoosh_dir.parent}; "
            "try again when it has finished"
        )
    try:
        yield
    finally:
        lock.release()


# --- catalog and Whoosh agreeing -------------------------------------------------------------


def _forget_unindexed(index: FileIndex, path: Path) -> int:
    """Make the catalog forget documents Whoosh does not have, so the next refresh reads
    their files again; return how many there were.

    Whoosh is written before the catalog, so this only happens when a deletion was
    interrupted between the two, or when Whoosh lost documents. Forgetting is safe even
    while another docscope is deleting the same documents: it does what that one is about to.
    The common case costs two counts.
    """
    if not path.exists():
        return 0
    catalog = Catalog(path)
    whoosh_count = sum(segment.doc_count() for segment in index._segments())  # no reader opened
    if whoosh_count >= catalog.document_count():
        return 0
    with index.searcher() as searcher:
        missing = [
            (doc_id, file)
            for doc_id, file in catalog.query("SELECT id, file FROM documents")
            if searcher.document_number(id=doc_id) is None
        ]
    catalog.forget_files(file for _doc_id, file in missing)
    catalog.forget_documents(doc_id for doc_id, _file in missing)
    return len(missing)


def stray_documents(index: Index, catalog: Catalog) -> set[str]:
    """Ids Whoosh holds that the catalog does not list.

    A refresh killed between its Whoosh commit and its catalog write leaves such strays; the
    next refresh rewrites them (their file is read again) or deletes them (their file has
    gone). Costs two counts when there are none.
    """
    count = catalog.document_count()
    with index.searcher() as searcher:
        if searcher.doc_count() <= count:
            return set()
        known = {document.id for document in catalog.documents()}
        strays = set()
        for term in searcher.reader().lexicon("id"):
            doc_id = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if doc_id not in known and searcher.document_number(id=doc_id) is not None:
                strays.add(doc_id)
        return strays


def file_of(doc_id: str, files: Collection[str]) -> str | None:
    """The corpus file a document id came from (``rel`` or ``rel#key``), if among ``files``.

    The file part of an id never holds a ``#`` (``search.document_ids`` encodes it), so the
    first ``#`` ends it: a file ``a.jsonl#x`` is never taken for a record of ``a.jsonl``."""
    file = file_part(doc_id)
    return file if file in files else None


# --- errors in words -------------------------------------------------------------------------


_OS_ERROR_LINE = re.compile(r"^\w*Error: \[Errno (\d+)\]")
"""The last line of a traceback ending in an OS error: ``OSError: [Errno 28] No space...``."""


def describe_failure(error: BaseException, corpus: Path, index_dir: Path) -> CorpusError:
    """A one-line ``CorpusError`` for an error raised while refreshing or analysing.

    The corpus is only ever read and the index only ever written, so the file an error names
    says which side failed: the corpus vanished or cannot be read, or the index folder is
    full, read-only or gone. Anything else (an indexing worker that failed) is named by the
    last line of its message.
    """
    if isinstance(error, LockError):
        return CorpusError(
            f"another docscope is writing the index in {index_dir}; try again when it has finished"
        )
    if isinstance(error, sqlite3.Error):
        return CorpusError(f"cannot write the catalog in {index_dir}: {_error_words(error)}")
    if isinstance(error, OSError):
        filename = str(error.filename or "")
        in_index = filename.startswith(str(index_dir))
        if not in_index and not os.path.exists(corpus):
            return CorpusError(f"the corpus has gone: {corpus}")
        if not in_index and filename.startswith(str(corpus)):
            return CorpusError(f"cannot read the corpus {corpus}: {_why(error)}")
        return CorpusError(f"cannot write the index in {index_dir}: {_why(error)}")
    # A worker's failure carries its traceback: its last line says what went wrong. Workers
    # write only inside the index folder, so an OS error there is the index's.
    lines = [line for line in str(error).splitlines() if line.strip()]
    last = lines[-1] if lines else type(error).__name__
    os_error = _OS_ERROR_LINE.search(last)
    if os_error is not None:
        return CorpusError(
            f"cannot write the index in {index_dir}: {os.strerror(int(os_error.group(1))).lower()}"
        )
    return CorpusError(f"indexing failed: {_one_line(last)}")


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _error_words(error: BaseException) -> str:
    text = _one_line(str(error))
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
