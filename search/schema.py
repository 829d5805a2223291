"""The Whoosh schema: which fields a document has and how each is analysed.

``body`` is stemmed (``tariff`` finds "tariffs") and stored, so snippets and the reader come
from the index itself. Its analyzer is Whoosh's ``StemmingAnalyzer`` fused into one loop
(``StemmingTokenizer``): the same tokens, positions and offsets, several times faster, since
analysing the text is most of what indexing costs. Term statistics and "did you mean" speak in
real words: ``search.vocabulary`` maps stems back to the words the corpus uses. The entity
fields hold no postings; their analyzer reduces a name to its entity key, so
``person:"Yoon Suk-yeol"`` and ``person:"Yoon Suk Yeol"`` are the same query.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem

from search.analysis.names import entity_key, strip_title
from search.stopwords import stop_words

SCHEMA_VERSION = 4
"""Bump when the Whoosh schema, what is stored, or the catalog's tables change: older indexes
are then rebuilt."""

NAME_SEPARATOR = "\n"
"""Separates the names of one entity field: names themselves never contain a newline."""

ENTITY_FIELDS = ("person", "org", "place", "speaker", "entity")
"""Fields queried as ``person:"Xi Jinping"``. They stay empty in Whoosh: the parser needs
them to turn a name into its entity key, and ``search.entity_filter`` answers them from the
catalog."""

LABEL_FIELDS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
"""Which entity field a spaCy label feeds besides the catch-all ``entity`` field."""


class EntityKeyTokenizer(Tokenizer):
    """Yields one token per name: the name's entity key, titles stripped ("President Lee" is
    "Lee").

    At index time the field value is names separated by ``NAME_SEPARATOR``; at query time it
    is the text the user typed after ``person:``, which is one name.
    """

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        offset = start_char
        for name in value.split(NAME_SEPARATOR):
            key = entity_key(strip_title(name))
            if key:
                token.text = key
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = name
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar = offset
                    token.endchar = offset + len(name)
                yield token
            offset += len(name) + 1


_TOKEN = re.compile(r"[\w*]+(?:\.?[\w*]+)*")
"""Whoosh's default token pattern (``RegexTokenizer``), without its capturing group."""
_MIN_LENGTH = 2
"""Shorter tokens are stop words, as in ``StemmingAnalyzer``."""
_BIG_ENDIAN = sys.byteorder == "big"


@lru_cache(maxsize=1 << 19)
def stem_word(word: str) -> str:
    """The Porter stem of a lowercase word, cached (a corpus has far fewer words than tokens)."""
    return porter_stem(word)


class StemmingTokenizer(Tokenizer):
    """Whoosh's ``StemmingAnalyzer`` (regex tokens, lowercase, stop words, Porter stems) in one
    loop instead of a chain of generators: identical tokens, positions and character offsets.

    ``terms_and_positions`` is the indexing fast path that ``StemmedPositions`` uses: it skips
    building a ``Token`` per word.
    """

    is_morph = True
    """It stems, like the analyzer it replaces (Whoosh asks when deciding about spelling)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _TOKEN.finditer(value) if tokenize else None
        spans = ((m.group(), m.start(), m.end()) for m in matches) if matches else [
            (value, 0, len(value))
        ]
        renumbered: int | None = None
        for raw, (text, start, end) in enumerate(spans, start_pos):
            word = text.lower()
            stopped = len(word) < _MIN_LENGTH or word in STOP_WORDS
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.boost = 1.0
            token.text = word if stopped else stem_word(word)
            if keeporiginal:
                token.original = text
            if positions:
                # StopFilter renumbers: the first kept token keeps its place, the rest follow it.
                if stopped:
                    token.pos = raw
                elif renumbered is None:
                    token.pos = renumbered = raw
                else:
                    renumbered += 1
                    token.pos = renumbered
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    @staticmethod
    def terms_and_positions(value: str) -> dict[str, list[int]]:
        """Stem -> positions of its tokens, as indexing with ``positions=True`` would give."""
        words = [text.lower() for text in _TOKEN.findall(value)]
        first = 0
        for first, word in enumerate(words):  # noqa: B007 - the loop finds the first kept word
            if len(word) >= _MIN_LENGTH and word not in STOP_WORDS:
                break
        terms: defaultdict[str, list[int]] = defaultdict(list)
        position = first
        for word in words:
            if len(word) >= _MIN_LENGTH and word not in STOP_WORDS:
                terms[stem_word(word)].append(position)
                position += 1
        return terms


def stems_and_words(text: str) -> Iterator[tuple[str, str]]:
    """(stem, lowercase word) for every indexed word of ``text``, in order: the analyzer's
    tokens without building a ``Token`` for each."""
    for found in _TOKEN.findall(text):
        word = found.lower()
        if len(word) >= _MIN_LENGTH and word not in STOP_WORDS:
            yield stem_word(word), word


class StemmedPositions(Positions):
    """Whoosh's ``Positions`` format with a compact encoding, fed by ``StemmingTokenizer``'s
    fast path when indexing.

    Whoosh pickles each posting's list of positions (about 15 bytes for one position, and
    a pickle call per posting both ways); here they are a typecode byte and a little-endian
    array of 16-bit (or, past 65,535, 32-bit) positions: encoded and decoded in C.
    """

    def word_values(
        self, value: str, analyzer: object, **kwargs: object
    ) -> Iterator[tuple[str, int, float, bytes]]:
        fast = getattr(analyzer, "terms_and_positions", None)
        if fast is None or kwargs.get("mode") != "index":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for word, found in fast(value).items():
            yield word, len(found), len(found) * boost, encode(found)

    def encode(self, poslist: list[int]) -> bytes:
        code = "H" if not poslist or poslist[-1] < 65536 else "I"
        packed = array(code, poslist)
        if _BIG_ENDIAN:
            packed.byteswap()
        return code.encode("ascii") + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array(chr(valuestring[0]))
        packed.frombytes(valuestring[1:])
        if _BIG_ENDIAN:
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // (2 if valuestring[:1] == b"H" else 4)

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(position, 1) for position in self.decode_positions(valuestring)]

    def combine(self, vs: list[bytes]) -> bytes:
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


def stemmed_text(stored: bool, field_boost: float = 1.0) -> TEXT:
    """A stemmed, positional text field (phrases work) using the fused analyzer."""
    field = TEXT(analyzer=StemmingTokenizer(), stored=stored, field_boost=field_boost)
    field.format = StemmedPositions(field_boost=field_boost)
    return field


def words_analyzer() -> object:
    """Unstemmed lowercase words of two letters or more, stop words and possessive 's out."""
    return (
        RegexTokenizer(r"[^\W_]+(?:['’](?![sS]\b)[^\W_]+)*")
        | LowercaseFilter()
        | StopFilter(stoplist=stop_words(), minsize=2)
    )


def build_schema() -> Schema:
    """The schema of every docscope index."""
    entity_field = TEXT(analyzer=EntityKeyTokenizer(), phrase=False)
    return Schema(
        id=ID(unique=True, stored=True),
        title=stemmed_text(stored=True, field_boost=2.0),
        body=stemmed_text(stored=True),
        # Stored only: nothing queries them, and an indexed number costs 8-16 terms a document.
        path=STORED(),
        size=STORED(),
        modified=STORED(),
        meta=STORED(),
        **{name: entity_field for name in ENTITY_FIELDS},
    )
