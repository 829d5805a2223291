"""The slow work, as plain functions that run on a worker thread and return a message.

Each job takes the ``Library`` and returns the message that carries its answer; the app runs
it with ``run_worker(thread=True, exclusive=True, group=...)`` and posts the message unless
the worker was cancelled meanwhile (a newer search made it stale). Keeping the jobs free of
widgets means they never touch the screen from a thread, and tests can call them directly.
"""

from __future__ import annotations

import threading
from functools import partial
from collections.abc import Collection

from textual.message import Message
from textual.message_pump import MessagePump

from search import Library, QueryError
from search.records import Mention, Progress
from tui.messages import (
    AnalysisDone,
    CorpusStatsLoaded,
    DispersionLoaded,
    DocumentLoaded,
    DocumentStatsLoaded,
    EntitiesLoaded,
    HitsLoaded,
    IndexDone,
    JobCommitted,
    JobProgress,
    ListingDone,
    MentionsLoaded,
    QuotesLoaded,
    SearchDone,
    SearchFailed,
)

SEARCH_LIMIT = 50
"""How many ranked hits the results list shows."""


class ProgressRelay:
    """Coalesces a flood of progress callbacks from a thread into one message per frame.

    The thread stores the newest ``Progress`` and posts ``JobProgress`` only when the app has
    taken the previous one, so a fast indexer never floods the message queue.
    """

    def __init__(self, target: MessagePump) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._latest: Progress | None = None
        self._pending = False

    def __call__(self, progress: Progress) -> None:
        """The engine's progress callback (called on the worker thread)."""
        with self._lock:
            self._latest = progress
            if self._pending:
                return
            self._pending = True
        self._target.post_message(JobProgress())

    def committed(self, stage: str) -> None:
        """A batch was committed (called on the worker thread)."""
        self._target.post_message(JobCommitted(stage))

    def take(self) -> Progress | None:
        """The newest progress (on the event loop); the next callback posts again."""
        with self._lock:
            self._pending = False
            return self._latest


def index_job(library: Library, relay: ProgressRelay, cancel: threading.Event) -> Message:
    """Bring the text index up to date, unless it already is (a cheap check)."""
    if not library.needs_refresh():
        return IndexDone(None)
    report = library.refresh(
        progress=relay, cancel=cancel, on_commit=partial(relay.committed, "index")
    )
    return IndexDone(report)


def analyse_job(library: Library, relay: ProgressRelay, cancel: threading.Event) -> Message:
    """Analyse what waits for it; skip loading the NLP pipeline when nothing does."""
    pending = 0 if cancel.is_set() else library.pending_analysis()
    if pending == 0:
        return AnalysisDone(None)
    relay(Progress("analyse", 0, pending))  # says analysis has begun, before the model loads
    report = library.analyse(
        progress=relay, cancel=cancel, on_commit=partial(relay.committed, "analyse")
    )
    return AnalysisDone(report)


def search_job(library: Library, query: str, sort: str) -> Message:
    """Ranked hits for ``query``, or every document in ``sort`` order when it is blank."""
    if not query.strip():
        return ListingDone(library.documents(sort=sort), sort)
    try:
        return SearchDone(library.search(query, limit=SEARCH_LIMIT))
    except QueryError as error:
        return SearchFailed(query, str(error))


def _hits(library: Library, doc_id: str, query: str) -> list[tuple[int, int]]:
    if not query.strip():
        return []
    try:
        return library.match_spans(doc_id, query)
    except QueryError:
        return []


def _mentions(library: Library, doc_id: str) -> list[tuple[Mention, str]]:
    mentions = [
        (mention, entity.label)
        for entity in library.entities(documents=[doc_id])
        for mention in entity.mentions
        if mention.document == doc_id
    ]
    mentions.sort(key=lambda pair: (pair[0].start, pair[0].end))
    return mentions


def document_job(
    library: Library, doc_id: str, query: str, target: tuple[int, int] | None
) -> Message:
    """A document with its query hits and entity mentions, ready for the reader."""
    document = library.document(doc_id)
    return DocumentLoaded(
        document, query, _hits(library, doc_id, query), _mentions(library, doc_id), target
    )


def hits_job(library: Library, doc_id: str, query: str) -> Message:
    """New query hits for the open document."""
    return HitsLoaded(doc_id, query, _hits(library, doc_id, query))


def mentions_job(library: Library, doc_id: str) -> Message:
    """Entity mentions for the open document (after analysis)."""
    return MentionsLoaded(doc_id, _mentions(library, doc_id))


def entities_job(library: Library, scope: str, documents: Collection[str] | None) -> Message:
    """Entities within ``documents`` (None: the whole corpus)."""
    return EntitiesLoaded(library.entities(documents=documents), scope)


def quotes_job(library: Library, documents: Collection[str] | None) -> Message:
    """Quotes within ``documents`` (None: the whole corpus)."""
    return QuotesLoaded(library.quotes(documents=documents))


def corpus_stats_job(library: Library) -> Message:
    """Figures for the whole corpus."""
    return CorpusStatsLoaded(library.corpus_stats())


def document_stats_job(library: Library, doc_id: str) -> Message:
    """Figures for one document; None when the document vanished from the index."""
    try:
        return DocumentStatsLoaded(library.document_stats(doc_id))
    except KeyError:
        return DocumentStatsLoaded(None)


def dispersion_job(library: Library, doc_id: str, term: str, length: int) -> Message:
    """Where ``term`` occurs along a document of ``length`` characters, from 0 to 1."""
    spans = library.match_spans(doc_id, term)
    size = max(1, length)
    return DispersionLoaded(term, [start / size for start, _end in spans])
