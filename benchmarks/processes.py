"""Running a measured child process: its result, its wall time and its peak memory.

Peak memory is the largest sum of resident memory over the process and all its descendants
(the indexing and analysis workers), sampled every 50 ms with ``psutil`` (the ``bench``
extra). Without psutil it falls back to ``getrusage``, which only knows the largest single
process, and says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    result: dict[str, object]
    wall: float
    peak_mb: float
    peak_method: str


def run_child(task: str, options: dict[str, object], env: dict[str, str] | None = None) -> Outcome:
    """Run ``benchmarks.child`` with ``task`` and return what it printed, timed and measured."""
    launched = time.time()
    command = [sys.executable, "-m", "benchmarks.child", task, json.dumps({**options, "launched": launched})]
    completed, wall, peak, method = measure(command, env=env)
    if completed.returncode != 0:
        raise RuntimeError(f"{task} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    last = completed.stdout.strip().split("\n")[-1]
    return Outcome(json.loads(last), wall, peak, method)


def measure(
    command: Sequence[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float, float, str]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak = [0.0]
    method = "psutil: whole process tree, sampled every 50 ms"
    try:
        import psutil
    except ImportError:
        psutil = None
        method = "getrusage: largest single process (install the bench extra for the tree)"
    stop = threading.Event()

    def sample() -> None:
        if psutil is None:
            return
        try:
            root = psutil.Process(process.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                for member in tree:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total / 2**20)
            except psutil.Error:
                return
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if psutil is None:
        import resource

        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    completed = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return completed, wall, peak[0], method
