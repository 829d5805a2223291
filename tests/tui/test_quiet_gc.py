"""Full garbage collections wait for a quiet moment: while the explorer runs, the collector
makes no full collection by itself, and the explorer makes one only when the user is not typing.

A full collection took 57-117 ms in the explorer on news40k and was behind the slowest
keystrokes; see ``tui/quiet_gc.py``.
"""

from __future__ import annotations

import gc

from tests.tui.conftest import RecordingApp
from tests.tui.test_app import settle
from tui.explorer import ExplorerScreen
from tui.quiet_gc import NEVER, QuietCollections


def _promote_something() -> None:
    """Make the collector's generation-2 count non-zero (a young collection promotes)."""
    gc.collect(1)
    assert gc.get_count()[2] > 0


def test_no_automatic_full_collection_while_installed_and_the_schedule_comes_back() -> None:
    before = gc.get_threshold()
    collections = QuietCollections()
    collections.install()
    try:
        assert gc.get_threshold() == (before[0], before[1], NEVER)
    finally:
        collections.uninstall()
    assert gc.get_threshold() == before


def test_a_full_collection_runs_only_when_quiet_and_only_when_something_was_promoted() -> None:
    ran: list[int] = []
    collections = QuietCollections(collect=ran.append)
    collections.install()
    try:
        _promote_something()
        assert not collections.collect_if_quiet(quiet=False)  # typing: never
        assert ran == []
        assert collections.collect_if_quiet(quiet=True)
        assert ran == [2]
        gc.collect()  # nothing promoted since: an idle explorer collects nothing
        assert not collections.collect_if_quiet(quiet=True)
        assert ran == [2]
    finally:
        collections.uninstall()


def test_uninstalled_it_collects_nothing() -> None:
    ran: list[int] = []
    _promote_something()
    assert not QuietCollections(collect=ran.append).collect_if_quiet(quiet=True)
    assert ran == []


async def test_the_explorer_owns_full_collections_while_it_runs(app: RecordingApp) -> None:
    before = gc.get_threshold()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert gc.get_threshold()[2] == NEVER
        screen = app.screen
        assert isinstance(screen, ExplorerScreen)
        screen._last_key = float("inf")  # a key "now": typing
        _promote_something()
        screen._collect_garbage_if_quiet()
        assert gc.get_count()[2] > 0  # left for later
        screen._last_key = float("-inf")
        await settle(app, pilot)
        screen._collect_garbage_if_quiet()
        assert gc.get_count()[2] == 0  # collected
    assert gc.get_threshold() == before
