"""What the analysis pipeline finds in one document, before it is stored.

These are engine-internal: ``search.library`` turns them into the public records of
``search.records`` (Entity, Quote, DocumentStats) when it reads them back from storage.
All offsets are character offsets into the cleaned text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityMention:
    """One mention of a named entity, already joined to its entity within the document."""

    start: int
    end: int
    text: str
    """The clean surface form ("President Lee" -> kept as written, minus "the"/"'s")."""
    label: str
    key: str
    """Cross-document identity: ``names.entity_key(name)``; equal keys are one entity."""
    name: str
    """The canonical name of this mention's entity within the document ("Lee Jae-myung")."""


@dataclass(frozen=True)
class QuoteFound:
    """One direct quotation found in one document."""

    start: int
    """Offset of the opening quotation mark."""
    end: int
    """Offset just past the closing quotation mark."""
    text: str
    """The quoted words without the marks."""
    speaker: str | None
    """Canonical name of the speaker within the document, or None."""
    speaker_key: str | None
    """``names.entity_key(speaker)``, or None."""
    cue: str | None
    confidence: float
    speaker_label: str | None = None
    """"PERSON", "ORG" or "DOCUMENT" (a statement, a report as the source); None without a speaker."""


@dataclass(frozen=True)
class TextFigures:
    """Counts and readability of one document."""

    words: int
    sentences: int
    paragraphs: int
    distinct_words: int
    readability: float
    """Flesch reading ease."""
    grade_level: float
    """Flesch-Kincaid grade."""


@dataclass(frozen=True)
class DocumentAnalysis:
    """Everything the pipeline found in one version of one document."""

    document: str
    digest: str
    """The ``SourceDocument.digest`` analysed: a changed document is analysed again."""
    mentions: tuple[EntityMention, ...]
    quotes: tuple[QuoteFound, ...]
    figures: TextFigures


@dataclass(frozen=True)
class PieceAnalysed:
    """A piece of a long document was analysed; the document itself is not finished yet.

    A 50 MB document is about 2,500 pieces and takes over an hour: these notes let the caller
    report progress inside it and commit what other documents finished meanwhile."""

    document: str
    done: int
    """Characters of the document analysed so far."""
    total: int
    """Characters in the whole document."""


AnalysisOutcome = DocumentAnalysis | PieceAnalysed
"""What the analysis stream yields: finished documents, and progress inside long ones."""
