"""Keypress to painted results, as a user meets it: ``docscope`` in a real pseudo-terminal.

    python -m benchmarks.keypress --corpus PATH --index-dir DIR [--scenarios quiet,analysing]

The explorer runs as a user starts it (``docscope PATH --index-dir DIR``, 120x40, its own
settings, debounce and all) on an analysed index. Queries are typed one character at a time;
for each key the clock runs from writing it to the terminal until the bytes painting its
answer have been read back: the search box's status for the text typed so far ("50 of 1,234
hits · ", or a partial query's error), which Textual paints in the same frame as the results
list. Beside it, the echo: until the text typed so far shows in the box, the floor set by
Textual and the terminal. After each answer the next key waits a typist's pause
(``TYPING_GAP``).

The "analysing" scenario measures the normal state of a new corpus: a copy of the index with its
analysis cleared, so that the explorer analyses it in the background (the text index
complete); typing starts once the first analysed batch is committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stats import Summary, number
from benchmarks.terminal import Terminal, plain

QUERIES = ["government", "oil prices", '"prime minister"', "tax*", "title:election"]
"""Typed by default (the news queries of ``benchmarks/run.py``)."""
TYPING_GAP = 0.12
"""Seconds between an answer and the next key: a brisk typist's rhythm."""
ANSWER_TIMEOUT = 10.0
"""Seconds a key waits for its answer before it counts as never answered."""
LISTING = "documents · by"
"""The status line of the empty query: the document list is back."""
REPO = Path(__file__).resolve().parents[1]


@dataclass
class KeypressRun:
    """One scenario's keys: until each answer was painted, and until each key was echoed."""

    answered: list[float] = field(default_factory=list)
    keys: list[tuple[str, float]] = field(default_factory=list)
    """The text typed so far with each answered key's time, in typing order."""
    echoed: list[float] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    """The text typed so far, for each key whose answer never showed."""
    load: str = ""
    """The machine's load average when the run ended (others may share the cores)."""

    def summary(self) -> tuple[Summary, Summary]:
        return Summary.of(self.answered), Summary.of(self.echoed)


def expected_status(corpus: Path, index_dir: Path, queries: Sequence[str]) -> dict[str, str]:
    """Text typed so far -> the start of the status line its answer paints (computed here with
    the same engine, so the marker is exact: hit counts, or the error of a partial query)."""
    from search import Library, QueryError
    from tui.workers import SEARCH_LIMIT

    library = Library.open(corpus, index_dir=index_dir)
    if library.notice is not None or library.needs_refresh():
        raise RuntimeError(f"{index_dir} is not an up-to-date index of {corpus}: run docscope index")
    markers: dict[str, str] = {}
    for query in queries:
        for end in range(1, len(query) + 1):
            typed = query[:end]
            if typed in markers:
                continue
            if not typed.strip():
                markers[typed] = LISTING
                continue
            try:
                result = library.search(typed, limit=SEARCH_LIMIT)
            except QueryError as error:
                markers[typed] = str(error)[:30]
                continue
            noun = "hit" if result.total == 1 else "hits"
            shown = len(result.hits)
            count = f"{shown} of {result.total:,}" if shown < result.total else f"{result.total:,}"
            markers[typed] = f"{count} {noun} · "
    return markers


def clear_analysis(index_dir: Path) -> None:
    """Forget every document's analysis in (a copy of) an index: the explorer redoes it."""
    with sqlite3.connect(index_dir / "catalog.sqlite3") as db:
        for table in ("analysis", "mentions", "quotes"):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def analysed(index_dir: Path) -> int:
    """Documents with a committed analysis."""
    with sqlite3.connect(f"file:{index_dir / 'catalog.sqlite3'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT COUNT(*) FROM analysis").fetchone()[0])


def _wait(terminal: Terminal, until: Callable[[], bool], timeout: float) -> bool:
    """Keep reading the terminal (a program nobody reads blocks) until ``until()`` holds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if until():
            return True
        terminal.read_until(lambda _new: False, 0.2)
    return until()


def _type_query(terminal: Terminal, query: str, markers: dict[str, str], run: KeypressRun) -> None:
    """Type ``query`` a key at a time, timing each key's echo and answer; then clear the box."""
    for end in range(1, len(query) + 1):
        typed, marker = query[:end], markers[query[:end]]
        terminal.read_until(lambda _new: False, TYPING_GAP)
        echo: list[float] = []

        def painted(new: bytes, typed: str = typed, marker: str = marker) -> bool:
            text = plain(new)
            if not echo and typed in text:
                echo.append(time.perf_counter())
            return marker in text

        written = terminal.write(typed[-1].encode())
        answer = terminal.read_until(painted, ANSWER_TIMEOUT)
        if echo:
            run.echoed.append(echo[0] - written)
        if answer is None:
            run.unanswered.append(typed)
        else:
            run.answered.append(answer - written)
            run.keys.append((typed, answer - written))
    terminal.write(b"\x15")  # ctrl+u: the box empties and the document list returns
    terminal.read_until(lambda new: LISTING in plain(new), ANSWER_TIMEOUT)


def measure(
    corpus: Path,
    index_dir: Path,
    queries: Sequence[str],
    *,
    analysing: bool = False,
    rounds: int = 1,
) -> KeypressRun:
    """Launch the explorer in a pseudo-terminal and time every key of ``queries`` typed."""
    markers = expected_status(corpus, index_dir, queries)
    run = KeypressRun()
    with tempfile.TemporaryDirectory(prefix="docscope-keys-") as scratch:
        work = Path(scratch)
        if analysing:
            shutil.copytree(index_dir, work / "index")
            index_dir = work / "index"
            clear_analysis(index_dir)
            expected_status(corpus, index_dir, [])  # the copy opens as it is, nothing to re-index
        executable = Path(sys.executable).with_name("docscope")
        command = [str(executable), str(corpus), "--index-dir", str(index_dir)]
        with Terminal(command, work / "config", REPO) as terminal:
            if terminal.read_until(lambda new: LISTING in plain(new[-20000:]), 120) is None:
                raise RuntimeError(f"the first screen never showed {LISTING!r}")
            if analysing:
                if not _wait(terminal, lambda: analysed(index_dir) > 0, 600):
                    raise RuntimeError("the explorer never began analysing")
            else:
                terminal.drain(0.4, 3.0)  # warm-up and the side panes' first loads
            for _round in range(rounds):
                for query in queries:
                    _type_query(terminal, query, markers, run)
            if analysing and analysed(index_dir) >= _documents(index_dir):
                print("warning: analysis ended before typing did", file=sys.stderr)
    run.load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return run


def _documents(index_dir: Path) -> int:
    with sqlite3.connect(f"file:{index_dir / 'catalog.sqlite3'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def rows(label: str, run: KeypressRun, *, load: bool = True) -> list[str]:
    """Markdown table rows for one scenario (ms), with the load average column or without."""
    answered, echoed = run.summary()
    tail = f" | {run.load} |" if load else " |"
    return [
        f"| {label}: keypress to painted hit count (ms) | {number(answered.median * 1000, 0)} "
        f"| {number(answered.p95 * 1000, 0)} | {answered.runs} keys, {len(run.unanswered)} unanswered"
        + tail,
        f"| {label}: keypress to echo, the floor (ms) | {number(echoed.median * 1000, 0)} "
        f"| {number(echoed.p95 * 1000, 0)} | {echoed.runs} keys" + tail,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.keypress",
        description="Time keypress to painted results in a real pseudo-terminal.",
    )
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus (folder or file)")
    parser.add_argument("--index-dir", type=Path, required=True, help="its analysed index")
    parser.add_argument("--scenarios", default="quiet,analysing", metavar="LIST",
                        help="quiet (the analysed index as it is), analysing (a copy whose "
                        "analysis the explorer redoes in the background); default: both")
    parser.add_argument("--rounds", type=int, default=1, help="times each query is typed")
    parser.add_argument("--queries", help="comma-separated queries (default: the news set)")
    parser.add_argument("--label", default="", help="names the corpus in the table")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the explorer on the way out
    queries = options.queries.split(",") if options.queries else QUERIES
    label = options.label or options.corpus.name
    scenarios = options.scenarios.split(",")
    runs = [
        (scenario, measure(options.corpus, options.index_dir, queries,
                           analysing=scenario == "analysing", rounds=options.rounds))
        for scenario in ("quiet", "analysing") if scenario in scenarios
    ]
    print("| figure | median (ms) | p95 (ms) | runs | load average |")
    print("| --- | ---: | ---: | --- | --- |")
    for scenario, run in runs:
        print("\n".join(rows(f"{label}, {scenario}", run)))
        slowest = sorted(run.keys, key=lambda key: -key[1])[:8]
        print(f"{scenario}: slowest keys: " + ", ".join(f"{t!r} {s * 1000:.0f} ms" for t, s in slowest), file=sys.stderr)
        if run.unanswered:
            print(f"{scenario}: unanswered after {ANSWER_TIMEOUT:.0f} s: {run.unanswered}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
