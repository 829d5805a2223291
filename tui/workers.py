"""The slow work, as plain functions that run on a worker thread and return a message.

Each job takes the ``Library`` and returns the message that carries its answer; ``JobRunner``
runs it with ``run_worker(thread=True, exclusive=True, group=...)`` and posts the message
unless the worker was cancelled meanwhile (a newer search made it stale); a search also asks,
between its stages, whether it has been, and stops early. Keeping the jobs free
of widgets means they never touch the screen from a thread, and tests can call them directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from functools import partial

from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import NoActiveWorker, Worker, get_current_worker

from search import CurationError, Library, QueryError, SearchCancelled
from search.records import Curation, Entity, Mention, Progress
from tui.messages import (
    AnalysisDone,
    CorpusStatsLoaded,
    CoverageLoaded,
    Curated,
    CurationFailed,
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
    NamesLoaded,
    QuotesLoaded,
    SearchDone,
    SearchFailed,
    TopEntitiesLoaded,
)

SEARCH_LIMIT = 50
"""How many ranked hits the results list shows."""
ENTITIES_PER_LABEL = 100
"""How many entities of each label the entities pane lists, the most mentioned (a corpus of
40,000 news articles names 41,000 people; a search for the others is one keystroke away)."""
PALETTE_ENTITIES = 20
"""How many of the corpus' most mentioned entities the command palette offers."""
NAMES_PER_LABEL = 300
"""How many of each label's most mentioned entities a correction's prompt offers as names."""


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


WRITING_GROUPS = frozenset({"index", "analyse"})
"""Jobs that write the index. Exit waits for them (they stop at their next check of the cancel
event); the other jobs only read, and are left behind on their daemon threads."""


class JobRunner:
    """Runs jobs on thread workers owned by one node and posts each job's message back to it.

    ``exclusive`` per group: a newer search cancels the older one, whose message is dropped.
    """

    def __init__(self, node: DOMNode, library: Library) -> None:
        self._node = node
        self._library = library
        self._lock = threading.Condition()
        self._writing = 0
        self._closed = False
        self._took: dict[str, float] = {}

    def run(self, group: str, job: Callable[..., Message | None], *args: object) -> Worker[None]:
        """Run ``job(library, *args)`` on a thread; post its message unless it went stale (or
        the job, stopping early, returned none)."""
        return self._node.run_worker(
            partial(self._post, group, job, self._library, *args),
            name=group,
            group=group,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _post(self, group: str, job: Callable[..., Message | None], *args: object) -> None:
        writes = group in WRITING_GROUPS
        with self._lock:
            if self._closed:  # the app has gone: a job that has not begun never will
                return
            self._writing += int(writes)
        started = time.monotonic()
        try:
            message = job(*args)
        finally:
            with self._lock:
                self._writing -= int(writes)
                self._took[group] = time.monotonic() - started
                self._lock.notify_all()
        if message is not None and not get_current_worker().is_cancelled:
            self._node.post_message(message)

    def took(self, group: str) -> float:
        """Seconds the last job of ``group`` took (0 before the first)."""
        with self._lock:
            return self._took.get(group, 0.0)

    @property
    def writing(self) -> int:
        """Jobs writing the index right now."""
        with self._lock:
            return self._writing

    def close(self) -> None:
        """Start no more jobs, and wait for those writing the index to stop (after exit, with
        the cancel event set, each stops at its next check)."""
        with self._lock:
            self._closed = True
            self._lock.wait_for(lambda: self._writing == 0)

    def busy(self, *groups: str) -> bool:
        """Is a worker of one of ``groups`` running?"""
        return any(w.group in groups and w.is_running for w in self._node.workers)


def notify_failure(node: DOMNode, worker: Worker[None]) -> None:
    """A job failed: a notification, never a crash."""
    node.notify(
        f"{worker.name}: {worker.error}",
        title="Something went wrong",
        severity="error",
        markup=False,
    )


def next_mention(
    entity: Entity, open_id: str | None, last: tuple[str, int]
) -> tuple[Mention, int, int] | None:
    """The mention ``m`` steps to: (mention, its index, how many), given the last step.

    A new entity starts at its first mention in the open document (or its first overall);
    the same entity again moves on to the next, wrapping round.
    """
    mentions = sorted(entity.mentions, key=lambda m: (m.document, m.start))
    if not mentions:
        return None
    name, index = last
    if name == entity.name:
        index = (index + 1) % len(mentions)
    else:
        here = [i for i, m in enumerate(mentions) if m.document == open_id]
        index = here[0] if here else 0
    return mentions[index], index, len(mentions)


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


def worker_cancelled() -> bool:
    """Was the worker running this job cancelled (a newer job of its group replaced it)?
    False outside a worker, as when a test calls a job directly."""
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


def search_job(library: Library, query: str, sort: str) -> Message | None:
    """Ranked hits for ``query``, or every document in ``sort`` order when it is blank; None
    when the next keystroke's search replaced this one before it was done."""
    if not query.strip():
        return ListingDone(library.documents(sort=sort), sort)
    try:
        return SearchDone(library.search(query, limit=SEARCH_LIMIT, stale=worker_cancelled))
    except QueryError as error:
        return SearchFailed(query, str(error))
    except SearchCancelled:
        return None


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
    """The most mentioned entities of each label within ``documents`` (None: the corpus)."""
    return EntitiesLoaded(library.entity_overview(documents, ENTITIES_PER_LABEL), scope)


def top_entities_job(library: Library) -> Message:
    """The corpus' most mentioned entities, for the palette."""
    return TopEntitiesLoaded(library.entities(limit=PALETTE_ENTITIES))


def quotes_job(library: Library, documents: Collection[str] | None) -> Message:
    """Quotes within ``documents`` (None: the whole corpus)."""
    return QuotesLoaded(library.quotes(documents=documents))


def corpus_stats_job(library: Library) -> Message:
    """Figures for the whole corpus (not each document's: the pane shows none of them, and
    they mean reading every document)."""
    return CorpusStatsLoaded(library.corpus_stats(per_document=False))


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


def curate_job(library: Library, curation: Curation) -> Message:
    """Store a correction; a ``CurationError`` (no such entity, not a label) comes back as words
    to show, and nothing changed."""
    try:
        return Curated(library.curate(curation))
    except CurationError as error:
        return CurationFailed(str(error))


def undo_job(library: Library) -> Message:
    """Take back the last correction of the corpus."""
    undone = library.undo_curation()
    if undone is None:
        return CurationFailed("Nothing to undo: no corrections made")
    return Curated(undone, undone=True)


def coverage_job(library: Library) -> Message:
    """How many documents of how many are analysed."""
    return CoverageLoaded(*library.analysis_coverage())


def names_job(library: Library) -> Message:
    """The corpus' most mentioned entities of each label, for a prompt's suggestions."""
    return NamesLoaded(library.entity_overview(None, NAMES_PER_LABEL).entities)
