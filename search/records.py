"""The records the engine hands out: frozen dataclasses (and one named tuple), never Whoosh or
spaCy objects.

A Whoosh hit dies with its searcher and a spaCy ``Doc`` holds a whole pipeline's vocabulary, so
everything that leaves ``search/`` is copied into one of these plain, immutable records first.
Character offsets always refer to the *cleaned* text of a document (``Document.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping, NamedTuple

EMPTY_METADATA: Mapping[str, str] = MappingProxyType({})
"""A shared empty metadata mapping (read-only)."""

ENTITY_LABELS: tuple[str, ...] = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip
"""spaCy's English named-entity labels, names before numbers: the labels an entity may be
given by a correction, in the order the explorer groups them."""

LOW_CONFIDENCE = 0.5
"""A quote whose confidence is below this is a guess (``Quote.guessed``): its speaker is shown
as one. Calibrated on the development news, never on the held-out pool."""

# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanText:
    """A document after decoding and cleaning: what is indexed, displayed and offset into."""

    title: str
    """The title found by the cleaner (a heading, a short first sentence, or the file name)."""
    text: str
    """Paragraphs joined by one blank line ("\\n\\n"); no control characters or escapes."""


@dataclass(frozen=True)
class SourceDocument:
    """One document read from the corpus, cleaned, ready to index."""

    id: str
    """Stable id: the path relative to the corpus root with ``/``; ``<file>#<id>`` for JSONL."""
    title: str
    text: str
    path: str
    """Absolute path of the file the document came from."""
    size: int
    """Size in bytes of the source (the file, or the JSONL record)."""
    modified: float | None
    """Modification time of the source file (seconds since the epoch), if known."""
    digest: str
    """Hash of the raw source content: what incremental indexing compares."""
    encoding: str = "utf-8"
    """The encoding the source was decoded from."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Extra fields (JSONL fields other than id/title/text), as strings."""


@dataclass(frozen=True)
class Unchanged:
    """A file or JSONL record whose raw bytes are those the index already holds: not read again."""

    id: str


@dataclass(frozen=True)
class Skipped:
    """A file or record that was not indexed, and why, in words a user understands."""

    path: str
    """The file (``file:line`` for a JSONL record) relative to the corpus, as a user reads it:
    a byte of the name that is not UTF-8 shows as U+FFFD."""
    reason: str
    rel: str = ""
    """The file's id form (``SourceFile.rel``) when it differs from ``path``: what the index
    knows the file by (``caf%E9.txt`` for ``caf�.txt``)."""

    @property
    def file(self) -> str:
        """The file's id form, whatever its name."""
        return self.rel or self.path


# --- search ----------------------------------------------------------------------------------


class DocumentInfo(NamedTuple):
    """One line of the document list: enough to show and sort without loading the text.

    A named tuple, not a dataclass: the list holds every document of the corpus, and a tuple
    is made from a catalog row three times faster (40,000 of them are on the first screen's
    path)."""

    id: str
    title: str
    words: int
    size: int
    modified: float | None


@dataclass(frozen=True)
class Document:
    """A whole document for the reader."""

    id: str
    title: str
    text: str
    path: str
    size: int
    modified: float | None
    encoding: str = "utf-8"
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    document: str
    title: str
    score: float
    snippet: str
    """Plain text excerpt around the best matches ("..." between fragments)."""
    highlights: tuple[tuple[int, int], ...] = ()
    """Spans (start, end) inside ``snippet`` that matched the query."""


@dataclass(frozen=True)
class SearchResult:
    """The answer to one query."""

    query: str
    hits: tuple[Hit, ...]
    total: int
    """How many documents matched (``hits`` holds at most the requested limit)."""
    elapsed: float
    """Seconds spent searching, highlighting included."""
    suggestion: str | None = None
    """A corrected query when this one finds little ("did you mean")."""


# --- analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """Where an entity is named in a document."""

    document: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """One real-world name across the corpus, with every place it is mentioned."""

    name: str
    """The canonical name: the fullest common form ("Lee Jae-myung", "United States")."""
    label: str
    """spaCy label: PERSON, ORG, GPE, LOC, DATE, MONEY, ..."""
    count: int
    documents: tuple[str, ...]
    aliases: tuple[str, ...]
    """Other surface forms joined to this entity ("President Lee", "Lee")."""
    mentions: tuple[Mention, ...]
    key: str = ""
    """Stable identity of the resolved entity across the corpus: what curations and field
    queries refer to (the entity key of its main name)."""
    disputed: bool = False
    """Its mentions' label votes disagree (see ``votes``): the label is a guess."""
    votes: tuple[tuple[str, int], ...] = ()
    """(label, mentions), most first, when ``disputed``."""
    curated: bool = False
    """A correction of the user's changed it (merge, rename, relabel)."""


@dataclass(frozen=True)
class EntityOverview:
    """The most mentioned entities of each label in some documents, and each label's total."""

    entities: tuple[Entity, ...]
    """Most mentioned first."""
    totals: dict[str, int]
    """How many entities each label has in those documents (more than ``entities`` holds
    when a label has more than the overview shows)."""


@dataclass(frozen=True)
class Quote:
    """A direct quotation and who said it."""

    document: str
    text: str
    """The words quoted, without the quotation marks."""
    speaker: str | None
    """Canonical entity name of the speaker, or None when the text does not say."""
    cue: str | None
    """The verb or construction that attributes it ("said", "noted", "according to", ":")."""
    start: int
    """Offset of the opening mark in the cleaned text."""
    end: int
    """Offset just past the closing mark."""
    confidence: float
    id: str = ""
    """Stable while the document's quote text is unchanged: a hash of the document id, the
    quote's text and its occurrence number among equal texts of the document."""
    speaker_curated: bool = False
    """The user set (or cleared) the speaker."""
    speaker_label: str | None = None
    """"PERSON", "ORG", or "DOCUMENT" for a document as source (a declaration, a report)."""

    @property
    def guessed(self) -> bool:
        """The speaker is a guess: the analysis was not sure (a user's choice never is)."""
        return not self.speaker_curated and self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class TermCount:
    term: str
    count: int


@dataclass(frozen=True)
class DocumentStats:
    """Figures for one document."""

    document: str
    title: str
    words: int
    sentences: int
    paragraphs: int
    distinct_words: int
    type_token_ratio: float
    mean_sentence_length: float
    readability: float
    """Flesch reading ease (higher is easier; 60-70 is plain English)."""
    grade_level: float
    """Flesch-Kincaid grade level."""
    reading_time_minutes: float
    distinctive_terms: tuple[str, ...] = ()
    """Terms frequent here and rare in the rest of the corpus (tf-idf)."""


@dataclass(frozen=True)
class SpeakerCount:
    speaker: str
    quotes: int


@dataclass(frozen=True)
class CorpusStats:
    """Figures for the whole corpus."""

    documents: int
    words: int
    sentences: int
    vocabulary: int
    top_terms: tuple[TermCount, ...]
    entity_counts: Mapping[str, int]
    """Distinct entities per label."""
    top_speakers: tuple[SpeakerCount, ...]
    per_document: tuple[DocumentStats, ...]
    analysed: int = 0
    """How many documents have been analysed so far (entities, quotes, sentences)."""


# --- corrections -----------------------------------------------------------------------------


class CurationAction(StrEnum):
    """What a correction does."""

    MERGE = "merge"
    RENAME = "rename"
    RELABEL = "relabel"
    HIDE = "hide"
    SPEAKER = "speaker"


@dataclass(frozen=True)
class Curation:
    """One correction a user made; stored per corpus, replayed in order over the automatic
    analysis, so it survives re-indexing and re-analysis."""

    action: CurationAction
    target: str
    """An entity's name (canonical or any alias) for merge/rename/relabel/hide; a quote id
    for speaker."""
    value: str | None
    """merge: the entity to merge into; rename: the new name; relabel: the label; speaker: the
    name, or None to clear; hide: None."""
    label: str | None = None
    """The target entity's label, when its name has several."""
    made: str = ""
    """ISO 8601 UTC time it was made."""


# --- progress and reports --------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A small, frequent note from a long job (indexing or analysis)."""

    stage: str
    """"scan", "index", "analyse"."""
    done: int
    total: int | None
    current: str = ""
    """The document being worked on, for display."""
    words_done: int = 0
    """Words of the documents done, and of the part done of a long one (analysis only)."""
    words_total: int | None = None
    """Words of every document the job will do (analysis only): a count of documents says
    little when one of them is as long as all the others together."""


@dataclass(frozen=True)
class IndexReport:
    """What one refresh of the text index did."""

    indexed: tuple[str, ...]
    """Ids added or re-indexed because they changed."""
    unchanged: int
    removed: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    elapsed: float
    bytes_indexed: int = 0
    interrupted: bool = False


@dataclass(frozen=True)
class AnalysisReport:
    """What one analysis pass did."""

    analysed: int
    words: int
    elapsed: float
    processes: int
    model: str
    interrupted: bool = False

    @property
    def words_per_second(self) -> float:
        return self.words / self.elapsed if self.elapsed > 0 else 0.0
