"""Whose folder is this? Proving an index folder is docscope's before anything in it is changed.

Rebuilding an index deletes ``whoosh/``, ``catalog.sqlite3`` and ``VERSION``, and nothing
else: ``curations.json`` (the user's corrections, ``search.curation``) stays. Those are
common names: ``--index-dir`` pointed at a folder of the user's own that happens to hold a
``VERSION`` file must not lose it. So docscope writes a marker file, ``DOCSCOPE-INDEX``, whose
first line is its signature, into every index folder it makes, and deletes or overwrites files
only in a folder whose marker it can read. A folder is marked (claimed) when it is:

- empty or new: docscope is about to make everything in it;
- in docscope's own cache folder (``locations.index_root()``): docscope chose that path, so an
  index there is its own, even one an earlier version made (before markers existed);
- an index an earlier docscope made elsewhere, proven by content, never by names alone: the
  folder holds only index files, ``VERSION`` holds a format number, and ``catalog.sqlite3``
  opens read-only and has docscope's tables, with the ``documents`` table's exact columns.

Anything else is refused with one line, untouched.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from search.errors import CorpusError
from search.locations import index_root

__all__ = ["MARKER_NAME", "MARKER_TEXT", "claim", "is_ours"]

MARKER_NAME = "DOCSCOPE-INDEX"
SIGNATURE = "docscope index folder (signature 7f3c1d9e)"
"""The marker's first line: what proves a folder is docscope's."""
MARKER_TEXT = (
    f"{SIGNATURE}\n"
    "docscope made this folder for an index of a corpus. It may delete and rebuild the index\n"
    "files here (whoosh/, catalog.sqlite3*, VERSION); it never touches anything else.\n"
    "curations.json holds your corrections of entities and speakers: no rebuild deletes it.\n"
    "Deleting the rest loses nothing but the index: docscope builds it again from the corpus.\n"
)
LEGACY_NAMES = frozenset(
    {
        "whoosh",
        "VERSION",
        "VERSION.tmp",
        "catalog.sqlite3",
        "catalog.sqlite3-wal",
        "catalog.sqlite3-shm",
        "catalog.sqlite3-journal",
    }
)
"""Everything an index folder of an earlier docscope version (before markers) may hold."""
_CATALOG_TABLES = frozenset({"meta", "files", "documents", "analysis", "mentions", "quotes"})
_DOCUMENT_COLUMNS = ("id", "file", "digest", "title", "size", "modified", "words", "encoding")
"""The catalog's ``documents`` table, as every docscope version has made it."""
_PARTIAL_WAIT = 2.0
"""Seconds to wait for another docscope that is writing the marker this moment."""


def is_ours(index_dir: Path) -> bool:
    """Whether ``index_dir`` carries docscope's marker (one small read)."""
    return _marker(index_dir) == "ours"


def claim(index_dir: Path) -> None:
    """Make sure ``index_dir`` (an existing folder) is docscope's, marking it when it may be.

    Raises ``CorpusError`` for a folder docscope cannot prove it made; such a folder is left
    exactly as it was. Raises ``OSError`` when the marker cannot be read or written (a
    read-only folder): ``Library.open`` says so in one line.
    """
    deadline = time.monotonic() + _PARTIAL_WAIT
    while True:
        state = _marker(index_dir)
        if state == "ours":
            return
        if state != "partial" or time.monotonic() > deadline:
            break
        time.sleep(0.02)  # another docscope is writing it: its next write completes it
    if state == "foreign":
        raise CorpusError(
            f"refusing to use {index_dir} as the index folder: its {MARKER_NAME} file was not "
            "written by docscope"
        )
    names = set(os.listdir(index_dir)) - {MARKER_NAME}
    if names and not _in_cache(index_dir) and not _earlier_index(index_dir, names):
        raise CorpusError(
            f"refusing to use {index_dir} as the index folder: it holds files docscope did not "
            "make (choose a new or empty folder)"
        )
    _write_marker(index_dir, replace=state == "partial")


def _marker(index_dir: Path) -> str:
    """"ours", "missing", "partial" (a prefix of the signature: being written) or "foreign"."""
    try:
        with open(index_dir / MARKER_NAME, "rb") as file:
            head = file.read(len(SIGNATURE) + 1)
    except FileNotFoundError:
        return "missing"
    except (IsADirectoryError, NotADirectoryError):
        return "foreign"  # a folder by that name: nothing docscope wrote
    line = SIGNATURE.encode("ascii") + b"\n"
    if head == line:
        return "ours"
    return "partial" if line.startswith(head) else "foreign"


def _write_marker(index_dir: Path, replace: bool) -> None:
    """Write the marker in one ``write``; exclusive, so two docscopes never both write it."""
    path = index_dir / MARKER_NAME
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o644)
    except FileExistsError:  # another docscope claimed it first: fine once it has finished
        claim(index_dir)
        return
    try:
        os.write(descriptor, MARKER_TEXT.encode("ascii"))
    finally:
        os.close(descriptor)


def _in_cache(index_dir: Path) -> bool:
    """Whether ``index_dir`` is a folder of docscope's own index cache."""
    try:
        return index_dir.resolve().parent == index_root().resolve()
    except OSError:
        return False


def _earlier_index(index_dir: Path, names: set[str]) -> bool:
    """Whether ``index_dir`` is provably an index an earlier docscope made (before markers)."""
    if not names <= LEGACY_NAMES or "catalog.sqlite3" not in names:
        return False
    try:
        version = (index_dir / "VERSION").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not version.isdigit() or int(version) < 1:
        return False
    whoosh_dir = index_dir / "whoosh"
    if os.path.lexists(whoosh_dir) and (whoosh_dir.is_symlink() or not whoosh_dir.is_dir()):
        return False
    return _docscope_catalog(index_dir / "catalog.sqlite3")


def _docscope_catalog(path: Path) -> bool:
    """Whether ``path`` is an SQLite file with docscope's tables (opened read-only)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {row[0] for row in rows}
            columns = tuple(row[1] for row in db.execute("PRAGMA table_info(documents)"))
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return _CATALOG_TABLES <= tables and columns == _DOCUMENT_COLUMNS
