"""The side panes on their own: each mounted in a tiny app, fed records built here.

The app under test records every message the panes post, so the tests assert on what a pane
tells the app, as well as on what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TabbedContent, TabPane, Tree

from search.records import CorpusStats, DocumentStats, Entity, Quote, SpeakerCount, TermCount
from tui.panes import LABEL_STYLES, EntitiesPane, QuotesPane, StatsPane
from tui.panes.base import AnalysisPane
from tui.panes.charts import BarChart, FigureGrid, bar_text, dispersion_counts, dispersion_strip
from tui.panes.statistics import reading_ease_words, reading_time

# --- records ---------------------------------------------------------------------------------


def entity(
    name: str,
    label: str,
    count: int,
    *documents: str,
    aliases: Sequence[str] = (),
    votes: Sequence[tuple[str, int]] = (),
    curated: bool = False,
) -> Entity:
    return Entity(
        name=name,
        label=label,
        count=count,
        documents=documents or ("a.txt",),
        aliases=tuple(aliases),
        mentions=(),
        disputed=bool(votes),
        votes=tuple(votes),
        curated=curated,
    )


ENTITIES = [
    entity("Xi Jinping", "PERSON", 7, "a.txt", "b.txt", aliases=("President Xi", "Xi")),
    entity("Joe Biden", "PERSON", 9, "a.txt"),
    entity("[bold]Acme[/]", "ORG", 3, "b.txt"),
    entity("Beijing", "GPE", 4),
    entity("Janet Yellen", "PERSON", 2),
    entity("Tuesday", "DATE", 5),
]


def quote(
    text: str,
    speaker: str | None,
    cue: str | None = "said",
    document: str = "a.txt",
    *,
    confidence: float = 0.9,
    speaker_label: str | None = None,
    curated: bool = False,
) -> Quote:
    return Quote(
        document=document, text=text, speaker=speaker, cue=cue, start=0, end=len(text) + 2,
        confidence=confidence, id=f"q-{abs(hash(text)):x}", speaker_curated=curated,
        speaker_label=speaker_label,
    )  # fmt: skip


QUOTES = [
    quote("We will build a bridge across the river, and it will be wonderful.", "Xi Jinping"),
    quote("[bold]not bold[/] at all", None, None, "b.txt"),
    quote("Markets fell sharply after the announcement.", "Janet Yellen", "noted", "c.txt"),
]

CORPUS = CorpusStats(
    documents=12,
    words=48210,
    sentences=2310,
    vocabulary=6540,
    top_terms=(TermCount("tariff", 120), TermCount("trade", 80), TermCount("[b]chips[/b]", 41)),
    entity_counts={"PERSON": 40, "ORG": 22},
    top_speakers=(SpeakerCount("Xi Jinping", 9), SpeakerCount("Janet Yellen", 3)),
    per_document=(),
    analysed=10,
)


def document_stats(document: str = "a.txt") -> DocumentStats:
    return DocumentStats(
        document=document, title="Trade [i]talks[/i]", words=1204, sentences=58, paragraphs=14,
        distinct_words=512, type_token_ratio=0.425, mean_sentence_length=20.76, readability=55.0,
        grade_level=11.23, reading_time_minutes=5.2, distinctive_terms=("tariff", "wafer"),
    )  # fmt: skip


# --- harness ---------------------------------------------------------------------------------


class PaneApp(App[None]):
    """Mounts one pane and records the messages it posts."""

    def __init__(self, pane: Widget) -> None:
        super().__init__()
        self.pane = pane
        self.posted: list[Message] = []
        self.toasts: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.pane

    def notify(self, message: str, **options: Any) -> None:
        self.toasts.append(message)
        super().notify(message, **options)

    @on(EntitiesPane.Selected)
    @on(EntitiesPane.MentionsRequested)
    @on(EntitiesPane.ScopeChanged)
    @on(EntitiesPane.CorrectionRequested)
    @on(QuotesPane.Selected)
    @on(QuotesPane.SpeakerCorrection)
    @on(AnalysisPane.UndoRequested)
    @on(StatsPane.TermSelected)
    def record(self, message: Message) -> None:
        self.posted.append(message)


def lines(widget: Widget) -> list[str]:
    """What the widget paints (padding included), line by line, right-trimmed."""
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return [strip.text.rstrip() for strip in widget.render_lines(region)]


def text(widget: Widget) -> str:
    """What the widget paints as one line of words (wrapping undone)."""
    return " ".join(" ".join(lines(widget)).split())


# --- entities --------------------------------------------------------------------------------


async def test_entities_grouped_by_label_with_counts() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        await pilot.pause()
        tree = pane.query_one(Tree)
        groups = tree.root.children
        assert [str(group.label) for group in groups] == [
            "PERSON (3)", "ORG (1)", "GPE (1)", "DATE (1)",
        ]  # fmt: skip
        assert [str(leaf.label) for leaf in groups[0].children] == [
            "Joe Biden  ×9", "Xi Jinping  ×7", "Janet Yellen  ×2",
        ]  # fmt: skip
        assert "6 names in 4 labels" in text(pane.query_one(".pane--header", Static))
        assert tree.cursor_node is not None and tree.cursor_node.data == ENTITIES[1]


async def test_a_label_with_more_entities_than_listed_says_how_many() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(60, 24)) as pilot:
        pane.show_entities(ENTITIES, "corpus", totals={"PERSON": 41_000, "ORG": 1})
        pane.focus()
        await pilot.pause()
        groups = pane.query_one(Tree).root.children
        assert [str(group.label) for group in groups] == [
            "PERSON (3 of 41,000)", "ORG (1)", "GPE (1)", "DATE (1)",
        ]  # fmt: skip
        header = text(pane.query_one(".pane--header", Static))
        assert "41,003 names in 4 labels, the 6 most mentioned listed" in header
        await pilot.press("k")  # the PERSON group
        await pilot.pause()
        detail = text(pane.query_one(".pane--detail", Static))
        assert "41,000 names; the 3 most mentioned, 18 mentions" in detail


async def test_entity_detail_shows_documents_and_aliases() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "corpus")
        pane.focus()
        await pilot.press("j")
        await pilot.pause()
        detail = text(pane.query_one(".pane--detail", Static))
        assert "7 mentions in 2 documents" in detail
        assert "also: President Xi, Xi" in detail


async def test_one_mention_reads_in_the_singular() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities([entity("Acme", "ORG", 1)], "document")
        await pilot.pause()
        assert "1 mention in 1 document" in text(pane.query_one(".pane--detail", Static))


async def test_enter_on_entity_posts_selected() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        pane.focus()
        await pilot.press("enter", "j", "enter")
        await pilot.pause()
        selected = [m for m in app.posted if isinstance(m, EntitiesPane.Selected)]
        assert [m.entity.name for m in selected] == ["Joe Biden", "Xi Jinping"]
        assert selected[0].pane is pane and selected[0].control is pane


async def test_enter_on_label_only_folds_the_group() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        pane.focus()
        await pilot.press("k", "enter")
        await pilot.pause()
        assert not pane.query_one(Tree).root.children[0].is_expanded
        assert app.posted == []


async def test_m_posts_mentions_requested() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        pane.focus()
        await pilot.press("down", "m")
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, EntitiesPane.MentionsRequested)
        assert message.entity == ENTITIES[0]


async def test_scope_key_cycles_and_posts_scope_changed() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        pane.focus()
        await pilot.press("o")
        await pilot.pause()
        assert pane.scope == "results"
        assert "Finding the entities in the current results" in text(
            pane.query_one(".pane--empty", Static)
        )
        assert app.focused is pane.query_one(Tree), "the tree keeps the focus while loading"
        pane.show_entities(ENTITIES[:2], "results")
        await pilot.press("o")
        await pilot.pause()
        pane.show_entities(ENTITIES, "corpus")
        await pilot.press("o")
        await pilot.pause()
        scopes = [m.scope for m in app.posted if isinstance(m, EntitiesPane.ScopeChanged)]
        assert scopes == ["results", "corpus", "document"]


async def test_entities_empty_states_say_why() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        empty = pane.query_one(".pane--empty", Static)
        pane.show_entities([], "document", analysing=True)
        await pilot.pause()
        assert "No entities yet: analysis is running." in text(empty)
        assert len(pane.query_one(Tree).root.children) == 0
        pane.show_entities([], "corpus")
        await pilot.pause()
        assert "No entities found in the whole corpus." in text(empty)
        pane.show_entities([], "document", analysing=True, scope_empty=True)
        await pilot.pause()
        assert "No document open" in text(empty), "nothing to analyse: say so, not 'running'"
        pane.show_entities([], "results", scope_empty=True)
        await pilot.pause()
        assert "No results to take names from" in text(empty)


async def test_entity_name_with_markup_shows_literally() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES, "document")
        await pilot.pause()
        assert "└ [bold]Acme[/]  ×3" in lines(pane.query_one(Tree))


def test_every_label_has_a_colour() -> None:
    for label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "MONEY"):
        assert LABEL_STYLES[label]


async def test_disputed_and_corrected_entities_are_marked_and_say_why() -> None:
    shown = [
        entity("Hartwell", "PERSON", 12, votes=[("PERSON", 7), ("ORG", 5)]),
        entity("Vesna Orlic", "PERSON", 4, curated=True),
        entity("Ilse Brandt", "PERSON", 3),
    ]
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(50, 24)) as pilot:
        pane.show_entities(shown, "corpus")
        pane.focus()
        await pilot.pause()
        painted = lines(pane.query_one(Tree))
        assert "├ Hartwell ?  ×12" in painted
        assert "├ Vesna Orlic ✓  ×4" in painted
        assert "└ Ilse Brandt  ×3" in painted, "a plain entity carries no mark"
        detail = text(pane.query_one(".pane--detail", Static))
        assert "? label disputed: mentions say PERSON 7, ORG 5" in detail
        await pilot.press("j")
        await pilot.pause()
        detail = text(pane.query_one(".pane--detail", Static))
        assert "✓ corrected by you" in detail and "disputed" not in detail


async def test_the_header_says_once_that_the_names_are_guesses() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities([], "corpus")
        await pilot.pause()
        assert "may be wrong" not in text(pane), "nothing shown, nothing to warn about"
        pane.show_entities(ENTITIES, "corpus")
        await pilot.pause()
        header = text(pane.query_one(".pane--header", Static))
        assert header.count("automatic, may be wrong: c fixes") == 1


@pytest.mark.parametrize("pane_class", [EntitiesPane, QuotesPane])
async def test_while_analysis_runs_the_header_says_how_far_it_got(
    pane_class: type[EntitiesPane] | type[QuotesPane],
) -> None:
    pane = pane_class()
    async with PaneApp(pane).run_test(size=(60, 24)) as pilot:
        if isinstance(pane, EntitiesPane):
            pane.show_entities(ENTITIES, "corpus", analysing=True)
        else:
            pane.show_quotes(QUOTES, analysing=True)
        await pilot.pause()
        header = pane.query_one(".pane--header", Static)
        assert "analysis is running" in text(header), "before the share is known"
        pane.show_progress(True, (812, 2030))
        await pilot.pause()
        assert "analysed 40%" in text(header)
        pane.show_progress(True, (2029, 2030))
        await pilot.pause()
        assert "analysed 99%" in text(header), "100% only once every document is done"
        pane.show_progress(False)
        await pilot.pause()
        assert "analys" not in text(header), "the note goes when analysis ends, on its own"


async def test_empty_while_analysing_says_how_far_it_got() -> None:
    pane = QuotesPane()
    async with PaneApp(pane).run_test(size=(60, 24)) as pilot:
        pane.show_quotes([], analysing=True)
        pane.show_progress(True, (1, 4))
        await pilot.pause()
        assert "No quotes yet: analysed 25%." in text(pane.query_one(".pane--empty", Static))


# --- quotes ----------------------------------------------------------------------------------


async def test_quotes_rows_show_speaker_cue_and_unattributed() -> None:
    pane = QuotesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_quotes(QUOTES)
        await pilot.pause()
        painted = lines(pane.query_one(OptionList))
        assert painted[0].strip() == "Xi Jinping said"
        assert painted[1].strip().startswith("“We will build") and painted[1].endswith("…")
        assert painted[2].strip() == "unattributed"
        assert painted[3].strip() == "“[bold]not bold[/] at all”"
        assert all(len(line) <= 40 for line in painted)


async def test_guessed_document_and_corrected_speakers_are_marked() -> None:
    shown = [
        quote("The levee will hold through spring.", "Odile Ferrant", confidence=0.3),
        quote("Repairs are to begin at once.", "Harbour Safety Report", "states",
              speaker_label="DOCUMENT"),
        quote("Nobody asked the fishermen.", "Tamsin Okafor", confidence=0.2, curated=True),
        quote("Tolls rise in May.", "Bruno Stael"),
    ]  # fmt: skip
    pane = QuotesPane()
    async with PaneApp(pane).run_test(size=(50, 24)) as pilot:
        pane.show_quotes(shown)
        await pilot.pause()
        painted = [line.strip() for line in lines(pane.query_one(OptionList))]
        assert "Odile Ferrant? said" in painted
        assert "Harbour Safety Report (document) states" in painted
        assert "Tamsin Okafor ✓ said" in painted, "a correction is no longer a guess"
        assert "Bruno Stael said" in painted
        guessed = pane.get_component_rich_style("quotes-pane--guessed")
        sure = pane.get_component_rich_style("quotes-pane--speaker")
        assert guessed.color != sure.color, "a guessed speaker is dimmed"
        detail = pane.query_one("#quote-detail", Static)
        assert "a guess (confidence 0.30)" in text(detail)
        pane.focus()
        await pilot.press("j", "j")
        await pilot.pause()
        assert "corrected by you" in text(detail)
        assert text(pane.query_one(".pane--header", Static)).count("may be wrong") == 1


async def test_quotes_filter_narrows_as_you_type() -> None:
    pane = QuotesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_quotes(QUOTES)
        await pilot.pause()
        pane.focus()
        await pilot.press("f", "Y", "E", "L")
        await pilot.pause()
        assert [q.speaker for q in pane.shown] == ["Janet Yellen"]
        assert pane.query_one(OptionList).option_count == 1
        assert "1 of 3 quotes" in text(pane.query_one(".pane--header", Static))
        pane.query_one(Input).value = "river"
        await pilot.pause()
        assert [q.speaker for q in pane.shown] == ["Xi Jinping"]
        pane.query_one(Input).value = "unattrib"
        await pilot.pause()
        assert [q.speaker for q in pane.shown] == [None]
        pane.query_one(Input).value = "nobody"
        await pilot.pause()
        assert pane.shown == ()
        assert "No quote matches “nobody”." in text(pane.query_one(".pane--empty", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert len(pane.shown) == 3


async def test_enter_on_quote_posts_selected() -> None:
    pane = QuotesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_quotes(QUOTES)
        pane.focus()
        await pilot.press("j", "enter")
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, QuotesPane.Selected)
        assert message.quote == QUOTES[1] and message.control is pane
        assert "“[bold]not bold[/] at all”" in text(pane.query_one("#quote-detail", Static))


async def test_filter_enter_moves_to_the_list() -> None:
    pane = QuotesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 24)) as pilot:
        pane.show_quotes(QUOTES)
        pane.query_one(Input).focus()
        await pilot.press("x", "i", "enter")
        await pilot.pause()
        assert app.focused is pane.query_one(OptionList)
        await pilot.press("enter")
        await pilot.pause()
        assert [m.quote for m in app.posted if isinstance(m, QuotesPane.Selected)] == [QUOTES[0]]


# --- statistics ------------------------------------------------------------------------------


async def test_stats_show_corpus_and_document_figures() -> None:
    pane = StatsPane()
    async with PaneApp(pane).run_test(size=(40, 60)) as pilot:
        assert "No document open." in text(pane.query_one("#stats-document", Static))
        pane.show_corpus(CORPUS)
        pane.show_document(document_stats())
        await pilot.pause()
        corpus = text(pane.query_one("#stats-corpus", Static))
        for figure in ("12 documents", "48,210 words", "2,310 sentences", "6,540 distinct words",
                       "10/12 analysed"):  # fmt: skip
            assert figure in corpus
        document = text(pane.query_one("#stats-document", Static))
        for figure in (
            "1,204 words", "58 sentences", "14 paragraphs", "512 distinct words",
            "0.42 type-token ratio", "20.8 words per sentence",
            "55 reading ease: fairly difficult", "11.2 grade level", "5 min to read",
        ):  # fmt: skip
            assert figure in document
        assert "Document · Trade [i]talks[/i]" in text(pane.query_one("#stats-document-title"))
        assert "distinctive: tariff, wafer" in text(pane.query_one("#stats-distinctive"))
        speakers = lines(pane.query_one("#stats-speakers", Static))
        assert speakers[0].strip().startswith("Xi Jinping") and speakers[0].endswith(" 9")
        terms = lines(pane.query_one("#stats-terms", OptionList))
        assert terms[2].strip().startswith("[b]chips[/b]")
        assert all(len(line) <= 40 for line in terms)


async def test_enter_on_top_term_posts_term_selected() -> None:
    pane = StatsPane()
    app = PaneApp(pane)
    async with app.run_test(size=(40, 40)) as pilot:
        pane.show_corpus(CORPUS)
        pane.focus()
        await pilot.press("j", "enter")
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, StatsPane.TermSelected)
        assert message.term == "trade" and message.control is pane


async def test_dispersion_in_the_pane() -> None:
    pane = StatsPane()
    app = PaneApp(pane)
    async with app.run_test(size=(42, 60)) as pilot:
        note = pane.query_one("#stats-dispersion-note", Static)
        pane.show_dispersion("tariff", [0.5])
        await pilot.pause()
        assert "Open a document to see where “tariff” falls." in text(note)
        pane.show_document(document_stats())
        await pilot.pause()
        terms = [m.term for m in app.posted if isinstance(m, StatsPane.TermSelected)]
        assert terms == ["tariff"], "asks again once a document is open"
        pane.show_dispersion("tariff", [0.0, 0.5, 0.99])
        await pilot.pause()
        strip = lines(pane.query_one("#stats-strip", Static))[0].strip()
        assert strip == "│" + "─" * 19 + "│" + "─" * 18 + "│"  # 40 cells inside the padding
        assert "3 occurrences" in text(note)
        pane.show_dispersion("[b]x[/b]", [])
        await pilot.pause()
        assert "“[b]x[/b]” does not occur in this document." in text(note)
        assert not pane.query_one("#stats-strip").display
        pane.show_dispersion("tariff", [0.2])
        pane.show_document(document_stats("b.txt"))
        await pilot.pause()
        terms = [m.term for m in app.posted if isinstance(m, StatsPane.TermSelected)]
        assert terms == ["tariff", "tariff"], "asks again when another document opens"


# --- charts ----------------------------------------------------------------------------------


def test_dispersion_marks_fall_in_the_right_cells() -> None:
    assert dispersion_counts([0, 0.5, 0.99], 10) == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    strip = dispersion_strip([0, 0.5, 0.99], 10).plain
    assert [i for i, cell in enumerate(strip) if cell != "─"] == [0, 5, 9]
    assert dispersion_strip([0.51, 0.55], 10).plain[5] == "┃"
    assert dispersion_counts([-1.0, 1.0], 4) == [1, 0, 0, 1]
    assert dispersion_counts([0.5], 0) == []


def test_bars_scale_to_the_largest_and_the_width() -> None:
    assert bar_text(10, 10, 5) == "█████"
    assert bar_text(5, 10, 5) == "██▌"
    assert bar_text(0.01, 10, 5) == "▏"
    assert bar_text(0, 10, 5) == ""
    chart = BarChart([("tariff", 120), ("a very long term indeed", 30)])
    narrow = chart.content(20).plain.split("\n")
    assert all(len(line) == 20 for line in narrow)
    assert narrow[0].startswith("tariff") and narrow[0].endswith("120")
    assert "…" in narrow[1]


def test_figure_grid_folds_to_fit() -> None:
    grid = FigureGrid([("12", "documents"), ("48,210", "words"), ("6,540", "distinct words")])
    assert grid.content(80).plain.count("\n") == 0
    one_column = grid.content(21).plain.split("\n")
    assert one_column == ["    12 documents", "48,210 words", " 6,540 distinct words"]
    assert grid.content(12).plain.split("\n")[2] == " 6,540 dist…"


def test_reading_words() -> None:
    assert reading_ease_words(95) == "very easy"
    assert reading_ease_words(65) == "plain English"
    assert reading_ease_words(10) == "very difficult"
    assert reading_time(0.4) == "under 1 min"
    assert reading_time(75) == "1 h 15 min"


# --- composed like the app does --------------------------------------------------------------


class TabbedApp(App[None]):
    """The panes in tabs with no layout CSS of the app's: they fill the tab by themselves."""

    def compose(self) -> ComposeResult:
        with TabbedContent():
            with TabPane("Entities", id="tab-entities"):
                yield EntitiesPane()
            with TabPane("Quotes", id="tab-quotes"):
                yield QuotesPane()
            with TabPane("Stats", id="tab-stats"):
                yield StatsPane()


@pytest.mark.parametrize("tab", ["tab-entities", "tab-quotes", "tab-stats"])
async def test_panes_fill_a_narrow_tab(tab: str) -> None:
    app = TabbedApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(EntitiesPane).show_entities(ENTITIES, "document")
        app.query_one(QuotesPane).show_quotes(QUOTES)
        app.query_one(StatsPane).show_corpus(CORPUS)
        app.query_one(TabbedContent).active = tab
        await pilot.pause()
        pane = app.query_one(f"#{tab} > *")
        assert isinstance(pane, (EntitiesPane, QuotesPane, StatsPane))
        assert pane.size.width == 40 and pane.size.height == 20 - 2
        navigable = pane.navigable
        assert navigable.size.height > 0
        assert all(len(line) <= 40 for line in lines(navigable))


async def test_one_name_reads_in_the_singular() -> None:
    """The header said "1 names in 1 label" for a document naming one entity."""
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(40, 24)) as pilot:
        pane.show_entities(ENTITIES[:1], "document")
        await pilot.pause()
        assert "1 name in 1 label" in text(pane.query_one(".pane--header", Static))
