"""The real ``docscope`` command in a real pseudo-terminal: it starts, searches, and quits cleanly.

The terminal harness is ``tests/tui/terminal.py``; the ``terminal_env`` fixture is in conftest.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from search import Library
from tests.tui.terminal import Terminal, docscope_command

SEED_TITLE = b"A Pivotal Moment for South"
"""The title of one of the bundled seeds, as the results list shows it."""


def test_docscope_starts_searches_and_quits_in_a_terminal(
    tmp_path: Path, terminal_env: dict[str, str], record_property: pytest.RecordProperty
) -> None:
    """On the indexed seeds: the first screen, a query typed, its hits read, q, exit code 0."""
    index_dir = tmp_path / "index"
    seeds = Library.open(None, index_dir)  # index the seeds first; the explorer analyses them
    seeds.refresh()
    assert not seeds.needs_refresh()
    terminal = Terminal([*docscope_command(), "--index-dir", str(index_dir)], terminal_env)
    try:
        first_screen = terminal.read_until(SEED_TITLE)  # the document list is up
        typed_at = len(terminal.output)
        terminal.type(b"semiconductors")
        terminal.read_until(b"2 hits")
        terminal.read_until(SEED_TITLE, start=typed_at)  # the hits, redrawn after the query
        terminal.type(b"\r")  # Enter: from the search box to the results ...
        terminal.read_until(b"Quit")  # ... whose footer offers q (the search box types it)
        terminal.type(b"q")  # analysis may still be running: quitting cancels it
        quit_at = time.monotonic()
        assert terminal.wait() == 0
        quit_took = time.monotonic() - quit_at
    finally:
        terminal.close()
    assert b"Traceback" not in terminal.output
    print(f"exit took {quit_took:.3f} s after q")
    record_property("time_to_first_screen", round(first_screen, 3))
    print(f"time to first screen: {first_screen:.3f} s")
    assert first_screen < 5.0  # generous for a loaded machine; about 0.7 s here


def test_sigterm_leaves_the_terminal_as_it_found_it(
    tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    """``kill`` while the seeds are analysed: the explorer quits as on q, so the alternate
    screen and mouse reporting are switched off, and exits with 128 + SIGTERM."""
    terminal = Terminal([*docscope_command(), "--index-dir", str(tmp_path / "index")], terminal_env)
    try:
        terminal.read_until(SEED_TITLE)
        terminal.read_until(b"Analysing")
        killed_at = len(terminal.output)
        terminal.process.send_signal(signal.SIGTERM)
        assert terminal.wait() == 128 + signal.SIGTERM
    finally:
        terminal.close()
    after = bytes(terminal.output[killed_at:])
    assert b"\x1b[?1049l" in after, "still in the alternate screen"
    assert b"\x1b[?1000l" in after, "still reporting the mouse"
    assert b"Traceback" not in terminal.output and b"leaked" not in after
