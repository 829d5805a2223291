"""The explorer, timed as a user meets it: launch to first screen, keypress to results.

First screen: ``docscope PATH --index-dir DIR`` runs in a real pseudo-terminal (120x40) and
the clock stops when the document list's status line ("2,226 documents · by title") has been
written to the terminal, which happens in the same frame as the list itself. One more launch
(``benchmarks/launch_marks.py``) notes when each start-up step ends.

Keypress to results: the app runs under Textual's Pilot (``App.run_test``); each query is
typed one character at a time, and for every keypress the clock runs from sending the key
until Textual has rendered the first frame after the results list took the answer for the
text typed so far (or the search box its error, for a partial query such as a lone ``"``).
The Pilot's own round trip (``press`` then ``pause()``, which wait for the process to idle
in 20 ms sleeps) is reported beside it, and so is the same harness on a bare Textual app.
What a user sees, in a real terminal with the explorer's own settings, is
``benchmarks/keypress.py``; this one isolates the explorer's own time from the terminal's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.stats import Summary
from benchmarks.terminal import Terminal, plain

MARKER = "documents · by"


REPO = Path(__file__).resolve().parents[1]


def first_screen(
    corpus: Path, index_dir: Path, config_dir: Path, bytecode: Path | None, timeout: float = 60.0
) -> float:
    """Seconds from starting ``docscope`` to its first screen with the document list.

    ``bytecode``: a folder where Python keeps the modules it compiled, as it does on a user's
    machine (``__pycache__``). None runs as this machine is set up, with
    ``PYTHONDONTWRITEBYTECODE=1``: every docscope module is compiled again at each launch.
    """
    executable = Path(sys.executable).with_name("docscope")
    command = [str(executable), str(corpus), "--index-dir", str(index_dir)]
    started = time.time()
    seen = _in_terminal(command, config_dir, bytecode, timeout, until=MARKER)
    if seen is None:
        raise RuntimeError(f"the first screen never showed {MARKER!r}")
    return seen - started


PHASES = (
    ("started", "Python start-up"),
    ("imported", "imports: command line, engine, Whoosh, Textual, the explorer's widgets"),
    ("opened", "`Library.open`: index checks (Whoosh segments, catalog)"),
    ("listing read", "the document list read (sorted by title)"),
    ("mounted", "Textual start-up, the explorer's compose and mount (the list put in place)"),
    ("painted", "the first frame rendered, written, and read by the terminal"),
)
"""The moments ``benchmarks/launch_marks.py`` notes, and what happens before each."""


def first_screen_phases(
    corpus: Path, index_dir: Path, config_dir: Path, bytecode: Path | None, timeout: float = 60.0
) -> dict[str, float]:
    """Seconds spent before each of ``PHASES``' moments, in one launch that notes them; the
    last one, "painted", is when the status line showed on the terminal."""
    marks_file = config_dir / "launch-marks.jsonl"
    marks_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "benchmarks.launch_marks", str(corpus), str(index_dir), str(marks_file)]
    launched = time.time()
    painted = _in_terminal(command, config_dir, bytecode, timeout, until=MARKER)
    if painted is None:
        raise RuntimeError(f"the first screen never showed {MARKER!r}")
    marks = dict(json.loads(line) for line in marks_file.read_text(encoding="utf-8").splitlines())
    marks["painted"] = painted
    durations: dict[str, float] = {}
    previous = launched
    for name, _label in PHASES:
        durations[name] = marks[name] - previous
        previous = marks[name]
    return durations


def _in_terminal(
    command: list[str], config_dir: Path, bytecode: Path | None, timeout: float, until: str
) -> float | None:
    """Run ``command`` in a 120x40 pseudo-terminal until its screen shows ``until``, then stop
    it; when (``time.time()``) ``until`` was read from the terminal, or None if never."""
    with Terminal(command, config_dir, REPO, bytecode) as terminal:
        seen = terminal.read_until(lambda new: until in plain(new[-20000:]), timeout)
    return None if seen is None else time.time() - (time.perf_counter() - seen)


@dataclass(frozen=True)
class KeypressTimes:
    """Per keypress: until the answer was painted, and the Pilot's whole round trip."""

    painted: Summary
    """From the key being sent to the first frame rendered after the answer was shown."""
    round_trip: Summary
    """From the key being sent until ``pilot.press`` and ``pilot.pause()`` have returned: adds
    the Pilot's own waits for an idle process (``wait_for_idle`` sleeps 20 ms at a time)."""
    timeouts: int


class _Clock:
    """Timestamps of the answers shown (by text typed) and of the frames Textual renders."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, float]] = []
        self.frames: list[float] = []

    def clear(self) -> None:
        self.shown.clear()
        self.frames.clear()

    def show(self, text: str) -> None:
        self.shown.append((text, time.perf_counter()))

    @contextmanager
    def watching_frames(self) -> Iterator[None]:
        """Note every frame the app renders. ``App._display`` receives a frame once the
        compositor has rendered it (headless, it then writes nothing)."""
        from textual.app import App

        original = App._display

        def display(app: App, screen: object, renderable: object) -> None:
            if renderable is not None:
                self.frames.append(time.perf_counter())
            original(app, screen, renderable)  # type: ignore[arg-type]

        App._display = display  # type: ignore[method-assign]
        try:
            yield
        finally:
            App._display = original  # type: ignore[method-assign]


async def _type(pilot: object, clock: _Clock, query: str, times: tuple[list, list]) -> int:
    """Type ``query`` a key at a time; time each key; return how many answers never came."""
    painted, round_trips = times
    timeouts = 0
    typed = ""
    for char in query:
        typed += char
        clock.clear()
        started = time.perf_counter()
        await pilot.press(*_keys(char))  # type: ignore[attr-defined]
        deadline = started + 10
        frame = None
        while frame is None and time.perf_counter() < deadline:
            shown = [at for text, at in clock.shown if text == typed]
            if shown:
                frame = next((at for at in clock.frames if at >= shown[0]), None)
            if frame is None:
                await asyncio.sleep(0.001)
        if frame is None:
            timeouts += 1
            continue
        await pilot.pause()  # type: ignore[attr-defined]
        painted.append(frame - started)
        round_trips.append(time.perf_counter() - started)
    return timeouts


def keypresses(
    corpus: Path,
    index_dir: Path,
    queries: list[str],
    debounce: float,
    rounds: int = 1,
    analysis: bool = True,
) -> KeypressTimes:
    """Keypress-to-painted-results times over every character of ``queries`` typed.

    With ``analysis`` False the app's background analysis is switched off (for a corpus the
    benchmark did not analyse: spaCy on both cores would be measured instead of search).
    """
    return asyncio.run(_keypresses(corpus, index_dir, queries, debounce, rounds, analysis))


async def _keypresses(
    corpus: Path, index_dir: Path, queries: list[str], debounce: float, rounds: int, analysis: bool
) -> KeypressTimes:
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
    clock = _Clock()
    original_hits = ResultList.show_hits
    original_error = SearchBox.show_error

    def show_hits(self: ResultList, result: object) -> None:
        original_hits(self, result)
        clock.show(result.query)  # type: ignore[attr-defined]

    def show_error(self: SearchBox, error: str) -> None:
        original_error(self, error)
        clock.show(self.query_one("#query").value)

    ResultList.show_hits = show_hits  # type: ignore[method-assign]
    SearchBox.show_error = show_error  # type: ignore[method-assign]
    times: tuple[list[float], list[float]] = ([], [])
    timeouts = 0
    try:
        app = DocscopeApp(library, debounce=debounce)
        with clock.watching_frames():
            async with app.run_test(size=(120, 40)) as pilot:
                await _settle(app, pilot)
                assert isinstance(app.screen_stack[0], ExplorerScreen)
                for _round in range(rounds):
                    for query in queries:
                        timeouts += await _type(pilot, clock, query, times)
                        await pilot.press("ctrl+a", "ctrl+k")  # clear the box: the list returns
                        await _settle(app, pilot)
    finally:
        ResultList.show_hits = original_hits  # type: ignore[method-assign]
        SearchBox.show_error = original_error  # type: ignore[method-assign]
        workers.analyse_job = original_analyse  # type: ignore[assignment]
    return KeypressTimes(Summary.of(times[0]), Summary.of(times[1]), timeouts)


def bare_app_keypresses(queries: list[str]) -> KeypressTimes:
    """The harness's floor: the same queries typed and timed the same way into a bare Textual
    app holding one Input and a Label that repeats what was typed."""
    return asyncio.run(_bare_app_keypresses(queries))


async def _bare_app_keypresses(queries: list[str]) -> KeypressTimes:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Label

    clock = _Clock()

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="query")
            yield Label("", id="answer")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one("#answer", Label).update(event.value)
            clock.show(event.value)

    times: tuple[list[float], list[float]] = ([], [])
    timeouts = 0
    with clock.watching_frames():
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            for query in queries:
                timeouts += await _type(pilot, clock, query, times)
                await pilot.press("ctrl+a", "ctrl+k")
                await pilot.pause(0.1)
    return KeypressTimes(Summary.of(times[0]), Summary.of(times[1]), timeouts)


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
