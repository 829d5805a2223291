"""Background worker processes run at a lower CPU priority than the explorer that started them.

Indexing and analysis workers otherwise share the cores evenly with the explorer, and a
keystroke's search waits behind them (270-620 ms to results on BBC while analysing).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

from search.analysis.model import DEFAULT_MODEL
from search.analysis.workers import analyse_in_workers
from search.priority import BACKGROUND_NICENESS
from search.segments import SegmentBuilders


def lowered() -> int:
    """The niceness a background worker of this process should have."""
    return min(19, os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS)


def test_indexing_workers_run_at_a_lower_priority(tmp_path: Path) -> None:
    with SegmentBuilders(tmp_path, 2) as builders:
        builders.flush()  # each worker has answered: it is past its start
        pids = [worker.process.pid for worker in builders._workers]
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pids] == [lowered()] * 2


def test_analysis_workers_run_at_a_lower_priority() -> None:
    items = [("a.txt", "digest", "The minister said the talks would go on.")]
    stream = analyse_in_workers(items, DEFAULT_MODEL, 1, 32, threading.Event())
    try:
        next(stream)  # a result came back: the worker is past its start
        [worker] = [p for p in multiprocessing.active_children() if p.name.startswith("docscope-analysis")]
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == lowered()
    finally:
        stream.close()
    assert not multiprocessing.active_children()
