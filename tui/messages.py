"""Messages the background jobs post to the app: results of slow work, and progress.

Panes report with messages nested in their own classes (``ResultList.Opened``); these are the
app-wide ones that carry what a worker computed on a thread back to the event loop, where the
app hands it to the panes. Every one is a plain, immutable payload of engine records.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from search.records import (
    AnalysisReport,
    CorpusStats,
    Curation,
    Document,
    DocumentInfo,
    DocumentStats,
    Entity,
    EntityOverview,
    IndexReport,
    Mention,
    Quote,
    SearchResult,
)


class JobProgress(Message):
    """Indexing or analysis moved on; the newest ``Progress`` waits in the relay.

    Carries nothing so that a thousand callbacks a second cost one message per frame: the relay
    posts a new one only after the app has taken the previous value.
    """


class JobCommitted(Message):
    """Indexing or analysis committed a batch: what is searchable (or analysed) grew."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        """"index" or "analyse"."""
        super().__init__()


class IndexDone(Message):
    """``library.refresh`` finished (or was interrupted)."""

    def __init__(self, report: IndexReport | None) -> None:
        self.report = report
        """What the refresh did; None when the index was already up to date."""
        super().__init__()


class AnalysisDone(Message):
    """``library.analyse`` finished (or was interrupted)."""

    def __init__(self, report: AnalysisReport | None) -> None:
        self.report = report
        """What the analysis did; None when nothing was waiting for it."""
        super().__init__()


class SearchDone(Message):
    """Ranked hits for a query."""

    def __init__(self, result: SearchResult) -> None:
        self.result = result
        """The engine's answer."""
        super().__init__()


class ListingDone(Message):
    """Every document, for the empty query."""

    def __init__(self, documents: Sequence[DocumentInfo], sort: str) -> None:
        self.documents = tuple(documents)
        """The documents in ``sort`` order."""
        self.sort = sort
        """"title", "words" or "modified"."""
        super().__init__()


class SearchFailed(Message):
    """The query could not be parsed; ``error`` is one line fit to show."""

    def __init__(self, query: str, error: str) -> None:
        self.query = query
        """The query that failed."""
        self.error = error
        """The engine's one-line explanation."""
        super().__init__()


class DocumentLoaded(Message):
    """A document and what the reader paints on it."""

    def __init__(
        self,
        document: Document,
        query: str,
        spans: Sequence[tuple[int, int]],
        mentions: Sequence[tuple[Mention, str]],
        target: tuple[int, int] | None,
    ) -> None:
        self.document = document
        """The whole cleaned document."""
        self.query = query
        """The query the hits were computed for."""
        self.spans = tuple(spans)
        """Query hits, in order."""
        self.mentions = tuple(mentions)
        """Entity mentions in this document with their labels."""
        self.target = target
        """A span to scroll to and mark (a quote, a mention), or None for the first hit."""
        super().__init__()


class EntitiesLoaded(Message):
    """Entities for the entities pane, within one scope."""

    def __init__(self, overview: EntityOverview, scope: str) -> None:
        self.entities = overview.entities
        """The most mentioned of each label, most mentioned first."""
        self.totals = overview.totals
        """How many entities each label has in the scope."""
        self.scope = scope
        """"document", "results" or "corpus"."""
        super().__init__()


class TopEntitiesLoaded(Message):
    """The corpus' most mentioned entities, for the command palette."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = tuple(entities)
        """Most mentioned first."""
        super().__init__()


class QuotesLoaded(Message):
    """Quotes for the quotes pane."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = tuple(quotes)
        """In document order."""
        super().__init__()


class CorpusStatsLoaded(Message):
    """Figures for the whole corpus."""

    def __init__(self, stats: CorpusStats) -> None:
        self.stats = stats
        """The corpus figures."""
        super().__init__()


class DocumentStatsLoaded(Message):
    """Figures for the open document (None when it has none yet)."""

    def __init__(self, stats: DocumentStats | None) -> None:
        self.stats = stats
        """The document's figures."""
        super().__init__()


class DispersionLoaded(Message):
    """Where a term occurs along the open document."""

    def __init__(self, term: str, positions: Sequence[float]) -> None:
        self.term = term
        """The term asked for."""
        self.positions = tuple(positions)
        """Relative positions, 0 (start) to 1 (end)."""
        super().__init__()


class HitsLoaded(Message):
    """Query hits for the open document, after the query changed."""

    def __init__(self, document: str, query: str, spans: Sequence[tuple[int, int]]) -> None:
        self.document = document
        """The document id."""
        self.query = query
        """The query the hits are for."""
        self.spans = tuple(spans)
        """Character spans, in order."""
        super().__init__()


class MentionsLoaded(Message):
    """Entity mentions for the open document, after analysis caught up."""

    def __init__(self, document: str, mentions: Sequence[tuple[Mention, str]]) -> None:
        self.document = document
        """The document id."""
        self.mentions = tuple(mentions)
        """Mentions with their labels, in text order."""
        super().__init__()


class Curated(Message):
    """A correction was stored, or the last one undone: everything showing the analysis reloads."""

    def __init__(self, curation: Curation, *, undone: bool = False) -> None:
        self.curation = curation
        """The correction, as the engine stored it (or as it was, when undone)."""
        self.undone = undone
        """The correction was taken back rather than made."""
        super().__init__()


class CurationFailed(Message):
    """A correction could not be made (or there was none to undo); nothing changed."""

    def __init__(self, error: str) -> None:
        self.error = error
        """One line fit to show: the engine's ``CurationError`` or "Nothing to undo"."""
        super().__init__()


class CoverageLoaded(Message):
    """How much of the corpus analysis has reached, for the panes' "analysed 40%"."""

    def __init__(self, analysed: int, documents: int) -> None:
        self.analysed = analysed
        """Documents analysed."""
        self.documents = documents
        """Documents in the index."""
        super().__init__()


class NamesLoaded(Message):
    """The corpus' entity names, offered by a correction's prompt."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = tuple(entities)
        """The most mentioned entities of each label."""
        super().__init__()
