"""The statistics pane: corpus and document figures, top terms, where a term falls, top speakers.

Top terms are a list of bars; Enter on one posts ``TermSelected`` and the app answers with
``show_dispersion``: a strip with a mark wherever the term occurs in the open document, and a
sparkline of how many times it occurs in each slice of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from search.records import CorpusStats, DocumentStats
from tui.panes.base import Pane, PaneMessage
from tui.panes.charts import BarChart, DispersionStrip, FigureGrid, dispersion_counts, label_style
from tui.safe_content import safe_line

__all__ = ["StatsPane", "corpus_figures", "document_figures", "reading_ease_words"]

SPARKLINE_BINS = 20
"""Slices of the document the sparkline counts occurrences in (twentieths)."""

BAR_STYLE = ".stats-pane--bar"
"""Bars take their colour from the pane's component class (the theme's accent)."""

COUNT_STYLE = ".stats-pane--label"
"""Counts at the end of a bar are muted, like figure labels."""

READING_EASE_WORDS: tuple[tuple[float, str], ...] = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
)
"""Flesch reading ease bands (lower bound, words); below the last is "very difficult"."""


def reading_ease_words(score: float) -> str:
    """Flesch reading ease in words: 65 -> "plain English", 45 -> "difficult"."""
    for bound, words in READING_EASE_WORDS:
        if score >= bound:
            return words
    return "very difficult"


def reading_time(minutes: float) -> str:
    """Reading time for people: "under 1 min", "7 min", "1 h 05 min"."""
    if minutes < 1:
        return "under 1 min"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"


def corpus_figures(stats: CorpusStats) -> list[tuple[str, str]]:
    """(value, label) pairs for the corpus."""
    return [
        (f"{stats.documents:,}", "documents"),
        (f"{stats.words:,}", "words"),
        (f"{stats.sentences:,}", "sentences"),
        (f"{stats.vocabulary:,}", "distinct words"),
        (f"{stats.analysed:,}/{stats.documents:,}", "analysed"),
    ]


def document_figures(stats: DocumentStats) -> list[tuple[str, str]]:
    """(value, label) pairs for one document."""
    return [
        (f"{stats.words:,}", "words"),
        (f"{stats.sentences:,}", "sentences"),
        (f"{stats.paragraphs:,}", "paragraphs"),
        (f"{stats.distinct_words:,}", "distinct words"),
        (f"{stats.type_token_ratio:.2f}", "type-token ratio"),
        (f"{stats.mean_sentence_length:.1f}", "words per sentence"),
        (f"{stats.readability:.0f}", f"reading ease: {reading_ease_words(stats.readability)}"),
        (f"{stats.grade_level:.1f}", "grade level"),
        (reading_time(stats.reading_time_minutes), "to read"),
    ]


class StatsPane(Pane):
    """Figures for the corpus and the open document, and a few small charts."""

    DEFAULT_CSS = """
    StatsPane {
        & > VerticalScroll {
            height: 1fr;
            scrollbar-size-vertical: 1;
        }
        & .stats-pane--title {
            height: auto;
            margin-top: 1;
            padding: 0 1;
            color: $text-accent;
            text-style: bold;
        }
        & .stats-pane--body {
            height: auto;
            padding: 0 1;
        }
        & .stats-pane--note {
            height: auto;
            padding: 0 1;
            color: $text-muted;
        }
        & OptionList#stats-terms {
            height: auto;
            max-height: 10;
            & > .option-list--option {
                padding: 0 1;
            }
        }
        & Sparkline {
            height: 2;
            padding: 0 1;
        }
        & > .stats-pane--value {
            text-style: bold;
        }
        & > .stats-pane--label {
            color: $foreground 60%;
        }
        & > .stats-pane--bar {
            color: $accent;
        }
        & > .stats-pane--mark {
            color: $accent;
            text-style: bold;
        }
        & > .stats-pane--track {
            color: $foreground 25%;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stats-pane--value",
        "stats-pane--label",
        "stats-pane--bar",
        "stats-pane--mark",
        "stats-pane--track",
    }
    """Figures (value, label), bars, and the dispersion strip (marks, track)."""

    class TermSelected(PaneMessage):
        """Enter on a top term: show where it falls in the open document."""

        def __init__(self, pane: StatsPane, term: str) -> None:
            super().__init__(pane)
            self.term = term
            """The term under the cursor."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._corpus: CorpusStats | None = None
        self._document: DocumentStats | None = None
        self._dispersion: tuple[str, list[float]] | None = None
        self._terms: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-scroll"):
            yield Static("Corpus", classes="stats-pane--title", markup=False)
            yield Static(id="stats-corpus", classes="stats-pane--body", markup=False)
            yield Static(id="stats-entities", classes="stats-pane--note", markup=False)
            yield Static(id="stats-document-title", classes="stats-pane--title", markup=False)
            yield Static(id="stats-document", classes="stats-pane--body", markup=False)
            yield Static(id="stats-distinctive", classes="stats-pane--note", markup=False)
            yield Static("Top terms", classes="stats-pane--title", markup=False)
            yield Static(id="stats-terms-empty", classes="stats-pane--note", markup=False)
            yield OptionList(id="stats-terms")
            yield Static(id="stats-dispersion-title", classes="stats-pane--title", markup=False)
            yield Static(id="stats-dispersion-note", classes="stats-pane--note", markup=False)
            yield Static(id="stats-strip", classes="stats-pane--body", markup=False)
            yield Sparkline([], summary_function=sum, id="stats-sparkline")
            yield Static("Most quoted", classes="stats-pane--title", markup=False)
            yield Static(id="stats-speakers", classes="stats-pane--body", markup=False)

    def on_mount(self) -> None:
        self._show_corpus()
        self._show_document()
        self._show_dispersion()

    @property
    def navigable(self) -> OptionList:
        return self.query_one("#stats-terms", OptionList)

    # --- attributes down ---------------------------------------------------------------------

    def show_corpus(self, stats: CorpusStats) -> None:
        """Show the corpus figures, its top terms and its most quoted speakers."""
        self._corpus = stats
        if self.is_mounted:
            self._show_corpus()

    def show_document(self, stats: DocumentStats | None) -> None:
        """Show the open document's figures, or say that none is open.

        When another document opens while a term's dispersion is shown, the pane asks again
        (``TermSelected``) so that the strip follows the reader.
        """
        previous = self._document
        self._document = stats
        moved = stats is None or previous is None or stats.document != previous.document
        term = self._dispersion[0] if self._dispersion is not None else None
        if moved:
            self._dispersion = None
        if self.is_mounted:
            self._show_document()
            self._show_dispersion()
        if moved and term is not None and stats is not None:
            self.post_message(self.TermSelected(self, term))

    def show_dispersion(self, term: str, positions: Sequence[float]) -> None:
        """Show where ``term`` falls in the open document (``positions`` in 0..1)."""
        self._dispersion = (term, list(positions))
        if self.is_mounted:
            self._show_dispersion()

    # --- view --------------------------------------------------------------------------------

    @staticmethod
    def _figures(figures: list[tuple[str, str]]) -> FigureGrid:
        return FigureGrid(
            figures, value_style=".stats-pane--value", label_style=".stats-pane--label"
        )

    def _show_corpus(self) -> None:
        stats = self._corpus
        corpus = self.query_one("#stats-corpus", Static)
        entities = self.query_one("#stats-entities", Static)
        speakers = self.query_one("#stats-speakers", Static)
        if stats is None:
            corpus.update("Counting…")
            entities.display = False
            speakers.update(Content.styled("No quotes yet.", ".stats-pane--label"))
            self._show_terms([])
            return
        corpus.update(self._figures(corpus_figures(stats)))
        entities.display = bool(stats.entity_counts)
        parts: list[Content] = [
            Content.assemble((label, label_style(label)), f" {count:,}")
            for label, count in sorted(stats.entity_counts.items(), key=lambda item: -item[1])
        ]
        entities.update(Content.assemble("entities: ", Content("  ").join(parts)))
        if stats.top_speakers:
            rows = [(speaker.speaker, speaker.quotes) for speaker in stats.top_speakers]
            speakers.update(BarChart(rows, bar_style=BAR_STYLE, count_style=COUNT_STYLE))
        else:
            speakers.update(Content.styled("No attributed quotes yet.", ".stats-pane--label"))
        self._show_terms([(term.term, term.count) for term in stats.top_terms])

    def _show_terms(self, rows: list[tuple[str, int]]) -> None:
        terms = self.query_one("#stats-terms", OptionList)
        empty = self.query_one("#stats-terms-empty", Static)
        previous = terms.highlighted
        kept = None
        if previous is not None and previous < len(self._terms):
            kept = self._terms[previous]
        self._terms = [term for term, _ in rows]
        charts = BarChart.rows(rows, bar_style=BAR_STYLE, count_style=COUNT_STYLE)
        terms.set_options(Option(chart) for chart in charts)
        if rows:
            terms.highlighted = self._terms.index(kept) if kept in self._terms else 0
        empty.display = not rows
        empty.update("No terms yet." if self._corpus is None else "No terms counted yet.")

    def _show_document(self) -> None:
        stats = self._document
        title = self.query_one("#stats-document-title", Static)
        body = self.query_one("#stats-document", Static)
        distinctive = self.query_one("#stats-distinctive", Static)
        if stats is None:
            title.update("Document")
            body.update(Content.styled("No document open.", ".stats-pane--label"))
            distinctive.display = False
            return
        title.update(Content.assemble("Document · ", safe_line(stats.title)))
        body.update(self._figures(document_figures(stats)))
        distinctive.display = bool(stats.distinctive_terms)
        distinctive.update(
            Content.assemble("distinctive: ", safe_line(", ".join(stats.distinctive_terms)))
        )

    def _show_dispersion(self) -> None:
        title = self.query_one("#stats-dispersion-title", Static)
        note = self.query_one("#stats-dispersion-note", Static)
        strip = self.query_one("#stats-strip", Static)
        sparkline = self.query_one("#stats-sparkline", Sparkline)
        has_marks = bool(self._dispersion and self._document and self._dispersion[1])
        strip.display = sparkline.display = has_marks
        if self._dispersion is None:
            title.update("Where a term falls")
            note.update("Enter on a top term shows where it falls in the open document.")
            return
        term, positions = self._dispersion
        term = safe_line(term)
        title.update(Content.assemble("Where “", term, "” falls"))
        if self._document is None:
            note.update(Content.assemble("Open a document to see where “", term, "” falls."))
        elif not positions:
            note.update(Content.assemble("“", term, "” does not occur in this document."))
        else:
            hits = len(positions)
            note.update(f"{hits:,} occurrence{'s' * (hits != 1)}, start to end of the document")
            strip.update(
                DispersionStrip(
                    positions, mark_style=".stats-pane--mark", track_style=".stats-pane--track"
                )
            )
            sparkline.data = dispersion_counts(positions, SPARKLINE_BINS)

    # --- messages up -------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#stats-terms")
    def _term_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._terms):
            term = self._terms[event.option_index]
            if self._document is None:
                self.show_dispersion(term, [])
            self.post_message(self.TermSelected(self, term))
