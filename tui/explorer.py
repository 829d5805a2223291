"""The explorer screen: the panes, and the routing of data between them and the Library.

Attributes down, messages up: panes report with nested messages, the screen runs the slow work
on thread workers (``tui/workers.py``) and hands each answer to the pane that shows it through
its ``show_*`` method. The side panes load their own data (``tui/side_panes.py``): the screen
only tells them what changed. No pane knows another, and nothing here reads a pane's insides.
"""

from __future__ import annotations

import gc
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from search import Library
from search.library import entity_query
from search.records import DocumentInfo, Entity
from search.schema import ENTITY_FIELDS
from tui import messages as msg
from tui import workers as jobs
from tui.panes.entities import EntitiesPane
from tui.panes.quotes import QuotesPane
from tui.panes.statistics import StatsPane
from tui.quiet_gc import FULL_COLLECTION_EVERY, QuietCollections
from tui.reader import Reader
from tui.results import ResultList, empty_corpus_message
from tui.search_box import SearchBox
from tui.side_panes import SidePanes
from tui.status import JobStatus

RERUN_EVERY = 0.5
"""While indexing, re-run the current query on a commit at most this often (seconds)."""
PANES_EVERY = 2.0
"""While analysing, refresh the side panes on a commit at most this often (seconds)."""
PANES_SHARE = 0.2
"""While analysing, the side panes' reloads take at most this share of the time: a reload that
took 1.5 s (a large corpus) waits 7.5 s for the next. The interpreter is the typing's, and the
cores the analysis workers'."""
PANES_DELAY = 0.3
"""Seconds the results must stay put (no search running) before the side panes follow them:
reloading them on every keystroke would compete with the next search for the interpreter."""
TYPING_QUIET = 1.0
"""Seconds after a keystroke during which background refreshes (the side panes while analysis
commits, the current query re-run while indexing commits) wait for the next commit: each would
compete with the keystroke's search for the interpreter, or, for a re-run, cancel it."""
ENTITY_FIELD = re.compile(rf"\b(?:{'|'.join(ENTITY_FIELDS)}):", re.IGNORECASE)
"""A query field answered from the analysis (``person:``, ``speaker:``...): a correction can
change its hits."""
TABS: dict[str, str] = {"entities": "entities-tab", "quotes": "quotes-tab", "stats": "stats-tab"}
"""Side pane id to its tab id."""


def corpus_root(library: Library) -> Path:
    """The folder document paths are shown relative to."""
    return library.corpus if library.corpus.is_dir() else library.corpus.parent


class ExplorerScreen(Screen[None]):
    """Search box on top; results, reader and side panes below; progress and keys at the foot."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    """Below 110 columns the side panes fold away (``p``, ``e``, ``u``, ``s`` bring them back)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="app.focus_search", tooltip="Type a query"),
        Binding("escape", "back", "Back", show=False, id="app.back",
                tooltip="Back out: reader, then results, then the search box"),
        Binding("e", "show_tab('entities')", "Entities", show=False, id="app.entities",
                tooltip="People, organisations and places"),
        Binding("u", "show_tab('quotes')", "Quotes", show=False, id="app.quotes",
                tooltip="Quotes and who said them"),
        Binding("s", "show_tab('stats')", "Statistics", show=False, id="app.statistics",
                tooltip="Figures for the corpus and the open document"),
        Binding("p", "toggle_side", "Side panes", show=False, id="app.toggle_side",
                tooltip="Show or hide the entities, quotes and statistics panes"),
    ]  # fmt: skip
    """Keys that give way to a focused input: typing "s" in the search box types an s."""

    def __init__(
        self,
        library: Library,
        cancel: threading.Event,
        debounce: float = 0.0,
        panes_delay: float = PANES_DELAY,
        *,
        listing: Sequence[DocumentInfo] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        """The corpus and its index: the only way to the data."""
        self.cancel = cancel
        """Set on exit: indexing and analysis stop at their next check."""
        self.debounce = debounce
        """Seconds of quiet typing before a search (0: search on every key; see ``SearchBox``)."""
        self.panes_delay = panes_delay
        """Seconds the results must settle before the side panes follow them (tests use 0)."""
        self.jobs = jobs.JobRunner(self, library)
        """Runs the slow work on threads and posts the answers here."""
        self.catalog: list[DocumentInfo] = []
        """Every indexed document, for the command palette."""
        self.top_entities: list[Entity] = []
        """The corpus's most mentioned entities, for the command palette."""
        self.current_query = ""
        """The query the results show."""
        self.sort = "title"
        """The order of the document list."""
        self.result_ids: list[str] = []
        """Documents in the results list (every document for the empty query)."""
        self.open_id: str | None = None
        """The document in the reader."""
        self.analysing = False
        """Analysis is running: panes say their figures are partial."""
        self._relay = jobs.ProgressRelay(self)
        self._last_rerun = 0.0
        self._last_panes = 0.0
        self._last_key = float("-inf")
        self._mention_step: tuple[str, int] = ("", -1)
        self._started = False
        self._panes_timer: Timer | None = None
        self._listing: tuple[str, tuple[DocumentInfo, ...]] | None = None
        self._collections = QuietCollections()
        self._first_listing = listing

    def compose(self) -> ComposeResult:
        yield SearchBox(self.debounce, id="search-box")
        with Horizontal(id="main"):
            yield ResultList(id="results")
            yield Reader(corpus_root(self.library), id="reader")
            with SidePanes(self.library, id="side") as side:
                with TabPane("Entities", id="entities-tab"):
                    yield EntitiesPane(scope=side.entity_scope, id="entities")
                with TabPane("Quotes", id="quotes-tab"):
                    yield QuotesPane(id="quotes")
                with TabPane("Stats", id="stats-tab"):
                    yield StatsPane(id="stats")
        yield JobStatus(id="job-status")
        yield Footer()

    def on_mount(self) -> None:
        gc.freeze()  # see _start_background
        self._collections.install()
        self.set_interval(FULL_COLLECTION_EVERY, self._collect_garbage_if_quiet)
        self.query_one(SearchBox).focus_input()
        # The document list first: background work starts once it is up. When it was read
        # before start-up, it is in the first frame (a worker would be sharing the one
        # interpreter lock with that frame's painting, and a second frame would follow).
        if self._first_listing is not None:
            self._accept_listing("title", tuple(self._first_listing))
            self._first_listing = None
        else:
            self._search()

    def on_unmount(self) -> None:
        self._collections.uninstall()

    def _collect_garbage_if_quiet(self) -> None:
        """A full garbage collection, unless the user is typing (see ``tui/quiet_gc.py``)."""
        self._collections.collect_if_quiet(not self._typing(time.monotonic()))

    def fit_width(self, width: int) -> None:
        """Take the breakpoint class of ``width`` before the first resize event: the event then
        changes no class, and spares restyling every widget during start-up."""
        fitting = [name for min_width, name in self.HORIZONTAL_BREAKPOINTS if width >= min_width]
        classes = {name: name == fitting[-1] for _min_width, name in self.HORIZONTAL_BREAKPOINTS}
        self.update_classes(classes, update=False)

    @property
    def panes(self) -> list[Widget]:
        """The panes whose keys the help lists."""
        return [
            self.query_one(SearchBox),
            self.query_one(ResultList),
            self.query_one(Reader),
            self.query_one(EntitiesPane),
            self.query_one(QuotesPane),
            self.query_one(StatsPane),
        ]

    # --- background work ---------------------------------------------------------------------

    def _start_background_once(self) -> None:
        """After the first list is on screen: update the index, then fill the side panes."""
        if not self._started:
            self._started = True
            self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        # The modules, the widgets (frozen on mount) and now the document list live as long as
        # the app. Left to the collector, each full collection would walk all of them, a tenth
        # of a second with 40,000 documents: long enough to stall start-up or a keystroke.
        gc.freeze()
        self.run_worker(self.library.warm_up, name="warm-up", group="warm-up", thread=True)
        self.jobs.run("index", jobs.index_job, self._relay, self.cancel)
        self._refresh_panes()

    def rebuild_index(self) -> None:
        """Index new and changed documents, then analyse them (the palette's "Index: rebuild")."""
        if self.jobs.busy("index", "analyse"):
            self.notify("Already indexing", timeout=3)
            return
        self.jobs.run("index", jobs.index_job, self._relay, self.cancel)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where the explorer's own jobs fail (the side panes' land in ``SidePanes``): a
        notification, never a crash."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        if worker.group in ("index", "analyse"):
            self.analysing = False
            self.query_one(JobStatus).finish()
            self._refresh_panes()
        elif worker.group == "search":
            self.query_one(SearchBox).show_error(f"search failed: {worker.error}")
            self._start_background_once()
        jobs.notify_failure(self, worker)

    @on(msg.JobProgress)
    def _job_progress(self, event: msg.JobProgress) -> None:
        progress = self._relay.take()
        if progress is None:
            return
        self.query_one(JobStatus).show_progress(progress)
        if progress.stage == "analyse" and not self.analysing:
            self.analysing = True
            self._refresh_panes()  # so the panes say their figures are still coming

    @on(msg.JobCommitted)
    def _job_committed(self, event: msg.JobCommitted) -> None:
        """A batch landed: search what is indexed so far; fill the panes as analysis goes."""
        now = time.monotonic()
        if self._typing(now):
            return  # the next commit will do it, or the job's end
        if event.stage == "index" and now - self._last_rerun >= RERUN_EVERY:
            self._last_rerun = now
            self._search(reload=True)
        elif event.stage == "analyse" and now - self._last_panes >= self._panes_interval():
            self._last_panes = now
            self._refresh_panes()

    def _typing(self, now: float) -> bool:
        """Is the user typing (a key within ``TYPING_QUIET``, or its search still running)?"""
        return now - self._last_key < TYPING_QUIET or self.jobs.busy("search")

    @on(msg.IndexDone)
    def _index_done(self, event: msg.IndexDone) -> None:
        self.query_one(JobStatus).finish()
        report = event.report
        if report is None or not report.interrupted:  # the index now reflects the corpus
            skipped = report.skipped if report is not None else ()
            self.query_one(ResultList).no_documents = empty_corpus_message(
                str(self.library.corpus), self.library.supported_endings(), skipped
            )
            if report is None and not self.catalog:
                self._search(reload=True)  # the empty list says why now
        if report is not None:
            self._search(reload=True)
            self._refresh_panes()
            if report.skipped:
                count = len(report.skipped)
                self.notify(
                    f"Skipped {count:,} {'document' if count == 1 else 'documents'}"
                    " that could not be read (see 'docscope index')",
                    severity="warning",
                    markup=False,
                )
        if not self.cancel.is_set():
            self.jobs.run("analyse", jobs.analyse_job, self._relay, self.cancel)

    @on(msg.AnalysisDone)
    def _analysis_done(self, event: msg.AnalysisDone) -> None:
        self.query_one(JobStatus).finish()
        if event.report is not None or self.analysing:
            self.analysing = False
            self._refresh_panes()

    # --- searching ---------------------------------------------------------------------------

    def _search(self, *, reload: bool = False) -> None:
        """Search for the current query. A blank one lists every document: the last listing
        is shown again when it is in the same order, unless the index changed (``reload``)."""
        if reload:
            self._listing = None
        if not self.current_query.strip() and self._listing and self._listing[0] == self.sort:
            self._show_listing(*self._listing)
        else:
            self.jobs.run("search", jobs.search_job, self.current_query, self.sort)

    @on(SearchBox.QueryChanged)
    def _query_changed(self, event: SearchBox.QueryChanged) -> None:
        self._last_key = time.monotonic()
        self.current_query = event.query
        self._search()
        if self._panes_timer is not None:  # typing goes on: the panes wait for its results
            self._defer_panes()
        if self.open_id is not None:
            self.jobs.run("hits", jobs.hits_job, self.open_id, event.query)

    @on(SearchBox.Submitted)
    def _query_submitted(self, event: SearchBox.Submitted) -> None:
        self.query_one(ResultList).focus()

    @on(msg.SearchDone)
    def _search_done(self, event: msg.SearchDone) -> None:
        self._start_background_once()
        if event.result.query != self.current_query:
            return
        self.query_one(ResultList).show_hits(event.result)
        self.query_one(SearchBox).show_result(event.result)
        self._results_changed([hit.document for hit in event.result.hits])

    @on(msg.ListingDone)
    def _listing_done(self, event: msg.ListingDone) -> None:
        self._accept_listing(event.sort, event.documents)

    def _accept_listing(self, sort: str, documents: tuple[DocumentInfo, ...]) -> None:
        self._start_background_once()
        self._listing = (sort, documents)
        self.catalog = list(documents)
        if not self.current_query.strip():
            self._show_listing(sort, documents)

    def _show_listing(self, sort: str, documents: tuple[DocumentInfo, ...]) -> None:
        self.query_one(ResultList).show_documents(documents, sort)
        self.query_one(SearchBox).show_listing(len(documents), sort)
        self._results_changed([info.id for info in documents])

    @on(msg.SearchFailed)
    def _search_failed(self, event: msg.SearchFailed) -> None:
        if event.query == self.current_query:
            self.query_one(SearchBox).show_error(event.error)

    def _results_changed(self, ids: list[str]) -> None:
        """New results: the panes that follow them reload once the results have settled."""
        if ids == self.result_ids:
            return
        self.result_ids = ids
        self._defer_panes()

    def _defer_panes(self) -> None:
        """(Re)start the countdown to reloading the panes that follow the results."""
        if self._panes_timer is not None:
            self._panes_timer.stop()
            self._panes_timer = None
        if self.panes_delay <= 0:
            self._load_result_panes()
        else:
            self._panes_timer = self.set_timer(self.panes_delay, self._results_settled)

    def _results_settled(self) -> None:
        self._panes_timer = None
        if self.jobs.busy("search"):  # more results are on their way
            self._defer_panes()
        else:
            self._load_result_panes()

    def _load_result_panes(self) -> None:
        self.query_one(SidePanes).follow_results(self.current_query, self.result_ids)

    @on(ResultList.SortChanged)
    def _sort_changed(self, event: ResultList.SortChanged) -> None:
        self.sort = event.sort
        self._search()

    def filter_by_entity(self, entity: Entity) -> None:
        """Search for the documents that mention ``entity`` (its field query)."""
        self.query_one(SearchBox).set_query(entity_query(entity))
        self.query_one(ResultList).focus()

    # --- reading -----------------------------------------------------------------------------

    @on(ResultList.Opened)
    def _result_opened(self, event: ResultList.Opened) -> None:
        self.open_document(event.document)

    def open_document(self, doc_id: str, target: tuple[int, int] | None = None) -> None:
        """Load ``doc_id`` into the reader (at ``target``, or its first hit) and focus it."""
        reader = self.query_one(Reader)
        if doc_id == self.open_id and target is not None and reader.document is not None:
            reader.show_span(*target)
        else:
            self.open_id = doc_id
            self.jobs.run("document", jobs.document_job, doc_id, self.current_query, target)
            self.query_one(SidePanes).follow_document(doc_id)
        reader.focus()

    @on(msg.DocumentLoaded)
    async def _document_loaded(self, event: msg.DocumentLoaded) -> None:
        if event.document.id != self.open_id:
            return
        hits = event.spans if event.query == self.current_query else ()
        reader = self.query_one(Reader)
        await reader.show_document(event.document, hits, event.mentions, event.target)

    @on(msg.HitsLoaded)
    def _hits_loaded(self, event: msg.HitsLoaded) -> None:
        if event.document == self.open_id and event.query == self.current_query:
            self.query_one(Reader).show_hits(event.spans)

    @on(msg.MentionsLoaded)
    def _mentions_loaded(self, event: msg.MentionsLoaded) -> None:
        if event.document == self.open_id:
            self.query_one(Reader).show_mentions(event.mentions)

    # --- side panes --------------------------------------------------------------------------

    def _refresh_panes(self) -> None:
        """Reload what shows the analysis: the side panes, the palette's entities, the open
        document's mentions."""
        self.query_one(SidePanes).reload(analysing=self.analysing)
        self.jobs.run("top-entities", jobs.top_entities_job)
        if self.open_id is not None:
            self.jobs.run("mentions", jobs.mentions_job, self.open_id)

    def _panes_interval(self) -> float:
        """Seconds between reloads of what shows the analysis, while it runs (``PANES_SHARE``)."""
        cost = self.query_one(SidePanes).reload_cost()
        cost += self.jobs.took("top-entities") + self.jobs.took("mentions")
        return max(PANES_EVERY, cost / PANES_SHARE)

    @on(msg.Curated)
    def _curated(self, event: msg.Curated) -> None:
        """A correction was made or undone (``SidePanes`` confirmed it): what shows the analysis
        reloads, and the results too when the query asks for entities or speakers."""
        self._refresh_panes()
        if ENTITY_FIELD.search(self.current_query):
            self._search(reload=True)

    @on(msg.TopEntitiesLoaded)
    def _top_entities_loaded(self, event: msg.TopEntitiesLoaded) -> None:
        self.top_entities = list(event.entities)

    @on(msg.DispersionLoaded)
    def _dispersion_loaded(self, event: msg.DispersionLoaded) -> None:
        self.query_one(StatsPane).show_dispersion(event.term, event.positions)

    @on(EntitiesPane.Selected)
    def _entity_selected(self, event: EntitiesPane.Selected) -> None:
        self.filter_by_entity(event.entity)

    @on(EntitiesPane.MentionsRequested)
    def _mentions_requested(self, event: EntitiesPane.MentionsRequested) -> None:
        step = jobs.next_mention(event.entity, self.open_id, self._mention_step)
        if step is None:
            return
        mention, index, total = step
        self._mention_step = (event.entity.name, index)
        self.notify(f"{event.entity.name}: {index + 1} of {total}", timeout=2, markup=False)
        self.open_document(mention.document, (mention.start, mention.end))

    @on(QuotesPane.Selected)
    def _quote_selected(self, event: QuotesPane.Selected) -> None:
        self.open_document(event.quote.document, (event.quote.start, event.quote.end))

    @on(StatsPane.TermSelected)
    def _term_selected(self, event: StatsPane.TermSelected) -> None:
        document = self.query_one(Reader).document
        if document is None:
            self.notify("Open a document to see where the term falls", timeout=3)
            return
        self.jobs.run(
            "dispersion", jobs.dispersion_job, document.id, event.term, len(document.text)
        )

    # --- actions -----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one(SearchBox).focus_input()

    def action_back(self) -> None:
        """Back out one level: side pane or reader to results, results to the search box."""
        if self.focused is None:
            self.action_focus_search()
        elif self.query_one("#side").has_focus_within or self.query_one(Reader).has_focus:
            self.remove_class("-side-shown")
            self.query_one(ResultList).focus()
        elif self.query_one(ResultList).has_focus:
            self.action_focus_search()

    def action_show_tab(self, pane: str) -> None:
        """Show a side pane (entities, quotes, stats) and move to it."""
        self.remove_class("-side-hidden")
        if self.has_class("-narrow"):
            self.add_class("-side-shown")
        self.query_one(TabbedContent).active = TABS[pane]
        self.call_after_refresh(self.query_one(f"#{pane}").focus)

    def action_toggle_side(self) -> None:
        """Show or hide the side panes (they start hidden on narrow screens)."""
        self.toggle_class("-side-shown" if self.has_class("-narrow") else "-side-hidden")
