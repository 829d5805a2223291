"""Documents through one spaCy pipeline: long texts in pieces, pieces in batches, one result each.

The parser and entity recogniser's working memory follows the characters they are given at
once, so a long document is cut into pieces (between paragraphs) and pieces go to
``nlp.pipe`` in batches bounded by characters as well as by count. The pieces of a document are
joined back into one ``DocumentAnalysis``: mentions first, then quotes piece by piece, then
figures. A document of several pieces also reports each piece done (``PieceAnalysed``), so a
caller can show progress inside it and commit the documents that finished meanwhile.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from search.analysis.entities import clean_mentions
from search.analysis.entity_joining import CleanMention, join_mentions
from search.analysis.figures import Counts, count, figures_from
from search.analysis.quote_marks import find_quote_spans
from search.analysis.results import AnalysisOutcome, DocumentAnalysis, EntityMention, PieceAnalysed
from search.analysis.results import QuoteFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

MAX_PIECE_CHARS = 20_000
"""Longest text handed to spaCy at once; longer documents are analysed in pieces (cut between
paragraphs). The parser and entity recogniser's working memory follows the text's length."""
BATCH_CHARS = 20_000
"""Characters handed to spaCy in one batch (a longer piece goes alone). Eight newsgroup posts
of 52-70K characters in one batch took a process from 160 MB to 1.8 GB; in 20K-character
pieces, one at a time, to 260 MB. A batch needs about 15 KB per token while it is parsed (the
tok2vec and the entity recogniser keep every layer's output until the batch is done). On
news40k's newsgroup posts (documents 6,000 to 12,000 in id order) with two workers, batches of
40K characters peaked at 928 and 934 MB (the process tree), batches of 20K at 735 and 739 MB,
with the same results and speed (6,153 and 6,363 against 6,101 and 6,443 words/s): the parser,
with fewer texts side by side, lost about what the tok2vec and recogniser gained on smaller
arrays. Below 20K a lone 20K-character piece sets the peak, so a smaller bound gains nothing."""

Item = tuple[str, str, str]
"""(document id, digest, cleaned text)"""


def analyse_document(doc_id: str, digest: str, text: str, nlp: Language) -> DocumentAnalysis:
    """Entities, quotes and figures of one document (long ones in pieces)."""
    pieces = split_text(text, piece_limit(nlp))
    document = _PiecesKept((doc_id, digest, text), len(pieces))
    for (offset, _), doc in zip(pieces, nlp.pipe(piece for _, piece in pieces)):
        document.add(offset, doc)
    return document.result()


def split_text(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pieces of at most ``limit`` characters.

    Pieces end at a paragraph break where there is one, else a line break, a sentence end or a
    space, so that no sentence, and rarely a quotation, is cut in two.
    """
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, start: int, hard_end: int) -> int:
    floor = start + (hard_end - start) // 2
    for separator in ("\n\n", "\n", ". ", " "):
        at = text.rfind(separator, floor, hard_end)
        if at > start:
            return at + len(separator)
    return hard_end


def piece_limit(nlp: Language) -> int:
    return max(1000, min(MAX_PIECE_CHARS, nlp.max_length - 1))


class _PiecesKept:
    """What is kept of a document's analysed pieces until its last piece is done.

    Quotes need the mentions of the whole document joined first ("Lee said" is attributed to
    "Lee Jae-myung", who may be named in another piece), so pieces cannot be finished one by
    one. But only a piece with quotation marks needs its parsed ``Doc`` again, and a long
    document keeps it packed: serialised without the tok2vec's tensor (quotes never read it)
    and compressed, about 46 KB for a 20,000-character piece instead of 1-2 MB, for about
    60 ms against the 3 s its parse takes. Every other piece is reduced at once to its
    mentions and counts. Keeping every ``Doc``, one process analysing a 2 MB text without
    quotes peaked at 420 MB (now 215 MB), a 1 MB text with a quote in every paragraph at
    321 MB (now 211 MB), with the same results: a 50 MB document would have needed gigabytes.
    """

    def __init__(self, item: Item, expected: int) -> None:
        self.item = item
        self.expected = expected
        self.received = 0
        self.chars = 0
        self.cleaned: list[CleanMention] = []
        self.counts: list[Counts] = []
        self.quoted: list[tuple[int, Doc | bytes]] = []
        """Pieces with quotation marks, parsed: as they are, or packed in a long document."""
        self.vocab: Vocab | None = None

    def add(self, offset: int, doc: Doc) -> None:
        """Take the next piece, parsed (pieces arrive in document order)."""
        self.received += 1
        self.chars += len(doc.text)
        self.cleaned.extend(m.shifted(offset) for m in clean_mentions(doc))
        self.counts.append(count(doc))
        if not find_quote_spans(doc.text):
            return
        if self.expected == 1:
            self.quoted.append((offset, doc))
        else:
            self.vocab = doc.vocab
            packed = zlib.compress(doc.to_bytes(exclude=["tensor", "user_data"]), 1)
            self.quoted.append((offset, packed))

    @property
    def complete(self) -> bool:
        return self.received == self.expected

    def progress(self) -> PieceAnalysed:
        return PieceAnalysed(self.item[0], self.chars, len(self.item[2]))

    def result(self) -> DocumentAnalysis:
        """Join the mentions of all pieces, then find quotes piece by piece, then add up figures."""
        doc_id, digest, text = self.item
        mentions = join_mentions(self.cleaned)
        quotes: list[QuoteFound] = []
        for offset, kept in self.quoted:
            quotes.extend(_quotes(self._unpacked(kept), offset, mentions))
        return DocumentAnalysis(
            document=doc_id,
            digest=digest,
            mentions=tuple(mentions),
            quotes=tuple(quotes),
            figures=figures_from(self.counts, text),
        )

    def _unpacked(self, kept: Doc | bytes) -> Doc:
        if not isinstance(kept, bytes):
            return kept
        from spacy.tokens import Doc

        return Doc(self.vocab).from_bytes(zlib.decompress(kept))


def _quotes(doc: Doc, offset: int, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    """The quotes of one piece of a long document, in the document's offsets."""
    end = offset + len(doc.text)
    local = [
        replace(m, start=m.start - offset, end=m.end - offset)
        for m in mentions
        if offset <= m.start and m.end <= end
    ]
    found = _extract_quotes(doc, local)
    return [replace(q, start=q.start + offset, end=q.end + offset) for q in found]


def _extract_quotes(doc: Doc, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    from search.analysis.quotes import extract_quotes

    return extract_quotes(doc, mentions)


def analyse_here(
    items: Iterable[Item], nlp: Language, batch_size: int, cancel: threading.Event
) -> Iterator[AnalysisOutcome]:
    """The in-process path: ``nlp.pipe`` over the pieces of every document, in order, in
    batches of at most ``batch_size`` pieces and ``BATCH_CHARS`` characters. Yields each
    document when its last piece is done, and a ``PieceAnalysed`` for every other piece."""
    limit = piece_limit(nlp)
    pending: dict[int, _PiecesKept] = {}

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for number, item in enumerate(items):
            if cancel.is_set():
                return
            parts = split_text(item[2], limit)
            pending[number] = _PiecesKept(item, len(parts))
            for offset, piece in parts:
                yield piece, (number, offset)

    def batches() -> Iterator[list[tuple[str, tuple[int, int]]]]:
        batch: list[tuple[str, tuple[int, int]]] = []
        chars = 0
        for piece, place in pieces():
            if batch and (chars + len(piece) > BATCH_CHARS or len(batch) >= batch_size):
                yield batch
                batch, chars = [], 0
            batch.append((piece, place))
            chars += len(piece)
        if batch:
            yield batch

    for batch in batches():
        for doc, (number, offset) in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            if cancel.is_set():
                return
            document = pending[number]
            document.add(offset, doc)
            if document.complete:
                del pending[number]
                yield document.result()
            else:
                yield document.progress()
