"""Documents through one spaCy pipeline: long texts in pieces, pieces in batches, one result each.

The parser and entity recogniser's working memory follows the characters they are given at
once, so a long document is cut into pieces (between paragraphs) and pieces go to
``nlp.pipe`` in batches bounded by characters as well as by count. The pieces of a document are
joined back into one ``DocumentAnalysis``: mentions first, then quotes piece by piece, then
figures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from search.analysis.entities import clean_mentions
from search.analysis.entity_joining import CleanMention, join_mentions
from search.analysis.figures import Counts, count, figures_from
from search.analysis.results import DocumentAnalysis, EntityMention, QuoteFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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
    docs = list(nlp.pipe(piece for _, piece in pieces))
    placed = [(offset, doc) for (offset, _), doc in zip(pieces, docs)]
    return _analyse_pieces(doc_id, digest, text, placed)


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


def _analyse_pieces(
    doc_id: str, digest: str, text: str, pieces: Sequence[tuple[int, Doc]]
) -> DocumentAnalysis:
    """Join the mentions of all pieces, then find quotes piece by piece, then add up figures."""
    cleaned: list[CleanMention] = []
    counts: list[Counts] = []
    for offset, doc in pieces:
        cleaned.extend(m.shifted(offset) for m in clean_mentions(doc))
        counts.append(count(doc))
    mentions = join_mentions(cleaned)
    quotes: list[QuoteFound] = []
    if len(pieces) == 1:
        quotes = _extract_quotes(pieces[0][1], mentions)
    else:
        for offset, doc in pieces:
            quotes.extend(_quotes(doc, offset, mentions))
    return DocumentAnalysis(
        document=doc_id,
        digest=digest,
        mentions=tuple(mentions),
        quotes=tuple(quotes),
        figures=figures_from(counts, text),
    )


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
) -> Iterator[DocumentAnalysis]:
    """The in-process path: ``nlp.pipe`` over the pieces of every document, in order, in
    batches of at most ``batch_size`` pieces and ``BATCH_CHARS`` characters."""
    limit = piece_limit(nlp)
    pending: dict[int, tuple[Item, int, list[tuple[int, Doc]]]] = {}

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for number, item in enumerate(items):
            if cancel.is_set():
                return
            parts = split_text(item[2], limit)
            pending[number] = (item, len(parts), [])
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
            item, expected, done = pending[number]
            done.append((offset, doc))
            if len(done) == expected:
                del pending[number]
                yield _analyse_pieces(item[0], item[1], item[2], done)
