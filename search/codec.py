"""Whoosh's own codec (``W3Codec``), with field lengths read from memory.

BM25 needs the length of a field in every document it scores, and writing a segment asks for
it once per posting. Whoosh reads each length from the column file with a seek and a one-byte
read; a column holds one byte per document, so this reader loads it whole, once, and indexes a
``bytes`` object instead. The files written are exactly Whoosh's: an index written with this
codec opens with plain Whoosh, and segments written by plain Whoosh open with this one.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.util.numeric import byte_to_length

_LENGTHS = tuple(byte_to_length(code) for code in range(256))
"""Whoosh stores a field length as one byte (a lossy code); this decodes every code."""
_NOT_LOADED = b"not loaded"


class LengthsInMemoryReader(W3PerDocReader):
    """``W3PerDocReader`` whose ``doc_field_length`` is a lookup in a cached ``bytes``."""

    def __init__(self, storage: object, segment: object) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def _lengths(self, fieldname: str) -> bytes | None:
        table = self._length_bytes.get(fieldname, _NOT_LOADED)
        if table is not _NOT_LOADED:
            return table
        column = f"_{fieldname}_len"
        if not self.has_column(column):
            table = None
        else:
            if column not in self._colfiles:
                self._colfiles[column] = self._get_column_file(column)
            colfile, offset, length = self._colfiles[column]
            table = bytes(colfile.get(offset, length)).ljust(self._doccount, b"\0")
        self._length_bytes[fieldname] = table
        return table

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        table = self._lengths(fieldname)
        if table is None:
            return default
        code = table[docnum]
        return _LENGTHS[code] if code else None


class LeanCodec(W3Codec):
    """``W3Codec`` with ``LengthsInMemoryReader``; same files, same format."""

    def per_document_reader(self, storage: object, segment: object) -> LengthsInMemoryReader:
        return LengthsInMemoryReader(storage, segment)
