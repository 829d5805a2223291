"""Whoosh's writer and codec, with the parts that cost most replaced by faster equivalents.

``LeanCodec`` is Whoosh's own codec (``W3Codec``), with field lengths read from memory.

BM25 needs the length of a field in every document it scores, and writing a segment asks for
it once per posting. Whoosh reads each length from the column file with a seek and a one-byte
read; a column holds one byte per document, so this reader loads it whole, once, and indexes a
``bytes`` object instead. It also inlines single postings in the term index, which Whoosh's
format allows and whoosh-reloaded's writer meant to do (``InliningPostingsWriter``), and it
writes a block's document numbers and weights as arrays and its values as one ``PackedValues``
instead of tuples of Python objects, so reading a block back builds three objects instead of
hundreds. Whoosh reads those blocks unchanged (it only iterates and indexes them), so an index
written with this codec opens with plain Whoosh where ``search.codec`` can be imported, and
segments written by plain Whoosh open with this one.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec, W3PerDocReader, W3PostingsWriter, W3TermInfo
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

if TYPE_CHECKING:
    import numpy

_LITTLE = sys.byteorder == "little"
_LENGTHS = tuple(byte_to_length(code) for code in range(256))
"""Whoosh stores a field length as one byte (a lossy code); this decodes every code."""
_NOT_LOADED = b"not loaded"
PACK_FROM = 16
"""Blocks of fewer postings keep Whoosh's tuples: naming the classes that unpickle arrays
would cost more bytes than building a few objects costs time."""


class LengthsInMemoryReader(W3PerDocReader):
    """``W3PerDocReader`` whose ``doc_field_length`` is a lookup in a cached ``bytes``."""

    def __init__(self, storage: object, segment: object) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}
        # Opened now, not at the first read: another docscope may merge this segment away
        # and delete its files while a searcher still reads it, and an open file stays
        # readable after it is deleted. Whoosh would look for the file later and, not finding
        # it, hand back no stored fields at all.
        self._cached_reader("_stored", STORED_COLUMN)
        for column in ("_title_len", "_body_len"):
            if self.has_column(column) and column not in self._colfiles:
                self._colfiles[column] = self._get_column_file(column)
        self._length_arrays: dict[str, numpy.ndarray] = {}

    def _lengths(self, fieldname: str) -> bytes | None:
        table = self._length_bytes.get(fieldname, _NOT_LOADED)
        if table is not _NOT_LOADED:
            return table
        column = f"_{fieldname}_len"
        if column not in self._colfiles and not self.has_column(column):
            table = None
        else:
            if column not in self._colfiles:
                self._colfiles[column] = self._get_column_file(column)
            colfile, offset, length = self._colfiles[column]
            table = bytes(colfile.get(offset, length)).ljust(self._doccount, b"\0")
        self._length_bytes[fieldname] = table
        return table

    def length_array(self, fieldname: str) -> numpy.ndarray:
        """Every document's length of ``fieldname`` (0 where it has none), decoded once, for
        ``search.ranking``. NumPy is imported here, not on the launch path."""
        lengths = self._length_arrays.get(fieldname)
        if lengths is None:
            import numpy

            table = self._lengths(fieldname) or bytes(self._doccount)
            codes = numpy.frombuffer(table, dtype=numpy.uint8)[: self._doccount]
            decoded = numpy.array((0.0,) + _LENGTHS[1:])
            lengths = self._length_arrays[fieldname] = decoded[codes]
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        table = self._lengths(fieldname)
        if table is None:
            return default
        code = table[docnum]
        return _LENGTHS[code] if code else None


def array_from_bytes(typecode: str, data: bytes) -> array:
    """An array from little-endian bytes: how ``PicklingArray`` comes back from a pickle."""
    numbers = array(typecode)
    numbers.frombytes(data)
    if not _LITTLE:
        numbers.byteswap()
    return numbers


class PicklingArray(array):
    """An ``array`` that pickles as its bytes at every protocol. Whoosh pickles posting
    blocks with protocol 2, at which a plain array pickles as a list of Python numbers."""

    def __reduce_ex__(self, protocol: object) -> tuple[object, tuple[str, bytes]]:
        data = array(self.typecode, self)
        if not _LITTLE:
            data.byteswap()
        return array_from_bytes, (self.typecode, data.tobytes())


class PackedValues:
    """The values of a block of postings (each one's encoded positions) as one ``bytes`` and
    where each ends: pickled and unpickled as two strings, sliced only when a value is read.

    Whoosh writes a block's values as a tuple of ``bytes``, so reading a block (to score it,
    or to merge segments) built one object per posting even when no position was needed.
    """

    __slots__ = ("blob", "ends")

    def __init__(self, blob: bytes, ends: bytes | array) -> None:
        self.blob = blob
        """Every value, one after the other."""
        if isinstance(ends, array):
            self.ends = ends
        else:
            self.ends = array("I")
            self.ends.frombytes(ends)
            if not _LITTLE:
                self.ends.byteswap()

    @classmethod
    def pack(cls, values: list[bytes]) -> PackedValues:
        ends = array("I")
        end = 0
        for value in values:
            end += len(value)
            ends.append(end)
        return cls(b"".join(values), ends)

    def __reduce__(self) -> tuple[type, tuple[bytes, bytes]]:
        ends = self.ends
        if not _LITTLE:
            ends = array("I", ends)
            ends.byteswap()
        return PackedValues, (self.blob, ends.tobytes())

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> bytes:
        if index < 0:
            index += len(self.ends)
        end = self.ends[index]  # raises IndexError past the end
        return self.blob[self.ends[index - 1] if index else 0 : end]

    def __iter__(self) -> Iterator[bytes]:
        start = 0
        blob = self.blob
        for end in self.ends:
            yield blob[start:end]
            start = end


class JoinedValues:
    """The values of several blocks, read as one sequence (for ``search.ranking``)."""

    def __init__(self) -> None:
        self._blocks: list[object] = []
        self._starts: list[int] = []
        self._count = 0

    def add(self, values: object) -> None:
        self._blocks.append(values)
        self._starts.append(self._count)
        self._count += len(values)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> bytes:
        block = bisect_right(self._starts, index) - 1
        return self._blocks[block][index - self._starts[block]]  # type: ignore[index]


class InliningPostingsWriter(W3PostingsWriter):
    """``W3PostingsWriter`` whose terms with a single posting keep it in the term index.

    Whoosh's format reads such inlined postings (``W3TermInfo.is_inlined``), but the writer
    of whoosh-reloaded 2.7.5 calls a method that does not exist (``set_inline`` for
    ``set_inlined``), so every term got a block in the postings file: a header, a pickled
    block description and a compressed block, for one posting. Half the terms of a corpus
    occur in one document.
    """

    def add_posting(
        self, id_: int, weight: float, vbytes: bytes, length: int | None = None
    ) -> None:
        # A merge reads an inlined posting without a value back as "" (a str): store b"".
        super().add_posting(id_, weight, vbytes or b"", length)

    def _mini_ids(self) -> array | tuple[int, ...]:
        if self._byteids or len(self._ids) < PACK_FROM:
            return super()._mini_ids()
        ids = self._ids
        return PicklingArray("I", [ids[0]] + [b - a for a, b in zip(ids, ids[1:])])

    def _mini_weights(self) -> array | float | None:
        weights = super()._mini_weights()
        if isinstance(weights, tuple) and len(weights) >= PACK_FROM:
            return PicklingArray("f", weights)
        return weights

    def _mini_values(self) -> object:
        fixedsize = self._format.fixed_value_size()
        if (fixedsize is None or fixedsize < 0) and len(self._values) >= PACK_FROM:
            return PackedValues.pack([value or b"" for value in self._values])
        return super()._mini_values()

    def finish_postings(self) -> W3TermInfo:
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class LeanCodec(W3Codec):
    """``W3Codec`` with ``LengthsInMemoryReader``, and single postings inlined in the term
    index (``InliningPostingsWriter``): Whoosh's format, searched by plain Whoosh too. Only
    merge its segments with ``lean_writer``: plain Whoosh's posting pool rejects the empty
    value an inlined posting reads back as (``InliningPostingsWriter.add_posting``)."""

    def __init__(self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = 2) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def per_document_reader(self, storage: object, segment: object) -> LengthsInMemoryReader:
        return LengthsInMemoryReader(storage, segment)

    def postings_writer(self, dbfile: object, byteids: bool = False) -> W3PostingsWriter:
        if byteids:  # vectors: not used by docscope's schema
            return super().postings_writer(dbfile, byteids=byteids)
        return InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class TermPool:
    """Whoosh's ``PostingPool``, grouped by term: what a ``SegmentWriter`` buffers before it
    writes a segment.

    Whoosh keeps one tuple per posting (about 220 bytes), sorts them all when a segment is
    written, and beyond its memory limit pickles them to disk one by one and merges the runs
    back: on a large corpus that spilling alone was a quarter of indexing. Here a term's
    postings go into compact arrays as they come (documents are added in order, so they are
    already sorted) and only the distinct terms are sorted: about 60 bytes a posting, nothing
    written to disk. The writer's owner bounds memory by finishing a segment when ``size``
    grows too large.
    """

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], tuple[array, array, list[bytes]]] = {}
        self.size = 0
        """Estimated bytes held."""
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        fieldname, text, docnum, weight, value = item
        postings = self._terms.get((fieldname, text))
        if postings is None:
            postings = self._terms[(fieldname, text)] = (array("I"), array("f"), [])
            self.fieldnames.add(fieldname)
            self.size += 360 + len(text)
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(value)
        self.size += 45 + len(value or b"")

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting, sorted by field, term and document, as Whoosh's pool yields them."""
        for key in sorted(self._terms):
            fieldname, text = key
            docnums, weights, values = self._terms[key]
            for docnum, weight, value in zip(docnums, weights, values):
                yield fieldname, text, docnum, weight, value

    def cleanup(self) -> None:
        self._terms.clear()
        self.size = 0


def lean_writer(index: Index, **options: object) -> SegmentWriter:
    """A ``SegmentWriter`` with ``LeanCodec``, separate segment files and a ``TermPool``."""
    writer = SegmentWriter(index, codec=LeanCodec(), compound=False, **options)
    writer.pool = TermPool()
    return writer
