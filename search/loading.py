"""Which files make a corpus, and how each becomes documents.

Two steps, so that a refresh is cheap: ``iter_sources`` walks the corpus with ``stat`` only
(size and mtime tell the indexer what may have changed), and ``read_source`` reads, decodes and
cleans one file when the indexer asks. Neither ever raises for a file inside the corpus: a file
that cannot be used becomes a ``Skipped`` record with a reason the user can act on, and
the rest of the corpus still loads. Nothing here writes anywhere.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

from search.cleaning import clean_html, clean_markdown, clean_text
from search.decoding import binary_reason, decode_bytes
from search.document_ids import file_id, record_id, shown_name
from search.files import (
    GunzipStream,
    NotRegularFile,
    chunks_of,
    is_gzip,
    open_regular,
    read_at_most,
)
from search.jsonl_records import jsonl_lines, record_contents, record_key
from search.records import SourceDocument, Skipped, Unchanged

__all__ = [
    "SUPPORTED_SUFFIXES",
    "SourceFile",
    "bundled_seeds",
    "content_digest",
    "iter_sources",
    "kind_of",
    "read_failed",
    "read_source",
]

_KINDS: Mapping[str, str] = MappingProxyType(
    {
        ".txt": "text",
        ".text": "text",
        ".md": "markdown",
        ".markdown": "markdown",
        ".html": "html",
        ".htm": "html",
        ".jsonl": "jsonl",
        ".jsonl.gz": "jsonl",
        ".ndjson": "jsonl",
        ".ndjson.gz": "jsonl",
    }
)
"""File name ending (lower-cased) -> kind."""
_LONGEST_FIRST = tuple(sorted(_KINDS, key=len, reverse=True))
"""``.jsonl.gz`` must be tried before ``.gz``-less endings could match a shorter one."""

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_KINDS)
"""The file name endings docscope reads, in display order; matched case-insensitively."""

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""A single text/HTML/Markdown file, or a JSONL line, larger than this is skipped: it is not a
document but a dump, and reading it would stall indexing. A JSONL file has no limit: it is
read as a stream, a line at a time."""
GZIP_MOST_RATIO = 100
"""A ``.gz`` stops being read where it has expanded to this many times its own size (or to
``GZIP_MOST_BYTES``, if more): text compresses about 3 to 10 times, a compression bomb a
thousand (3 MB that expand to 3 GB)."""
GZIP_MOST_BYTES = 4 * MAX_DOCUMENT_BYTES
"""What a small ``.gz`` may always expand to: room for a record of the largest size."""


@dataclass(frozen=True)
class SourceFile:
    """One readable file of the corpus, as the cheap walk found it."""

    path: Path
    """Absolute path (through any symbolic links, as the user sees it)."""
    rel: str
    """Path relative to the corpus root with ``/`` separators, in id form (``%``, ``#`` and
    bytes that are not UTF-8 percent-encoded: ``search.document_ids``): the file's id."""
    shown: str
    """The same path as a user reads it (bytes that are not UTF-8 as U+FFFD)."""
    size: int
    mtime_ns: int
    kind: str
    """``"text"``, ``"markdown"``, ``"html"`` or ``"jsonl"``."""


def bundled_seeds() -> Path:
    """The bundled default corpus.

    A built wheel carries the repository's ``seeds/`` as ``search/seeds`` (pyproject
    force-includes it); an editable install or a checkout has it at the repository root.
    """
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


def content_digest(data: bytes) -> str:
    """The fingerprint incremental indexing compares: BLAKE2b, 128 bits, hex.

    128 bits is far beyond any chance collision in a corpus and keeps catalog rows short.
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def kind_of(name: str) -> str | None:
    """The kind of file ``name`` is (``"text"``, ``"jsonl"``...), or None if unsupported."""
    lower = name.lower()
    for suffix in _LONGEST_FIRST:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return _KINDS[suffix]
    return None


# --- the walk --------------------------------------------------------------------------------


def iter_sources(corpus: Path) -> Iterator[SourceFile | Skipped]:
    """Walk ``corpus`` (a folder, recursively, or one file) in a stable, sorted order.

    Only ``stat`` is called: no file is opened. Hidden entries (``.git``, ``.DS_Store``),
    unsupported file types, unreadable folders, broken links, link loops and special files
    (pipes, devices: reading one would hang) come out as ``Skipped``. A missing corpus raises
    ``FileNotFoundError`` and an unreadable corpus folder ``PermissionError``: an empty walk
    there would look like "every document was deleted".
    """
    root = Path(os.path.abspath(Path(corpus).expanduser()))
    info = root.stat()  # FileNotFoundError for a missing corpus, as promised
    if not stat.S_ISDIR(info.st_mode):
        yield _source_or_skip(root, root.name, info)
        return
    os.scandir(root).close()  # PermissionError for an unreadable corpus folder
    yield from _walk(root, "", frozenset({(info.st_dev, info.st_ino)}), set())


def _walk(
    folder: Path,
    prefix: str,
    ancestors: frozenset[tuple[int, int]],
    seen: set[tuple[int, int]],
) -> Iterator[SourceFile | Skipped]:
    """Yield the entries of ``folder`` sorted by name, descending into sub-folders in place.

    ``ancestors`` detects a link back up the tree (a loop); ``seen`` a folder reached twice
    through links, whose files would otherwise be indexed under two ids. The descent keeps its
    own stack of open folders, not Python's: a tree a thousand folders deep is legal.
    """
    listing = _listing(folder, prefix)
    if isinstance(listing, Skipped):
        yield listing
        return
    stack = [(iter(listing), folder, prefix, ancestors)]
    while stack:
        entries, folder, prefix, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel = prefix + entry.name
        path = folder / entry.name
        if entry.name.startswith("."):
            kind = "folder" if _is_dir(entry) else "file"
            yield _skip(rel, f"hidden {kind} (names starting with '.' are not read)")
            continue
        try:
            info = entry.stat()  # follows links
        except FileNotFoundError:
            yield _skip(rel, "broken symbolic link (its target does not exist)")
            continue
        except OSError as error:
            if _is_loop(error):
                yield _skip(rel, "symbolic link loop")
            else:
                yield _skip(rel, f"cannot be examined ({_why(error)})")
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield _skip(rel, "symbolic link loop (links to a folder that contains it)")
            elif key in seen:
                yield _skip(rel, "folder already read through another link")
            else:
                seen.add(key)
                listing = _listing(path, rel + "/")
                if isinstance(listing, Skipped):
                    yield listing
                else:
                    stack.append((iter(listing), path, rel + "/", ancestors | {key}))
            continue
        yield _source_or_skip(path, rel, info)


def _listing(folder: Path, prefix: str) -> list[os.DirEntry[str]] | Skipped:
    """The entries of ``folder`` sorted by name, or why it cannot be read."""
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        return _skip(prefix.rstrip("/") or ".", f"folder cannot be read ({_why(error)})")


def _source_or_skip(path: Path, rel: str, info: os.stat_result) -> SourceFile | Skipped:
    """``rel`` is the path as the file system names it (bytes that are not UTF-8 as lone
    surrogates): it becomes the id form and the shown form here, and nowhere else."""
    kind = kind_of(path.name)
    if kind is None:
        suffix = _suffix_of(path.name)
        return _skip(rel, f"unsupported file type ({shown_name(suffix)})")
    if not stat.S_ISREG(info.st_mode):
        return _skip(rel, _NOT_REGULAR)
    return SourceFile(
        path=path,
        rel=file_id(rel),
        shown=shown_name(rel),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        kind=kind,
    )


def _skip(rel: str, reason: str) -> Skipped:
    """A skipped file or folder, named as a user reads it and, if that differs, as its id."""
    shown, as_id = shown_name(rel), file_id(rel)
    return Skipped(shown, reason, "" if as_id == shown else as_id)


def _suffix_of(name: str) -> str:
    """``photo.PNG`` -> ``.PNG``, ``logs.tar.gz`` -> ``.tar.gz``: for the skip reason."""
    parts = name.split(".")
    if len(parts) < 2 or not parts[-1]:
        return "no extension"
    if parts[-1].lower() == "gz" and len(parts) > 2:
        return f".{parts[-2]}.gz"
    return f".{parts[-1]}"


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_loop(error: OSError) -> bool:
    return error.errno == errno.ELOOP


def _why(error: OSError) -> str:
    """An OS error in a few plain words ("permission denied")."""
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or type(error).__name__).lower()


# --- reading ---------------------------------------------------------------------------------


_DISAPPEARED = "file disappeared before it could be read"
_CANNOT_READ = "cannot be read"
_NOT_REGULAR = "not a regular file (a pipe, socket or device)"


def read_failed(item: Skipped) -> bool:
    """Whether ``read_source`` skipped a whole file because reading it failed (it vanished or
    was refused), not because of what it holds: such a file is worth trying again later."""
    return item.reason == _DISAPPEARED or item.reason.startswith(f"{_CANNOT_READ} (")


def read_source(
    src: SourceFile, known: Mapping[str, str] | None = None
) -> Iterator[SourceDocument | Skipped | Unchanged]:
    """Read, decode and clean one file: one document, one per JSONL line, or ``Skipped``.

    ``known`` maps document ids to the digests the index holds: a file or JSONL record with
    the same digest comes out as ``Unchanged``, without being decoded and cleaned again.
    Whatever goes wrong (permissions, a file deleted, truncated or replaced by a pipe since
    the walk, damaged compression) becomes ``Skipped``; a damaged ``.gz`` still yields the
    records before the damage. Memory is bounded: a document is at most
    ``MAX_DOCUMENT_BYTES``, and a JSONL file is read as a stream, a line at a time.
    """
    if src.kind != "jsonl" and src.size > MAX_DOCUMENT_BYTES:
        yield _too_large(src, src.size)
        return
    try:
        handle = open_regular(src.path)  # never blocks, even if the file became a pipe
    except NotRegularFile:
        yield _skip_source(src, _NOT_REGULAR)
        return
    except OSError as error:
        yield _read_failure(src, error)
        return
    with handle:
        if src.kind == "jsonl":
            yield from _read_jsonl(src, handle, known or {})
            return
        try:
            data = read_at_most(handle, MAX_DOCUMENT_BYTES)
        except OSError as error:
            yield _read_failure(src, error)
            return
    if data is None:  # it grew since the walk
        yield _too_large(src, MAX_DOCUMENT_BYTES + 1)
        return
    digest = content_digest(data)
    if (known or {}).get(src.rel) == digest:  # indexed from these very bytes
        yield Unchanged(src.rel)
    else:
        yield _read_document(src, data, digest)


def _skip_source(src: SourceFile, reason: str) -> Skipped:
    return Skipped(src.shown, reason, "" if src.rel == src.shown else src.rel)


def _too_large(src: SourceFile, size: int) -> Skipped:
    return _skip_source(src, f"too large for one document ({size // 2**20} MiB)")


def _read_failure(src: SourceFile, error: OSError) -> Skipped:
    """A file that could not be read: worth trying again later (``read_failed``)."""
    if isinstance(error, FileNotFoundError):
        return _skip_source(src, _DISAPPEARED)
    return _skip_source(src, f"{_CANNOT_READ} ({_why(error)})")


def _read_document(src: SourceFile, data: bytes, digest: str) -> SourceDocument | Skipped:
    """One file, one document: text, Markdown or HTML."""
    if not data.strip():
        return _skip_source(src, "empty")
    reason = binary_reason(data, src.path.name)
    if reason is not None:
        return _skip_source(src, reason)
    text, encoding = decode_bytes(data)
    if src.kind == "html":
        text, encoding = _html_charset(data, text, encoding)
    if not text.strip():
        return _skip_source(src, "empty")
    fallback = _fallback_title(shown_name(src.path.name))
    if src.kind == "html":
        clean = clean_html(text, fallback)
    elif src.kind == "markdown":
        clean = clean_markdown(text, fallback)
    else:
        clean = clean_text(text, fallback)
    if not clean.text:
        return _skip_source(src, "no readable text left after cleaning")
    return SourceDocument(
        id=src.rel,
        title=clean.title,
        text=clean.text,
        path=shown_name(str(src.path)),
        size=len(data),
        modified=src.mtime_ns / 1e9,
        digest=digest,
        encoding=encoding,
    )


def _fallback_title(name: str) -> str:
    """``bbc_report_2004.txt`` -> ``bbc report 2004``: the title of last resort."""
    lower = name.lower()
    for suffix in _LONGEST_FIRST:
        if lower.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ").strip() or name


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)


def _html_charset(data: bytes, text: str, encoding: str) -> tuple[str, str]:
    """Honour ``<meta charset>`` when the bytes are not UTF-8 and the page says what they are."""
    if encoding.startswith(("utf-8", "utf-16", "utf-32")):
        return text, encoding
    declared = _META_CHARSET.search(data[:4096])
    if declared is None:
        return text, encoding
    name = declared.group(1).decode("ascii").lower()
    try:
        decoded = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return text, encoding
    return decode_bytes(decoded.encode("utf-8"))[0], name


# --- JSONL -----------------------------------------------------------------------------------


def _read_jsonl(
    src: SourceFile, handle: BinaryIO, known: Mapping[str, str]
) -> Iterator[SourceDocument | Skipped | Unchanged]:
    """One document per line; a bad line is skipped with its line number, the rest loads.

    The file is a stream: a line is held only while it is parsed, a line over
    ``MAX_DOCUMENT_BYTES`` is passed over unread, and a ``.gz`` stops where it has expanded
    ``GZIP_MOST_RATIO`` times (a bomb). A record whose id and digest the index already holds
    is only parsed (for its id), not cleaned: re-reading news40k for one changed record spent
    most of its time cleaning the other 40,000.
    """
    gunzip = None
    try:
        if src.path.name.lower().endswith(".gz") and is_gzip(handle):
            limit = max(GZIP_MOST_BYTES, GZIP_MOST_RATIO * os.fstat(handle.fileno()).st_size)
            gunzip = GunzipStream(handle, limit)
        chunks = iter(gunzip if gunzip is not None else chunks_of(handle))
        head = next(chunks, b"")
        reason = binary_reason(head, "records.jsonl")  # decompressed: no .gz excuse
        if reason is not None:
            yield _skip_source(src, reason)
            return
        lines = 0
        for line in _records(src, chain([head], chunks), known):
            lines += 1
            yield line
    except OSError as error:  # the disk failed part-way (what was read is kept)
        yield _read_failure(src, error)
        return
    if lines == 0:
        yield _skip_source(src, "empty")
    if gunzip is not None and gunzip.problem is not None:
        yield _skip_source(src, gunzip.problem)


def _records(
    src: SourceFile, chunks: Iterable[bytes], known: Mapping[str, str]
) -> Iterator[SourceDocument | Skipped | Unchanged]:
    """The documents, unchanged records and skipped lines of a JSONL stream."""
    modified = src.mtime_ns / 1e9
    seen: dict[str, int] = {}
    for line in jsonl_lines(chunks, MAX_DOCUMENT_BYTES, src.shown):
        if isinstance(line, Skipped):
            yield line
            continue
        number, raw, text, encoding = line
        where = f"{src.shown}:{number}"
        try:
            record = json.loads(text)
        except ValueError as error:
            message = getattr(error, "msg", str(error))
            yield Skipped(where, f"not valid JSON ({message})")
            continue
        except RecursionError:
            yield Skipped(where, "not usable JSON (nested too deeply)")
            continue
        key = record_key(record, number, where, seen)
        if isinstance(key, Skipped):
            yield key
            continue
        doc_id, digest = record_id(src.rel, key), content_digest(raw)
        if known.get(doc_id) == digest:  # indexed from these very bytes
            seen[key] = number
            yield Unchanged(doc_id)
            continue
        result = record_contents(record, key, where)
        if isinstance(result, Skipped):
            yield result
            continue
        clean, metadata = result
        seen[key] = number
        yield SourceDocument(
            id=doc_id,
            title=clean.title,
            text=clean.text,
            path=shown_name(str(src.path)),
            size=len(raw),
            modified=modified,
            digest=digest,
            encoding=encoding,
            metadata=metadata,
        )
