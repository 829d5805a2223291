"""JSONL, line by line: each line's bytes and text, and what one parsed record holds.

``search/loading.py`` reads a JSONL file and asks here for its lines, each record's id within
the file, and its cleaned text and metadata. A record that cannot be a document becomes a
``Skipped`` record that names its line and why, never an exception.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from types import MappingProxyType

from search.cleaning import clean_text, strip_controls
from search.decoding import decode_bytes, wide_encoding, without_surrogates
from search.records import CleanText, Skipped

TEXT_FIELDS = ("text", "body", "content")
"""Where a JSONL record's text may be, in order of preference."""


def jsonl_lines(
    chunks: Iterable[bytes], most: int, file: str
) -> Iterator[tuple[int, bytes, str, str] | Skipped]:
    """(1-based line number, raw line bytes, decoded line, encoding) for each non-blank line
    of the stream ``chunks``; a ``Skipped`` (named ``file:line``) for a line over ``most`` bytes.

    The stream is split as it comes, so memory holds one line at a time, and a line over the
    cap is passed over without being held at all (a gzip bomb or a sparse file is one endless
    line). JSONL is UTF-8 by definition, so lines are split as bytes and decoded one by one (a
    damaged line does not spoil its neighbours). UTF-16 and UTF-32 cannot be split as bytes:
    they are decoded as they are read, and each line's bytes for the digest are its UTF-8 form.
    """
    stream = iter(chunks)
    head = next(stream, b"")
    wide = wide_encoding(head)
    encoding = "utf-8" if wide is None else wide[1]
    if wide is not None:
        stream = _transcoded(head[wide[2] :], stream, wide[0])
    else:
        stream = chain([head.removeprefix(codecs.BOM_UTF8)], stream)
    for number, raw in _split_lines(stream, most):
        if raw is None:
            yield Skipped(f"{file}:{number}", f"line longer than {most // 2**20} MiB: not read")
            continue
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            yield number, raw, raw.decode("utf-8"), encoding
        except UnicodeDecodeError:
            text, guessed = decode_bytes(raw)
            yield number, raw, text, guessed


def _transcoded(head: bytes, rest: Iterator[bytes], codec: str) -> Iterator[bytes]:
    """UTF-16 or UTF-32 chunks as UTF-8 chunks (a character split between chunks is kept)."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    for chunk in chain([head], rest):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _split_lines(chunks: Iterable[bytes], most: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line bytes without its newline) for each line of a stream; None for a
    line longer than ``most`` bytes, whose bytes are dropped as they come.

    The rest of an over-long line is passed over with ``find``, which is three times faster
    than ``split`` on a chunk without a newline (an 8 GiB sparse file is one such line)."""
    number = 0
    parts: list[bytes] = []
    held = 0
    over = False
    for chunk in chunks:
        if over:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            number += 1
            yield number, None
            over, held, chunk = False, 0, chunk[cut + 1 :]
        *complete, tail = chunk.split(b"\n")
        for piece in complete:
            number += 1
            if held + len(piece) > most:
                yield number, None
            else:
                yield number, b"".join((*parts, piece)) if parts else piece
            parts, held = [], 0
        held += len(tail)
        if held > most:
            parts, over = [], True
        elif tail:
            parts.append(tail)
    if parts or over:
        yield number + 1, None if over else b"".join(parts)


def record_key(
    record: object, number: int, where: str, seen: Mapping[str, int]
) -> str | Skipped:
    """The id within the file of one parsed JSONL record (not yet used by ``seen``).

    A missing or blank id falls back to the line number, which is stable only while lines
    are not inserted above it: that is the best a file without ids allows.
    """
    if not isinstance(record, dict):
        return Skipped(where, f"a JSON {_json_type(record)}, not an object")
    raw_id = record.get("id")
    if raw_id is not None and (not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool)):
        return Skipped(where, f"'id' is a {_json_type(raw_id)}; expected a string or number")
    key = " ".join(_safe(str(raw_id)).split()) if raw_id is not None else ""
    key = key or f"line-{number}"
    if key in seen:
        return Skipped(where, f"duplicate id {key!r} (first used on line {seen[key]})")
    return key


def record_contents(
    record: dict[str, object], key: str, where: str
) -> tuple[CleanText, Mapping[str, str]] | Skipped:
    """The cleaned text and the metadata of one JSONL record whose id is ``key``."""
    text_field = next((f for f in TEXT_FIELDS if record.get(f) is not None), None)
    if text_field is None:
        return Skipped(where, "no text (no 'text', 'body' or 'content' field)")
    body = record[text_field]
    if not isinstance(body, str):
        return Skipped(where, f"'{text_field}' is a {_json_type(body)}; expected a string")
    raw_title = record.get("title")
    if raw_title is not None and not isinstance(raw_title, str):
        return Skipped(where, f"'title' is a {_json_type(raw_title)}; expected a string")
    # A JSON escape can spell a lone surrogate ("\\ud800"), which nothing can store.
    title = None if raw_title is None else without_surrogates(raw_title)
    clean = clean_text(without_surrogates(body), key, title=title)
    if not clean.text:
        return Skipped(where, "no text (the text field is empty)")
    used = {"id", "title", text_field}
    metadata = {
        _safe(str(name)): _metadata_value(value)
        for name, value in record.items()
        if name not in used
    }
    return clean, MappingProxyType(metadata)


def _metadata_value(value: object) -> str:
    """Any JSON value as display-safe text: strings as they are, the rest as JSON."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _safe(text)


def _safe(text: str) -> str:
    """Text that reaches a screen: no control characters or lone surrogates, NFC like every
    document text."""
    text = strip_controls(without_surrogates(text))
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "null"

