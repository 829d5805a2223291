"""Corrections in the explorer: the prompts, the keys, and each correction end to end.

The prompts and the panes' keys are tested on their own, in tiny apps that record what is posted.
The end-to-end tests drive the whole explorer with the Pilot on a private copy of the analysed
tiny corpus (a correction is stored in the index folder: the session's shared index must stay
as the other tests expect it), and assert on the panes, the toasts and the engine's record.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, Tree

from search import Library
from search.records import Curation, CurationAction, Entity, Quote
from tests.tui.conftest import RecordingApp
from tests.tui.test_panes import PaneApp
from tui import messages as msg
from tui.config import Config
from tui.corrections import ChoicePrompt, NamePrompt, Suggestion, describe, matching
from tui.explorer import ExplorerScreen
from tui.panes import EntitiesPane, QuotesPane
from tui.panes.base import AnalysisPane
from tui.search_box import SearchBox
from tui.side_panes import SidePanes

# --- the prompts -----------------------------------------------------------------------------

NAMES = [
    Suggestion("Mara Quist", "PERSON", 40),
    Suggestion("Quist Holdings", "ORG", 12),
    Suggestion("Anton Quistorp", "PERSON", 3),
    Suggestion("Lena Marquist", "PERSON", 90),
    Suggestion("Oslo", "GPE", 7),
]


def test_names_that_start_with_what_is_typed_come_first() -> None:
    found = [s.name for s in matching(NAMES, "quist")]
    # the name's start, then a word's start (most mentioned first), then inside a word
    assert found == ["Quist Holdings", "Mara Quist", "Anton Quistorp", "Lena Marquist"]
    assert [s.name for s in matching(NAMES, "  MARA   q")] == ["Mara Quist"]
    assert matching(NAMES, "zzz") == []


class PromptApp(App[None]):
    """Pushes one prompt at start and keeps what it answers."""

    def __init__(self, prompt: ChoicePrompt | NamePrompt) -> None:
        super().__init__()
        self.prompt = prompt
        self.answers: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.prompt, self.answers.append)


async def test_name_prompt_takes_what_is_typed() -> None:
    app = PromptApp(NamePrompt("Rename ‘Mara Q.’", value="Mara Q."))
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert app.focused is app.prompt.query_one(Input)
        await pilot.press("end", "backspace", "backspace", *"Quist  ", "enter")
        await pilot.pause()
    assert app.answers == ["Mara Quist"], "spaces collapsed, the rest as typed"


async def test_name_prompt_offers_names_and_down_enter_picks_one() -> None:
    prompt = NamePrompt("Merge ‘Quist’ into", suggestions=NAMES[:2])
    app = PromptApp(prompt)
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press(*"quis")
        await pilot.pause()
        assert [s.name for s in prompt.shown] == ["Quist Holdings", "Mara Quist"]
        prompt.offer(NAMES)  # the corpus' names arrive while the prompt is open
        await pilot.pause()
        assert len(prompt.shown) == 4
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.answers == ["Mara Quist"]


async def test_name_prompt_escape_changes_nothing() -> None:
    app = PromptApp(NamePrompt("Merge ‘Quist’ into", suggestions=NAMES))
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press(*"mara", "escape")
        await pilot.pause()
    assert app.answers == [None]


async def test_choice_prompt_starts_on_the_current_value() -> None:
    choices = [("PERSON", "people"), ("ORG", "organisations"), ("GPE", "places")]
    prompt = ChoicePrompt("Relabel ‘Quist’ (PERSON) as", [(v, w) for v, w in choices], "PERSON")
    app = PromptApp(prompt)
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert prompt.query_one(OptionList).highlighted == 0
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.answers == ["ORG"]


def test_a_confirmation_names_what_changed_and_how_to_undo() -> None:
    merge = Curation(CurationAction.MERGE, "Quist", "Mara Quist", "PERSON")
    assert describe(merge) == "Merged ‘Quist’ into ‘Mara Quist’ · z undoes"
    assert describe(merge, undone=True) == "Undone: merged ‘Quist’ into ‘Mara Quist’"
    relabel = Curation(CurationAction.RELABEL, "Quist Holdings", "ORG", "PERSON")
    assert describe(relabel) == "Relabelled ‘Quist Holdings’ as ORG · z undoes"
    hide = Curation(CurationAction.HIDE, "\x1b[2Jjunk", None)
    assert "\x1b" not in describe(hide), "names go through the sanitiser"
    assert describe(Curation(CurationAction.SPEAKER, "q1", None)).startswith("Cleared the speaker")


# --- the panes' keys -------------------------------------------------------------------------

PEOPLE = [
    Entity("Mara Quist", "PERSON", 5, ("a.txt",), ("Quist",), ()),
    Entity("Quist Holdings", "ORG", 2, ("a.txt",), (), ()),
]
QUOTES = [
    Quote("a.txt", "The dam is safe.", "Mara Quist", "said", 0, 18, 0.9, id="q-1"),
    Quote("a.txt", "We sell.", None, None, 30, 40, 0.0, id="q-2"),
]


@pytest.mark.parametrize(
    ("key", "action"),
    [
        ("g", CurationAction.MERGE),
        ("r", CurationAction.RENAME),
        ("l", CurationAction.RELABEL),
        ("x", CurationAction.HIDE),
    ],
)
async def test_each_entity_key_asks_for_its_correction(key: str, action: CurationAction) -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(50, 20)) as pilot:
        pane.show_entities(PEOPLE, "corpus")
        pane.focus()
        await pilot.press(key)
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, EntitiesPane.CorrectionRequested)
        assert (message.entity, message.action) == (PEOPLE[0], action)


async def test_c_offers_the_corrections_then_asks_for_the_one_chosen() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(50, 20)) as pilot:
        pane.show_entities(PEOPLE, "corpus")
        pane.focus()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press("down", "down", "enter")  # merge, rename, relabel
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, EntitiesPane.CorrectionRequested)
        assert message.action == CurationAction.RELABEL and message.entity == PEOPLE[0]


async def test_a_correction_on_a_label_row_asks_for_nothing() -> None:
    pane = EntitiesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(50, 20)) as pilot:
        pane.show_entities(PEOPLE, "corpus")
        pane.focus()
        await pilot.press("k", "x", "c")  # the PERSON row
        await pilot.pause()
        assert app.posted == []
        assert not isinstance(app.screen, ChoicePrompt)
        assert any("Put the cursor on an entity" in toast for toast in app.toasts)


async def test_quote_keys_ask_to_change_or_clear_the_speaker_and_z_to_undo() -> None:
    pane = QuotesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(50, 20)) as pilot:
        pane.show_quotes(QUOTES)
        pane.focus()
        await pilot.press("c", "x", "z")
        await pilot.pause()
        change, clear, undo = app.posted
        assert isinstance(change, QuotesPane.SpeakerCorrection) and not change.clear
        assert isinstance(clear, QuotesPane.SpeakerCorrection) and clear.clear
        assert change.quote == clear.quote == QUOTES[0]
        assert isinstance(undo, AnalysisPane.UndoRequested)


async def test_the_filter_box_types_the_correction_keys() -> None:
    pane = QuotesPane()
    app = PaneApp(pane)
    async with app.run_test(size=(50, 20)) as pilot:
        pane.show_quotes(QUOTES)
        pane.query_one(Input).focus()
        await pilot.press("c", "x", "z")
        await pilot.pause()
        assert pane.query_one(Input).value == "cxz"
        assert app.posted == []


async def test_the_tree_cursor_stays_put_when_its_entity_goes() -> None:
    pane = EntitiesPane()
    async with PaneApp(pane).run_test(size=(50, 20)) as pilot:
        three = [*PEOPLE, Entity("Ada Roon", "PERSON", 1, ("a.txt",), (), ())]
        pane.show_entities(three, "corpus")
        pane.focus()
        await pilot.press("j")  # Ada Roon, under Mara Quist
        await pilot.pause()
        pane.show_entities([three[0], three[1]], "corpus")  # Ada Roon hidden
        await pilot.pause()
        tree = pane.query_one(Tree)
        assert tree.cursor_line == 2, "the next row, not the top of the list"


# --- end to end, on a private copy of the analysed tiny corpus --------------------------------


class CorrectingApp(RecordingApp):
    """The explorer, keeping every toast it shows (text and severity)."""

    def __init__(self, library: Library) -> None:
        super().__init__(library, config=Config())
        self.toasts: list[tuple[str, str]] = []

    def notify(self, message: str, **options: Any) -> None:
        self.toasts.append((message, options.get("severity", "information")))
        super().notify(message, **options)


@pytest.fixture
def private_library(built_index: tuple[Path, Path], tmp_path: Path) -> Library:
    """A Library on a copy of the session's index: corrections are stored in the index folder,
    and the other tests expect the automatic analysis."""
    corpus, index_dir = built_index
    shutil.copytree(index_dir, tmp_path / "index")
    return Library.open(corpus, tmp_path / "index")


@pytest.fixture
def correcting(private_library: Library) -> Iterator[CorrectingApp]:
    yield CorrectingApp(private_library)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the correction's job, the reloads it starts, and their answers."""
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def corpus_entities(pilot: Pilot[None]) -> EntitiesPane:
    """The entities tab, scope the whole corpus."""
    await settle(pilot)
    await pilot.press("down", "e", "o", "o")
    await settle(pilot)
    pane = pilot.app.screen.query_one(EntitiesPane)
    assert pane.scope == "corpus" and pane.entities
    return pane


async def cursor_on(pilot: Pilot[None], pane: EntitiesPane, name: str) -> Entity:
    tree: Tree[Entity | str] = pane.query_one(Tree)
    node = next(
        leaf for group in tree.root.children for leaf in group.children
        if isinstance(leaf.data, Entity) and leaf.data.name == name
    )  # fmt: skip
    tree.move_cursor(node)
    await pilot.pause()
    assert pane.current is not None and pane.current.name == name
    return pane.current


def names(pane: EntitiesPane) -> dict[str, str]:
    return {entity.name: entity.label for entity in pane.entities}


async def test_x_hides_an_entity_and_z_brings_it_back(correcting: CorrectingApp) -> None:
    library = correcting.library
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        await cursor_on(pilot, pane, "Maria Lopez")
        await pilot.press("x")
        await settle(pilot)
        assert "Maria Lopez" not in names(pane)
        assert ("Hid ‘Maria Lopez’ as junk · z undoes", "information") in correcting.toasts
        [hidden] = library.curations()
        assert (hidden.action, hidden.target, hidden.label) == ("hide", "Maria Lopez", "PERSON")
        await pilot.press("z")
        await settle(pilot)
        assert names(pane)["Maria Lopez"] == "PERSON"
        assert correcting.toasts[-1][0] == "Undone: hid ‘Maria Lopez’ as junk"
        assert library.curations() == []
        await pilot.press("z")
        await settle(pilot)
        assert correcting.toasts[-1] == ("Nothing to undo: no corrections made", "warning")


async def test_g_merges_into_a_name_picked_from_the_corpus(correcting: CorrectingApp) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        await cursor_on(pilot, pane, "Jane Smith")
        await pilot.press("g")
        await settle(pilot)
        prompt = correcting.screen
        assert isinstance(prompt, NamePrompt)
        await pilot.press(*"park")
        await pilot.pause()
        assert [s.name for s in prompt.shown] == ["Anna Park"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Jane Smith" not in names(pane)
        [anna] = [entity for entity in pane.entities if entity.name == "Anna Park"]
        assert "Jane Smith" in anna.aliases and anna.curated
        assert correcting.toasts[-1][0] == "Merged ‘Jane Smith’ into ‘Anna Park’ · z undoes"


async def test_r_renames_and_the_entity_is_marked(correcting: CorrectingApp) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        await cursor_on(pilot, pane, "Riverside city council")
        await pilot.press("r")
        await settle(pilot)
        assert correcting.screen.query_one(Input).value == "Riverside city council"
        await pilot.press("ctrl+u", *"Riverside City Council", "enter")
        await settle(pilot)
        assert "Riverside city council" not in names(pane)
        assert names(pane)["Riverside City Council"] == "ORG"
        assert pane.current is not None and pane.current.name == "Riverside City Council"
        assert "Riverside City Council ✓" in str(pane.query_one(Tree).cursor_node.label)


async def test_l_relabels_from_a_choice_of_labels(correcting: CorrectingApp) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        await cursor_on(pilot, pane, "Maria Lopez")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(correcting.screen, ChoicePrompt)
        await pilot.press("down", "enter")  # PERSON is under the cursor; ORG follows
        await settle(pilot)
        assert names(pane)["Maria Lopez"] == "ORG"
        assert correcting.toasts[-1][0] == "Relabelled ‘Maria Lopez’ as ORG · z undoes"


async def test_an_impossible_correction_says_why_and_changes_nothing(
    correcting: CorrectingApp,
) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        before = pane.entities
        await cursor_on(pilot, pane, "Jane Smith")
        await pilot.press("g", *"Nobody Called This", "enter")
        await settle(pilot)
        message, severity = correcting.toasts[-1]
        assert "Nobody Called This" in message and severity == "warning"
        assert correcting.library.curations() == []
        assert pane.entities == before


async def test_the_speaker_of_a_quote_is_changed_then_cleared(correcting: CorrectingApp) -> None:
    library = correcting.library
    async with correcting.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "u")
        await settle(pilot)
        pane = correcting.screen.query_one(QuotesPane)
        quote = pane.current
        assert quote is not None and quote.speaker == "Anna Park" and quote.id
        await pilot.press("c")
        await settle(pilot)
        assert correcting.screen.query_one(Input).value == "Anna Park"
        await pilot.press("ctrl+u", *"Jane Smith", "enter")
        await settle(pilot)
        changed = next(q for q in pane.quotes if q.id == quote.id)
        assert changed.speaker == "Jane Smith" and changed.speaker_curated
        assert correcting.toasts[-1][0] == "Gave a quote to ‘Jane Smith’ · z undoes"
        await pilot.press("x")
        await settle(pilot)
        cleared = next(q for q in pane.quotes if q.id == quote.id)
        assert cleared.speaker is None
        assert [c.value for c in library.curations()] == ["Jane Smith", None]


async def test_results_of_an_entity_query_follow_a_correction(correcting: CorrectingApp) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        correcting.screen.query_one(SearchBox).set_query('person:"Jane Smith"')
        await settle(pilot)
        assert correcting.screen.result_ids, "Jane Smith is found before she is hidden"
        await cursor_on(pilot, pane, "Jane Smith")
        pane.focus()
        await pilot.press("x")
        await settle(pilot)
        assert correcting.screen.result_ids == []


async def test_the_palette_hides_the_entity_under_the_cursor(correcting: CorrectingApp) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        await cursor_on(pilot, pane, "Tom Becker")
        await pilot.press("ctrl+p", *"hide as junk")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert "Tom Becker" not in names(pane)


async def test_the_panes_say_how_far_analysis_got_and_stop_when_it_ends(
    correcting: CorrectingApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(correcting.library, "analysis_coverage", lambda: (1, 4))
    async with correcting.run_test(size=(120, 40)) as pilot:
        pane = await corpus_entities(pilot)
        explorer = correcting.screen
        assert isinstance(explorer, ExplorerScreen)
        explorer.analysing = True  # as the analysis job's first progress sets it
        explorer.query_one(SidePanes).reload(analysing=True)
        await settle(pilot)
        header = pane.query_one(".pane--header", Static)
        assert "analysed 25%" in str(header.render())
        quotes = explorer.query_one(QuotesPane)
        assert "analysed 25%" in str(quotes.query_one(".pane--header", Static).render())
        explorer.post_message(msg.AnalysisDone(None))
        await settle(pilot)
        assert "analys" not in str(header.render())
        assert "analys" not in str(quotes.query_one(".pane--header", Static).render())


async def test_the_quote_cursor_stays_on_a_quote_whose_speaker_changed() -> None:
    pane = QuotesPane()
    async with PaneApp(pane).run_test(size=(50, 20)) as pilot:
        pane.show_quotes(QUOTES)
        pane.focus()
        await pilot.press("j")
        await pilot.pause()
        corrected = replace(QUOTES[1], speaker="Quist Holdings", speaker_curated=True)
        pane.show_quotes([QUOTES[0], corrected])
        await pilot.pause()
        assert pane.current == corrected


async def test_the_speaker_prompt_offers_the_speakers_of_the_quotes_listed(
    correcting: CorrectingApp,
) -> None:
    async with correcting.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "u")
        await settle(pilot)
        await pilot.press("c", "ctrl+u", *"lop")
        await settle(pilot)
        prompt = correcting.screen
        assert isinstance(prompt, NamePrompt)
        assert [s.name for s in prompt.shown] == ["Maria Lopez"], "offered once, not twice"
