"""The explorer, timed as a user meets it: launch to first screen, keypress to results.

First screen: ``docscope PATH --index-dir DIR`` runs in a real pseudo-terminal (120x40) and
the clock stops when the document list's status line ("2,226 documents · by title") has been
written to the terminal, which happens in the same frame as the list itself.

Keypress to results: the app runs under Textual's Pilot (``App.run_test``); each query is
typed one character at a time, and for every keypress the clock runs until the results list
shows the answer for the text typed so far (or the search box its error, for a partial
query such as a lone ``"``) and the screen has been refreshed (``pilot.pause()``). The
search box's debounce is measured at 0 (the time docscope needs) and at the app's default.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from benchmarks.stats import Summary

MARKER = "documents · by"
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][AB012]|\x1b[=>]")


def first_screen(corpus: Path, index_dir: Path, config_dir: Path, timeout: float = 60.0) -> float:
    """Seconds from starting ``docscope`` to its first screen with the document list."""
    executable = Path(sys.executable).with_name("docscope")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "XDG_CONFIG_HOME": str(config_dir),
        "DOCSCOPE_CONFIG_DIR": str(config_dir / "docscope"),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(executable), str(corpus), "--index-dir", str(index_dir)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    seen = float("nan")
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.02)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                output += os.read(master, 1 << 16)
            except OSError:
                break
            if MARKER in _ANSI.sub(b"", output[-20000:]).decode("utf-8", "replace"):
                seen = time.perf_counter() - started
                break
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
    if seen != seen:
        tail = _ANSI.sub(b"", output[-3000:]).decode("utf-8", "replace")
        raise RuntimeError(f"the first screen never showed {MARKER!r}:\n{tail}")
    return seen


def keypresses(
    corpus: Path,
    index_dir: Path,
    queries: list[str],
    debounce: float,
    rounds: int = 1,
    analysis: bool = True,
) -> tuple[Summary, int]:
    """Keypress-to-painted-results times over every character of ``queries`` typed.

    With ``analysis`` False the app's background analysis is switched off (for a corpus the
    benchmark did not analyse: spaCy on both cores would be measured instead of search).
    """
    return asyncio.run(_keypresses(corpus, index_dir, queries, debounce, rounds, analysis))


async def _keypresses(
    corpus: Path, index_dir: Path, queries: list[str], debounce: float, rounds: int, analysis: bool
) -> tuple[Summary, int]:
    from search.library import Library
    from tui import workers
    from tui.app import DocscopeApp
    from tui.explorer import ExplorerScreen
    from tui.messages import AnalysisDone
    from tui.results import ResultList
    from tui.search_box import SearchBox

    library = Library.open(corpus, index_dir=index_dir)
    original_analyse = workers.analyse_job
    if not analysis:
        workers.analyse_job = lambda *_args: AnalysisDone(None)  # type: ignore[assignment]
    shown: list[tuple[str, float]] = []
    original_hits = ResultList.show_hits
    original_error = SearchBox.show_error

    def show_hits(self: ResultList, result: object) -> None:
        original_hits(self, result)
        shown.append((result.query, time.perf_counter()))  # type: ignore[attr-defined]

    def show_error(self: SearchBox, error: str) -> None:
        original_error(self, error)
        shown.append((self.query_one("#query").value, time.perf_counter()))

    ResultList.show_hits = show_hits  # type: ignore[method-assign]
    SearchBox.show_error = show_error  # type: ignore[method-assign]
    times: list[float] = []
    timeouts = 0
    try:
        app = DocscopeApp(library, debounce=debounce)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(app, pilot)
            screen = app.screen_stack[0]
            assert isinstance(screen, ExplorerScreen)
            for _round in range(rounds):
                for query in queries:
                    typed = ""
                    for char in query:
                        typed += char
                        shown.clear()
                        started = time.perf_counter()
                        await pilot.press(*_keys(char))
                        deadline = started + 10
                        while not any(text == typed for text, _t in shown):
                            if time.perf_counter() > deadline:
                                timeouts += 1
                                break
                            await asyncio.sleep(0.001)
                        else:
                            await pilot.pause()
                            times.append(time.perf_counter() - started)
                    await pilot.press("ctrl+a", "ctrl+k")  # clear the box: the list comes back
                    await _settle(app, pilot)
    finally:
        ResultList.show_hits = original_hits  # type: ignore[method-assign]
        SearchBox.show_error = original_error  # type: ignore[method-assign]
        workers.analyse_job = original_analyse  # type: ignore[assignment]
    return Summary.of(times), timeouts


async def _settle(app: object, pilot: object) -> None:
    """Wait until the app's background work (the first listing, index check, side panes)
    has finished: keypresses are timed on an idle explorer, not against its start-up."""
    from textual.worker import WorkerCancelled

    for _ in range(100):
        try:
            await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        except WorkerCancelled:  # a newer job replaced it: wait for that one
            pass
        await pilot.pause(0.1)  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):  # type: ignore[attr-defined]
            await pilot.pause(0.2)  # type: ignore[attr-defined]
            if not any(w.is_running for w in app.workers):  # type: ignore[attr-defined]
                return


def _keys(char: str) -> tuple[str, ...]:
    names = {" ": "space", '"': "quotation_mark", "*": "asterisk", "~": "tilde", ":": "colon",
             "(": "left_parenthesis", ")": "right_parenthesis", "-": "minus"}
    return (names.get(char, char),)
