"""Typing searches at once, and a burst of keys runs only its last query's search to the end.

The explorer searches on every keystroke (no fixed debounce): each key's search replaces the
one before it, whose answer is dropped and which stops at its next stage. The searches here
are held at a gate until the burst is over, so that every key's search is still waiting when
the last key arrives, however fast the machine: what runs to completion is then decided by
cancellation alone, not by timing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Label

from search import Library, SearchCancelled
from search.records import SearchResult
from tests.tui.conftest import RecordingApp
from tests.tui.test_app import settle
from tui import messages as msg
from tui.config import Config
from tui.explorer import ExplorerScreen
from tui.results import ResultList
from tui.search_box import SearchBox
from tui.side_panes import SidePanes


class GatedLibrary(Library):
    """A Library whose searches wait at a gate, and which notes each search that finished."""

    gate = threading.Event()
    """Searches wait here until it is set."""
    finished: list[str]
    """The queries whose search ran to the end, in the order they finished."""

    def search(self, query: str, limit: int = 20, **options: object) -> SearchResult:
        if not self.gate.wait(timeout=30):
            raise RuntimeError("the test never opened the gate")
        result = super().search(query, limit, **options)  # type: ignore[arg-type]
        self.finished.append(query)
        return result


def gated(built_index: tuple[Path, Path]) -> GatedLibrary:
    corpus, index_dir = built_index
    library = GatedLibrary.open(corpus, index_dir)
    library.gate = threading.Event()
    library.finished = []
    return library


async def test_a_burst_of_keys_runs_only_the_last_querys_search_to_the_end(
    built_index: tuple[Path, Path],
) -> None:
    library = gated(built_index)
    app = RecordingApp(library, config=Config())  # the explorer's own settings
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(SearchBox).focus_input()
        await pilot.press(*"harbour")
        typed = [m.query for m in app.messages(SearchBox.QueryChanged)]
        assert typed == ["h", "ha", "har", "harb", "harbo", "harbou", "harbour"]  # no debounce
        library.gate.set()
        await settle(app, pilot)
        assert library.finished == ["harbour"]
        assert [m.result.query for m in app.messages(msg.SearchDone)] == ["harbour"]
        assert app.query_one(ResultList).hits[0].document == "harbour_strike.txt"
        assert str(app.query_one("#search-status", Label).content).startswith("3 hits · ")


async def test_commits_while_typing_leave_pane_reloads_and_query_reruns_for_later(
    built_index: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = gated(built_index)
    reloads: list[bool] = []
    monkeypatch.setattr(SidePanes, "reload", lambda _self, *, analysing: reloads.append(analysing))
    reruns: list[str] = []
    search = ExplorerScreen._search

    def rerun_noted(screen: ExplorerScreen, *, reload: bool = False) -> None:
        if reload:
            reruns.append(screen.current_query)
        search(screen, reload=reload)

    monkeypatch.setattr(ExplorerScreen, "_search", rerun_noted)
    app = RecordingApp(library, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reloads.clear()
        app.query_one(SearchBox).focus_input()
        await pilot.press(*"harbour")
        app.screen.post_message(msg.JobCommitted("index"))  # while the search runs
        app.screen.post_message(msg.JobCommitted("analyse"))
        await pilot.pause()
        library.gate.set()
        await settle(app, pilot)
        assert reruns == []  # the keystroke's search was not cancelled and started again
        assert reloads == []  # and had the interpreter to itself
        assert library.finished == ["harbour"]


def test_a_search_stops_at_the_next_stage_once_it_is_stale(
    built_index: tuple[Path, Path],
) -> None:
    corpus, index_dir = built_index
    library = Library.open(corpus, index_dir)
    asked: list[bool] = []

    def stale() -> bool:  # turns stale at its third check: after parsing, before the hits
        asked.append(len(asked) >= 2)
        return asked[-1]

    with pytest.raises(SearchCancelled):
        library.search("harbour", stale=stale)
    assert asked == [False, False, True]
    assert library.search("harbour", stale=lambda: False).total == 3
