"""The explorer driven with the Pilot on the tiny corpus: assert on messages and widget state.

Every app gets a Library on a temporary, already indexed copy of the corpus and a search
debounce of 0; tests wait for workers and for the message queue, never for the clock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static, TabbedContent

from search import Library
from search.library import entity_query
from search.records import SearchResult
from tests.tui.conftest import RecordingApp, copy_corpus
from tui import messages as msg
from tui.app import DocscopeApp
from tui.config import Config, load_config
from tui.explorer import PANES_EVERY, PANES_SHARE, ExplorerScreen
from tui.help_screen import HelpScreen
from tui.launch import run_explorer
from tui.panes.entities import EntitiesPane
from tui.panes.quotes import QuotesPane
from tui.panes.statistics import StatsPane
from tui.reader import Reader, ReaderBlock
from tui.results import ResultList
from tui.search_box import SearchBox
from tui.side_panes import SidePanes


async def settle(app: RecordingApp, pilot: Pilot[None]) -> None:
    """Let messages and workers run until nothing is left to do."""
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def settle_until(
    app: RecordingApp, pilot: Pilot[None], condition: Callable[[], bool], rounds: int = 30
) -> bool:
    """Settle repeatedly until ``condition()`` holds: background jobs chain into new ones."""
    for _ in range(rounds):
        await settle(app, pilot)
        if condition():
            return True
    return bool(condition())


async def search_for(
    app: RecordingApp, pilot: Pilot[None], query: str, *, typed: bool = False
) -> None:
    """Put ``query`` in the search box (key by key when ``typed``) and wait for the answer."""
    box = app.query_one(SearchBox)
    box.focus_input()
    if typed:
        await pilot.press(*query)
    else:
        box.set_query(query)
    await settle(app, pilot)


# --- searching -------------------------------------------------------------------------------


async def test_startup_lists_every_document(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        results = app.query_one(ResultList)
        assert [info.id for info in results.documents] == [
            "chip_exports.txt", "city_council.txt", "harbour_strike.txt", "markup_notes.txt",
        ]  # fmt: skip
        assert app.messages(msg.ListingDone)
        assert app.focused is app.query_one("#query", Input)
        assert "4 documents" in str(app.query_one("#search-status", Label).content)


async def test_typing_a_query_shows_ranked_hits(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, "harbour", typed=True)
        queries = [m.query for m in app.messages(SearchBox.QueryChanged)]
        assert queries[-3:] == ["harbo", "harbou", "harbour"]  # search as you type
        done = app.messages(msg.SearchDone)
        assert done and done[-1].result.query == "harbour"
        hits = app.query_one(ResultList).hits
        assert [hit.document for hit in hits][:2] == ["harbour_strike.txt", "city_council.txt"]
        assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
        assert all(hit.highlights for hit in hits)
        assert str(app.query_one("#search-status", Label).content).startswith("3 hits · ")


async def test_a_query_error_shows_in_place(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, '"harbour')
        assert app.messages(msg.SearchFailed)
        status = app.query_one("#search-status", Label)
        assert status.has_class("-error")
        assert "quotation" in str(status.content)
        assert app.is_running


async def test_did_you_mean_is_accepted_with_a_key(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, "harbor")
        suggestion = app.query_one("#suggestion")
        assert suggestion.display
        assert "harbour" in str(suggestion.content)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert app.query_one(SearchBox).query == "harbour"
        assert app.query_one(ResultList).hits
        await search_for(app, pilot, "cranez")
        await pilot.click("#suggestion")  # the mouse accepts it too
        await settle(app, pilot)
        assert app.query_one(SearchBox).query == "cranes"


async def test_the_sort_key_cycles_the_document_list(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ResultList).focus()
        await pilot.press("o")
        await settle(app, pilot)
        assert app.messages(ResultList.SortChanged)[-1].sort == "words"
        words = [info.words for info in app.query_one(ResultList).documents]
        assert app.explorer.sort == "words" and len(words) == 4
        assert "by words" in str(app.query_one("#search-status", Label).content)


async def test_clearing_the_query_shows_the_list_again_without_a_search(
    app: RecordingApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        listings = len(app.messages(msg.ListingDone))
        await search_for(app, pilot, "harbour")
        await search_for(app, pilot, "")
        assert len(app.messages(msg.ListingDone)) == listings  # the list it had, no new job
        assert len(app.query_one(ResultList).documents) == 4
        assert "4 documents" in str(app.query_one("#search-status", Label).content)


async def test_the_side_panes_follow_the_results_once_typing_pauses(library: Library) -> None:
    app = RecordingApp(library, config=Config(), panes_delay=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(TabbedContent).active = "quotes-tab"  # a hidden pane loads nothing
        await pilot.pause(0.6)  # the document list's own reload
        await settle(app, pilot)
        reloads = len(app.messages(msg.QuotesLoaded))
        app.query_one(SearchBox).focus_input()
        await pilot.press(*"harbour")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one(ResultList).hits  # the results are up at once...
        assert len(app.messages(msg.QuotesLoaded)) == reloads  # ...the panes wait
        await pilot.pause(0.6)
        await settle(app, pilot)
        assert len(app.messages(msg.QuotesLoaded)) == reloads + 1  # once, for "harbour"
        assert {q.document for q in app.query_one(QuotesPane).quotes} <= {
            hit.document for hit in app.query_one(ResultList).hits
        }


async def test_a_hidden_pane_loads_when_its_tab_is_shown(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.query_one(TabbedContent).active == "entities-tab"
        assert app.messages(msg.EntitiesLoaded), "the pane on show loads at start"
        assert not app.messages(msg.QuotesLoaded) and not app.messages(msg.CorpusStatsLoaded)
        app.explorer.open_document("harbour_strike.txt")
        await settle(app, pilot)
        assert not app.messages(msg.DocumentStatsLoaded)
        app.query_one(TabbedContent).active = "stats-tab"
        await settle(app, pilot)
        assert len(app.messages(msg.CorpusStatsLoaded)) == 1
        [stats] = app.messages(msg.DocumentStatsLoaded)
        assert stats.stats is not None and stats.stats.document == "harbour_strike.txt"
        app.query_one(TabbedContent).active = "entities-tab"
        app.query_one(TabbedContent).active = "stats-tab"
        await settle(app, pilot)
        assert len(app.messages(msg.CorpusStatsLoaded)) == 1, "shown again: nothing changed"
        assert not app.messages(msg.QuotesLoaded)


async def test_costly_pane_reloads_come_less_often_while_analysing(
    app: RecordingApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        explorer = app.explorer
        assert explorer._panes_interval() == PANES_EVERY  # the tiny corpus: fast reloads
        costs = {"top-entities": 1.5, "entities": 0.5}
        side = app.query_one(SidePanes)
        for runner in (explorer.jobs, side.jobs):
            monkeypatch.setattr(runner, "took", lambda group: costs.get(group, 0.0))
        assert explorer._panes_interval() == pytest.approx(2.0 / PANES_SHARE)


# --- reading ---------------------------------------------------------------------------------


async def test_enter_opens_the_reader_and_n_moves_between_hits(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, "harbour")
        await pilot.press("enter")  # to the results
        assert app.focused is app.query_one(ResultList)
        await pilot.press("enter")  # open the top hit
        await settle(app, pilot)
        reader = app.query_one(Reader)
        assert app.focused is reader
        loaded = app.messages(msg.DocumentLoaded)[-1]
        assert loaded.document.id == "harbour_strike.txt"
        assert reader.document is not None and reader.document.id == "harbour_strike.txt"
        assert len(reader.hits) == 4
        assert all(reader.document.text[s:e].lower() == "harbour" for s, e in reader.hits)
        assert reader.current_hit == 0
        await pilot.press("n")
        assert reader.current_hit == 1
        assert reader.position.startswith("hit 2/4")
        await pilot.press("N", "N")
        assert reader.current_hit == 3
        changes = app.messages(Reader.HitChanged)
        assert [c.index for c in changes[-3:]] == [1, 0, 3]


async def test_clicking_a_result_opens_it(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click(ResultList, offset=(5, 1))
        await settle(app, pilot)
        assert app.query_one(Reader).document is not None
        assert app.messages(ResultList.Opened)


async def test_escape_backs_out_reader_results_search(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ResultList).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is app.query_one(Reader)
        await pilot.press("escape")
        assert app.focused is app.query_one(ResultList)
        await pilot.press("escape")
        assert app.focused is app.query_one("#query", Input)


async def test_a_document_containing_markup_shows_it_literally(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.explorer.open_document("markup_notes.txt")
        await settle(app, pilot)
        shown = " ".join(str(block.content) for block in app.query(ReaderBlock))
        assert "[bold]not bold[/]" in shown
        assert "[@click=app.quit]quit[/]" in shown
        assert "[link=x]this link[/link]" in shown
        screen = app.export_screenshot()
        assert "[bold]not" in screen and "[@click=app.quit]quit[/]" in screen
        assert app.is_running


# --- side panes ------------------------------------------------------------------------------


async def test_an_entity_narrows_the_results(app: RecordingApp, library: Library) -> None:
    maria = next(e for e in library.entities(label="PERSON") if e.name == "Maria Lopez")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(EntitiesPane)
        pane.post_message(EntitiesPane.Selected(pane, maria))
        await settle(app, pilot)
        assert app.query_one(SearchBox).query == entity_query(maria) == 'person:"Maria Lopez"'
        ids = {hit.document for hit in app.query_one(ResultList).hits}
        assert ids == {"harbour_strike.txt", "city_council.txt"}


async def test_entities_follow_the_scope_the_pane_asks_for(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(EntitiesPane)
        pane.post_message(EntitiesPane.ScopeChanged(pane, "corpus"))
        await settle(app, pilot)
        loaded = app.messages(msg.EntitiesLoaded)
        corpus = [m for m in loaded if m.scope == "corpus"]
        assert corpus and any(e.name == "Maria Lopez" for e in corpus[-1].entities)
        assert any(e.name == "Maria Lopez" for e in pane.entities)


async def test_entities_of_no_open_document_ask_for_one(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(EntitiesPane)
        assert pane.scope == "document" and app.explorer.open_id is None
        assert "No document open" in str(pane.query_one(".pane--empty", Static).content)
        app.explorer.open_document("harbour_strike.txt")
        await settle(app, pilot)
        assert any(e.name == "Maria Lopez" for e in pane.entities)


async def test_a_quote_opens_at_its_place(app: RecordingApp, library: Library) -> None:
    quote = next(q for q in library.quotes() if q.document == "city_council.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(QuotesPane)
        pane.post_message(QuotesPane.Selected(pane, quote))
        await settle(app, pilot)
        reader = app.query_one(Reader)
        assert reader.document is not None and reader.document.id == "city_council.txt"
        assert reader.target == (quote.start, quote.end)
        assert quote.text in reader.document.text[quote.start : quote.end]


async def test_mentions_step_the_reader_through_an_entity(
    app: RecordingApp, library: Library
) -> None:
    maria = next(e for e in library.entities(label="PERSON") if e.name == "Maria Lopez")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(EntitiesPane)
        reader = app.query_one(Reader)
        seen = []
        for _ in range(2):
            pane.post_message(EntitiesPane.MentionsRequested(pane, maria))
            await settle(app, pilot)
            assert reader.document is not None and reader.target is not None
            start, end = reader.target
            assert reader.document.text[start:end] in ("Maria Lopez", "Lopez")
            seen.append(reader.document.id)
        assert sorted(seen) == ["city_council.txt", "harbour_strike.txt"]


async def test_a_term_shows_its_dispersion_in_the_open_document(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.explorer.open_document("harbour_strike.txt")
        await settle(app, pilot)
        pane = app.query_one(StatsPane)
        pane.post_message(StatsPane.TermSelected(pane, "harbour"))
        await settle(app, pilot)
        loaded = app.messages(msg.DispersionLoaded)[-1]
        assert loaded.term == "harbour"
        positions = loaded.positions
        assert len(positions) == 4 and all(0 <= p < 1 for p in positions)
        assert list(positions) == sorted(positions)


async def test_side_tab_keys_switch_tabs(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ResultList).focus()
        await pilot.press("u")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "quotes-tab"
        await pilot.press("escape", "s")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "stats-tab"


async def test_a_listing_read_before_start_up_is_shown_at_mount(library: Library) -> None:
    listing = library.documents()
    app = DocscopeApp(library, config=Config(), debounce=0, panes_delay=0, listing=listing)
    async with app.run_test(size=(120, 40)) as pilot:
        results = app.query_one(ResultList)
        assert [info.id for info in results.documents] == [info.id for info in listing]
        assert not any(worker.group == "search" for worker in app.workers)
        await settle(app, pilot)
        assert app.explorer.catalog == list(listing)
        await search_for(app, pilot, "harbour")
        await pilot.press("ctrl+a", "ctrl+k")
        await settle(app, pilot)
        assert [info.id for info in results.documents] == [info.id for info in listing]


def test_the_explorer_takes_its_width_class_before_the_first_resize(library: Library) -> None:
    screen = ExplorerScreen(library, threading.Event())
    screen.fit_width(80)
    assert screen.has_class("-narrow") and not screen.has_class("-wide")
    screen.fit_width(120)
    assert screen.has_class("-wide") and not screen.has_class("-narrow")


async def test_narrow_screens_fold_the_side_panes(app: RecordingApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("-narrow")
        await settle(app, pilot)
        side = app.query_one("#side")
        assert not side.display or side.region.width == 0
        app.query_one(ResultList).focus()
        await pilot.press("e")
        await pilot.pause()
        assert side.region.width > 0
        await pilot.press("escape")
        await pilot.pause()
        assert side.region.width == 0


# --- help, palette, keymap -------------------------------------------------------------------


async def test_help_is_generated_from_the_live_bindings(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        here = {line.binding_id for s in app.screen.here for line in s.lines}
        elsewhere = {line.binding_id for s in app.screen.elsewhere for line in s.lines}
        assert {"app.help", "app.focus_search", "search.accept_suggestion"} <= here
        assert {"reader.next_hit", "results.sort", "entities.scope"} <= elsewhere
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_a_user_keymap_remaps_bindings(library: Library) -> None:
    config = Config(keymap={"reader.next_hit": "x", "app.help": "f2"})
    app = RecordingApp(library, config=config, debounce=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, "harbour")
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        await pilot.press("x")
        assert app.query_one(Reader).current_hit == 1
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {line.binding_id: line.keys for s in app.screen.here for line in s.lines}
        assert keys["reader.next_hit"] == "x"


async def test_the_palette_opens_documents(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"open chip")
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        reader = app.query_one(Reader)
        assert reader.document is not None and reader.document.id == "chip_exports.txt"


async def test_the_config_theme_applies(library: Library) -> None:
    app = RecordingApp(library, config=Config(theme="nord"), debounce=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"


# --- background work -------------------------------------------------------------------------


async def test_a_new_corpus_indexes_in_the_background(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    library = Library.open(corpus, tmp_path / "index")
    app = RecordingApp(library, config=Config(), debounce=0)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.query_one(SearchBox)  # the screen is up before anything is indexed
        assert await settle_until(app, pilot, lambda: bool(app.messages(msg.AnalysisDone)))
        assert app.messages(msg.IndexDone)[0].report.indexed
        assert app.messages(msg.JobProgress)
        assert len(app.query_one(ResultList).documents) == 4
        assert not app.query_one("#job-status").display
        assert any(e.name == "Maria Lopez" for e in app.explorer.top_entities)


class BrokenLibrary(Library):
    def search(self, query: str, limit: int = 20, **options: object) -> SearchResult:
        raise RuntimeError("disk on fire")


async def test_a_failing_worker_is_a_notification_not_a_crash(
    built_index: tuple[Path, Path],
) -> None:
    library = BrokenLibrary.open(*built_index)
    app = RecordingApp(library, config=Config(), debounce=0)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await search_for(app, pilot, "harbour")
        assert app.is_running
        assert "disk on fire" in str(app.query_one("#search-status", Label).content)
        assert "disk&#160;on&#160;fire" in app.export_screenshot()  # the notification


async def test_quitting_sets_the_cancel_event(app: RecordingApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ResultList).focus()
        await pilot.press("q")
        await pilot.pause()
    assert app.cancel.is_set()


# --- config and launch -----------------------------------------------------------------------


def test_config_reads_keymap_theme_and_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSCOPE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text(
        'theme = "nord"\nmodel = "en_core_web_sm"\n[keymap]\n"app.quit" = "ctrl+q"\n'
        '"reader.next_hit" = ["n", "f3"]\n"bad" = 3\n'
    )
    config = load_config()
    assert config.theme == "nord" and config.model == "en_core_web_sm"
    assert dict(config.keymap) == {"app.quit": "ctrl+q", "reader.next_hit": "n,f3"}
    assert len(config.problems) == 1


def test_config_missing_or_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSCOPE_CONFIG_DIR", str(tmp_path))
    assert load_config() == Config()
    (tmp_path / "config.toml").write_text("theme = \n")
    assert load_config().problems


def test_the_launch_reads_the_listing_or_leaves_it_to_the_explorer(
    built_index: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index_dir = built_index
    given: list[object] = []
    monkeypatch.setattr(DocscopeApp, "run", lambda app, **_: given.append(app.listing))
    assert run_explorer(str(corpus), str(index_dir), None) == 0
    expected = Library.open(corpus, index_dir).documents()
    assert [info.id for info in given[0]] == [info.id for info in expected]

    def locked(library: Library, sort: str = "title") -> list[object]:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Library, "documents", locked)
    assert run_explorer(str(corpus), str(index_dir), None) == 0
    assert given[1] is None  # the explorer's worker reads it, and reports a failure


def test_a_missing_corpus_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_explorer(str(tmp_path / "nowhere"), str(tmp_path / "index"), None)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("docscope: ") and err.count("\n") == 1
    assert "Traceback" not in err

