"""The side panes' tabs, and the loading of what they show: only the tab on show loads.

The explorer tells the side what changed (the results settled, a document opened, analysis
moved on); the side runs the loads those changes call for on its own thread workers, but only
for the tab on show: the others are marked stale and load when their tab is shown, so a hidden
pane costs nothing (on a 40,000-document corpus, a corpus' statistics take a second of the
interpreter the typing needs). Answers go to the pane that shows them. What a pane asks of the
rest of the screen (an entity or quote chosen, a term's dispersion) bubbles up past the side.

Corrections start here too: a pane asks for one, the side opens its prompt
(``tui/corrections.py``), then stores it with ``Library.curate`` on a thread, one correction at a
time and in the order made. The answer (``Curated``) confirms it in a toast and bubbles up to the
explorer, which reloads everything that shows the analysis.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Sequence

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import TabbedContent
from textual.worker import Worker, WorkerState

from search import Library
from search.records import ENTITY_LABELS, Curation, CurationAction, Entity
from tui import messages as msg
from tui import workers as jobs
from tui.corrections import SPEAKER, ChoicePrompt, NamePrompt, Suggestion, describe
from tui.panes.base import AnalysisPane
from tui.panes.charts import label_style
from tui.panes.entities import LABEL_MEANINGS, EntitiesPane
from tui.panes.quotes import QuotesPane
from tui.panes.statistics import StatsPane

LOADS: dict[str, str] = {
    "entities": "entities-tab",
    "quotes": "quotes-tab",
    "corpus-stats": "stats-tab",
    "document-stats": "stats-tab",
}
"""What the side loads (each the group of its job) to the tab that shows it."""
SPEAKER_LABELS = frozenset({"PERSON", "ORG"})
"""The labels of the names a quote's speaker prompt offers: people and organisations speak."""

QUOTE_CHARS = 40
"""The most of a quotation the speaker prompt's title quotes."""

Job = tuple[Callable[..., Message], tuple[object, ...]]
"""A job of ``tui/workers.py`` and its arguments after the library."""


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
        self._coverage: tuple[int, int] | None = None
        self._names: tuple[Entity, ...] | None = None
        self._prompt: tuple[NamePrompt, Callable[[Entity], bool]] | None = None
        self._corrections: deque[Job] = deque()
        self._correcting = False

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
        """Reload everything (the index or its analysis moved on, or a correction was made)."""
        self.analysing = analysing
        self._names = None
        if analysing:
            self.jobs.run("coverage", jobs.coverage_job)
        else:
            self._coverage = None
        for pane in self._analysis_panes():
            pane.show_progress(analysing, self._coverage)
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
            if event.worker.group == "correct":
                self._next_correction()

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

    @on(msg.CoverageLoaded)
    def _coverage_loaded(self, event: msg.CoverageLoaded) -> None:
        if self.analysing:
            self._coverage = (event.analysed, event.documents)
            for pane in self._analysis_panes():
                pane.show_progress(True, self._coverage)

    def _analysis_panes(self) -> Iterable[AnalysisPane]:
        return self.query(AnalysisPane).results(AnalysisPane)

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

    # --- corrections ---------------------------------------------------------------------------

    @on(EntitiesPane.CorrectionRequested)
    def _entity_correction(self, event: EntitiesPane.CorrectionRequested) -> None:
        event.stop()
        entity, action = event.entity, event.action
        name, label = entity.name, entity.label

        def made(value: str) -> Curation | None:
            unchanged = value == (label if action == CurationAction.RELABEL else name)
            return None if not value or unchanged else Curation(action, name, value, label)

        if action == CurationAction.HIDE:
            self._correct(jobs.curate_job, Curation(action, name, None, label))
        elif action == CurationAction.RELABEL:
            self._ask(ChoicePrompt(f"Relabel ‘{name}’ ({label}) as", _labels(), label), made)
        elif action == CurationAction.RENAME:
            prompt = NamePrompt(
                f"Rename ‘{name}’", value=name, placeholder="The name to show",
                hint="Its mentions keep their words; the entity takes this name.",
            )  # fmt: skip
            self._ask(prompt, made)
        elif action == CurationAction.MERGE:
            others = [e for e in event.pane.entities if (e.name, e.label) != (name, label)]
            prompt = NamePrompt(
                f"Merge ‘{name}’ into", placeholder="Another entity's name",
                hint="Its mentions join that entity; its names become aliases.",
                suggestions=_suggestions(others),
            )  # fmt: skip
            self._ask(prompt, made, lambda e: (e.name, e.label) != (name, label))

    @on(QuotesPane.SpeakerCorrection)
    def _speaker_correction(self, event: QuotesPane.SpeakerCorrection) -> None:
        event.stop()
        quote = event.quote
        if event.clear:
            if quote.speaker is not None:
                self._correct(jobs.curate_job, Curation(CurationAction.SPEAKER, quote.id, None))
            return

        def made(value: str) -> Curation | None:
            speaker = value or None  # empty: the text does not say
            return None if speaker == quote.speaker else Curation(
                CurationAction.SPEAKER, quote.id, speaker
            )

        words = " ".join(quote.text.split())
        # The speakers of the quotes listed first: a rare name may be no corpus' top name.
        speakers = Counter(q.speaker for q in event.pane.quotes if q.speaker is not None)
        prompt = NamePrompt(
            f"Who said “{words[:QUOTE_CHARS]}{'…' * (len(words) > QUOTE_CHARS)}”",
            value=quote.speaker or "", placeholder="A person or an organisation",
            hint="Left empty: the text does not say who said it.",
            suggestions=[Suggestion(name, SPEAKER, n) for name, n in speakers.items()],
        )  # fmt: skip
        self._ask(prompt, made, lambda entity: entity.label in SPEAKER_LABELS)

    @on(AnalysisPane.UndoRequested)
    def _undo_requested(self, event: AnalysisPane.UndoRequested) -> None:
        event.stop()
        self._correct(jobs.undo_job)

    def _ask(
        self,
        prompt: ChoicePrompt | NamePrompt,
        made: Callable[[str], Curation | None],
        offered: Callable[[Entity], bool] | None = None,
    ) -> None:
        """Open ``prompt``; its answer makes a correction with ``made`` (None: no change). A
        name prompt is offered the corpus' names that pass ``offered``, once they are read."""

        def answered(value: str | None) -> None:
            self._prompt = None
            curation = None if value is None else made(value)
            if curation is not None:
                self._correct(jobs.curate_job, curation)

        self.app.push_screen(prompt, answered)
        if isinstance(prompt, NamePrompt) and offered is not None:
            self._prompt = (prompt, offered)
            if self._names is None:
                self.jobs.run("names", jobs.names_job)
            else:
                prompt.offer(_suggestions(filter(offered, self._names)))

    @on(msg.NamesLoaded)
    def _names_loaded(self, event: msg.NamesLoaded) -> None:
        self._names = event.entities
        if self._prompt is not None:
            prompt, offered = self._prompt
            prompt.offer(_suggestions(filter(offered, self._names)))

    def _correct(self, job: Callable[..., Message], *args: object) -> None:
        """Run a correction's job once those asked for before it are done: the engine replays
        corrections in the order made, and an undo must follow what it undoes."""
        self._corrections.append((job, args))
        if not self._correcting:
            self._next_correction()

    def _next_correction(self) -> None:
        self._correcting = bool(self._corrections)
        if self._corrections:
            job, args = self._corrections.popleft()
            self.jobs.run("correct", job, *args)

    @on(msg.Curated)
    def _curated(self, event: msg.Curated) -> None:
        """Confirm it; the message goes on up to the explorer, which reloads what it changed."""
        self.notify(describe(event.curation, undone=event.undone), timeout=4, markup=False)
        self._next_correction()

    @on(msg.CurationFailed)
    def _curation_failed(self, event: msg.CurationFailed) -> None:
        self.notify(event.error, title="Nothing changed", severity="warning", markup=False)
        self._next_correction()


def _labels() -> list[tuple[str, Content]]:
    """Every label as a choice: its name in its colour, what it means."""
    return [
        (label, Content.assemble((label, label_style(label)), (f"  {meaning}", "dim")))
        for label in ENTITY_LABELS
        for meaning in [LABEL_MEANINGS.get(label, "")]
    ]


def _suggestions(entities: Iterable[Entity]) -> list[Suggestion]:
    return [Suggestion(entity.name, entity.label, entity.count) for entity in entities]
