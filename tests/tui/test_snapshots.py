"""SVG snapshots of the distinct screens, on the tiny corpus, at 120x40 and 80x24.

Deterministic by construction: the corpus copy has fixed modification times, the index is built
before the app starts, searches report a frozen time, the config folder shown in the help is a
fixed path, every snapshot waits for the workers, and none leaves the blinking cursor in view.
Update with ``--snapshot-update`` after checking the differences in ``snapshot_report.html``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from search import Library
from tests.tui.conftest import RecordingApp
from tui.config import Config
from tui.search_box import SearchBox

WIDE = (120, 40)
NARROW = (80, 24)

Snap = Callable[..., bool]


@pytest.fixture
def snap_app(library: Library, monkeypatch: pytest.MonkeyPatch) -> RecordingApp:
    monkeypatch.setenv("DOCSCOPE_CONFIG_DIR", "/home/reporter/.config/docscope")
    return RecordingApp(library, config=Config(), debounce=0)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


Step = Callable[[Pilot[None]], Awaitable[None]]


def then(*steps: Step) -> Step:
    """A ``run_before`` that settles, runs each step, and settles after each."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)

    return run


async def to_results(pilot: Pilot[None]) -> None:
    """Move from the search box to the list (a blinking cursor would make snapshots flaky)."""
    await pilot.press("down")


async def search_harbour(pilot: Pilot[None]) -> None:
    pilot.app.query_one(SearchBox).set_query("harbour")


async def open_top_hit(pilot: Pilot[None]) -> None:
    await pilot.press("enter", "enter")


async def next_hit(pilot: Pilot[None]) -> None:
    await pilot.press("n")


async def entities_tab(pilot: Pilot[None]) -> None:
    await pilot.press("e")


async def help_screen(pilot: Pilot[None]) -> None:
    await pilot.press("f1")


def test_startup_document_list(snap_compare: Snap, snap_app: RecordingApp) -> None:
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=then(to_results))


def test_startup_document_list_narrow(snap_compare: Snap, snap_app: RecordingApp) -> None:
    assert snap_compare(snap_app, terminal_size=NARROW, run_before=then(to_results))


def test_reader_with_hits(snap_compare: Snap, snap_app: RecordingApp) -> None:
    steps = then(search_harbour, open_top_hit, next_hit)
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=steps)


def test_reader_with_hits_narrow(snap_compare: Snap, snap_app: RecordingApp) -> None:
    steps = then(search_harbour, open_top_hit, next_hit)
    assert snap_compare(snap_app, terminal_size=NARROW, run_before=steps)


def test_entities_tab(snap_compare: Snap, snap_app: RecordingApp) -> None:
    steps = then(search_harbour, open_top_hit, entities_tab)
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=steps)


def test_help_screen(snap_compare: Snap, snap_app: RecordingApp) -> None:
    steps = then(search_harbour, open_top_hit, help_screen)
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=steps)


async def merge_prompt(pilot: Pilot[None]) -> None:
    """g on the entity under the cursor, a few letters, then down to the names offered (the
    input's blinking cursor out of view)."""
    await pilot.press("g", "m", "a", "r")


async def to_suggestions(pilot: Pilot[None]) -> None:
    await pilot.press("down")


def test_merge_prompt(snap_compare: Snap, snap_app: RecordingApp) -> None:
    steps = then(search_harbour, open_top_hit, entities_tab, merge_prompt, to_suggestions)
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=steps)
