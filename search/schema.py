"""The Whoosh schema: which fields a document has and how each is analysed.

``body`` is stemmed (``tariff`` finds "tariffs") and stored, so snippets and the reader come
from the index itself. ``words`` indexes the same text unstemmed and without stop words: it
feeds term statistics and "did you mean", which must speak in real words, not stems. The
entity fields hold names found by analysis; their analyzer reduces every name to its entity
key, so ``person:"Yoon Suk-yeol"`` and ``person:"Yoon Suk Yeol"`` are the same query.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from search.analysis.names import entity_key, strip_title
from search.stopwords import stop_words

SCHEMA_VERSION = 3
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
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        words=TEXT(analyzer=words_analyzer(), phrase=False),
        path=ID(stored=True),
        size=NUMERIC(stored=True),
        modified=NUMERIC(numtype=float, stored=True),
        meta=STORED(),
        **{name: entity_field for name in ENTITY_FIELDS},
    )
