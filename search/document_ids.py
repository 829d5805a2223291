"""Document ids that cannot collide, whatever the file names, and the names a user is shown.

A document's id is its file's path relative to the corpus with ``/`` separators; a JSONL
record's is ``<file>#<record id>``. A file name may hold any byte but ``/`` and NUL, and two
kinds break that scheme: a ``#`` (a file ``a.jsonl#x.txt`` and the record ``x.txt`` of
``a.jsonl`` would share an id, and one would overwrite the other), and bytes that are not UTF-8
(Python names them with lone surrogates, ``caf\\udce9.txt``, which neither Whoosh nor SQLite can
store: one such name stopped the whole corpus). So the file part of an id percent-encodes
``%``, ``#`` and each undecodable byte (``caf%E9.txt``). Ordinary names are their own ids, the
encoding is lossless and injective, and the first ``#`` of an id always ends its file part.

What a user reads (skip lists, a document's path, a title taken from a file name) shows an
undecodable byte as U+FFFD instead: ``caf�.txt``.
"""

from __future__ import annotations

import re

from search.decoding import without_surrogates

__all__ = ["file_id", "file_part", "record_id", "shown_name"]

_ENCODED = re.compile("[%#\udc80-\udcff]")
"""What the file part of an id encodes: the escape character itself, the record separator,
and the surrogates ``os.fsdecode`` gives bytes that are not UTF-8 (U+DC80..U+DCFF)."""


def file_id(rel: str) -> str:
    """The id form of a relative path (``/`` separators, undecodable bytes as surrogates)."""
    if "%" not in rel and "#" not in rel and without_surrogates(rel) == rel:
        return rel
    return _ENCODED.sub(_escape, rel)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"%{code - 0xDC00 if code >= 0xDC80 else code:02X}"


def record_id(file: str, key: str) -> str:
    """The id of the record ``key`` of the JSONL file whose id is ``file``."""
    return f"{file}#{key}"


def file_part(doc_id: str) -> str:
    """The id of the file a document came from: everything before the first ``#``."""
    return doc_id.partition("#")[0]


def shown_name(name: str) -> str:
    """``name`` as a user reads it: each undecodable byte (a lone surrogate) as U+FFFD.

    Lone surrogates cannot be written to a UTF-8 terminal, a JSON reader or SQLite at all."""
    return without_surrogates(name)
