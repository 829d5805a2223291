"""JSONL, line by line: each line's bytes and text, and what one parsed record holds.

``search/loading.py`` reads a JSONL file and asks here for its lines, each record's id within
the file, and its cleaned text and metadata. A record that cannot be a document becomes a
``Skipped`` record that names its line and why, never an exception.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from search.cleaning import clean_text, strip_controls
from search.decoding import decode_bytes
from search.records import CleanText, Skipped

TEXT_FIELDS = ("text", "body", "content")
"""Where a JSONL record's text may be, in order of preference."""


def jsonl_lines(data: bytes) -> Iterator[tuple[int, bytes, str, str]]:
    """(1-based line number, raw line bytes, decoded line, encoding) for each non-blank line.

    JSONL is UTF-8 by definition, so lines are split as bytes and decoded one by one (a
    damaged line does not spoil its neighbours). A UTF-16 file cannot be split as bytes: it is
    decoded whole, and each line's bytes for the digest are its UTF-8 form.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        b"\x00" in data[:4096] and decode_bytes(data[:4096])[1].startswith("utf-16")
    ):
        text, encoding = decode_bytes(data)
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield number, line.encode("utf-8"), line, encoding
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            yield number, raw, raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = decode_bytes(raw)
            yield number, raw, text, encoding


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
    clean = clean_text(body, key, title=raw_title)
    if not clean.text:
        return Skipped(where, "no text (the text field is empty)")
    used = {"id", "title", text_field}
    metadata = {
        str(name): _metadata_value(value) for name, value in record.items() if name not in used
    }
    return clean, MappingProxyType(metadata)


def _metadata_value(value: object) -> str:
    """Any JSON value as display-safe text: strings as they are, the rest as JSON."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _safe(text)


def _safe(text: str) -> str:
    """Text that reaches a screen: no control characters, NFC like every document text."""
    text = strip_controls(text)
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

