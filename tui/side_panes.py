"""The side panes' tabs, and the loading of what they show: only the tab on show loads.

The explorer tells the side what changed (the results settled, a document opened, analysis
moved on); the side runs the loads those changes call for on its own thread workers, but only
for the tab on show: the others are marked stale and load when their tab is shown, so a hidden
pane costs nothing (on a 40,000-document corpus, a corpus' statistics take a second of the
interpreter the typing needs). Answers go to the pane that shows them. What a pane asks of the
rest of the screen (an entity or quote chosen, a term's dispersion) bubbles up past the side.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from textual import on
from textual.widgets import TabbedContent
from textual.worker import Worker, WorkerState

from search import Library
from tui import messages as msg
from tui import workers as jobs
from tui.panes.entities import EntitiesPane
from tui.panes.quotes import QuotesPane
from tui.panes.statistics import StatsPane

LOADS: dict[str, str] = {
    "entities": "entities-tab",
    "quotes": "quotes-tab",
    "corpus-stats": "stats-tab",
    "document-stats": "stats-tab",
}
"""What the side loads (each the group of its job) to the tab that shows it."""


class SidePanes(TabbedContent):
    """Entities, quotes and statistics in tabs; each tab's data loaded while it is on show."""

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.jobs = jobs.JobRunner(self, library)
        """Runs the side's loads on threads (they only read)."""
        self.entity_scope = "document"
        """What the entities pane shows: "document", "results" or "corpus"."""
        self.analysing = False
        """Analysis is running: the panes say their figures are partial."""
        self._query = ""
        self._results: list[str] = []
        self._open_id: str | None = None
        self._stale: set[str] = set()

    # --- what changed (called by the explorer) -------------------------------------------------

    def follow_results(self, query: str, ids: Sequence[str]) -> None:
        """The results of ``query`` settled: the quotes follow them, and the entities when
        their scope is the results."""
        self._query, self._results = query, list(ids)
        self._changed("quotes", *(["entities"] if self.entity_scope == "results" else []))

    def follow_document(self, doc_id: str) -> None:
        """``doc_id`` is open in the reader: its statistics, and its entities when their
        scope is the document."""
        self._open_id = doc_id
        self._changed("document-stats", *(["entities"] if self.entity_scope == "document" else []))

    def reload(self, *, analysing: bool) -> None:
        """Reload everything (the index or its analysis moved on)."""
        self.analysing = analysing
        self._changed(*LOADS)

    def reload_cost(self) -> float:
        """Seconds the last load of each kind took, added up: what a refresh costs."""
        return sum(map(self.jobs.took, LOADS))

    # --- loading -------------------------------------------------------------------------------

    def _changed(self, *loads: str) -> None:
        """The data behind these loads changed: run those of the tab on show now, and the
        others when their tab is shown."""
        self._stale.update(loads)
        self._load_shown()

    @on(TabbedContent.TabActivated)
    def _load_shown(self) -> None:
        for load in [load for load in self._stale if LOADS[load] == self.active]:
            self._stale.discard(load)
            self._load(load)

    def _load(self, load: str) -> None:
        if load == "entities":
            scope = self.entity_scope
            self.jobs.run("entities", jobs.entities_job, scope, self._scope_documents(scope))
        elif load == "quotes":
            documents = None if not self._query.strip() else list(self._results)
            self.jobs.run("quotes", jobs.quotes_job, documents)
        elif load == "corpus-stats":
            self.jobs.run("corpus-stats", jobs.corpus_stats_job)
        elif load == "document-stats" and self._open_id is not None:
            self.jobs.run("document-stats", jobs.document_stats_job, self._open_id)

    def _scope_documents(self, scope: str) -> Collection[str] | None:
        if scope == "corpus":
            return None
        if scope == "document":
            return [] if self._open_id is None else [self._open_id]
        return list(self._results)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            jobs.notify_failure(self, event.worker)

    # --- answers -------------------------------------------------------------------------------

    @on(EntitiesPane.ScopeChanged)
    def _scope_changed(self, event: EntitiesPane.ScopeChanged) -> None:
        self.entity_scope = event.scope
        self._changed("entities")

    @on(msg.EntitiesLoaded)
    def _entities_loaded(self, event: msg.EntitiesLoaded) -> None:
        if event.scope == self.entity_scope:
            documents = self._scope_documents(event.scope)
            self.query_one(EntitiesPane).show_entities(
                event.entities,
                event.scope,
                totals=event.totals,
                analysing=self.analysing,
                scope_empty=documents is not None and not documents,
            )

    @on(msg.QuotesLoaded)
    def _quotes_loaded(self, event: msg.QuotesLoaded) -> None:
        self.query_one(QuotesPane).show_quotes(event.quotes, analysing=self.analysing)

    @on(msg.CorpusStatsLoaded)
    def _corpus_stats_loaded(self, event: msg.CorpusStatsLoaded) -> None:
        self.query_one(StatsPane).show_corpus(event.stats)

    @on(msg.DocumentStatsLoaded)
    def _document_stats_loaded(self, event: msg.DocumentStatsLoaded) -> None:
        if event.stats is None or event.stats.document == self._open_id:
            self.query_one(StatsPane).show_document(event.stats)
