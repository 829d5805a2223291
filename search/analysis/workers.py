"""Analysis in spawned worker processes, fed small chunks of documents.

Workers are started with the *spawn* method: the app has threads, and forking a threaded
process can copy a held lock into the child. Each worker loads the model once and is fed
small chunks, so results stream back and a cancel takes effect quickly. A worker never writes
to the terminal (the parent may be drawing a full-screen interface on it), ignores Ctrl+C (the
parent decides) and exits by itself once its parent is gone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from search.analysis.batching import Item, analyse_here
from search.analysis.model import ModelNotFound, load_pipeline
from search.analysis.results import AnalysisOutcome, DocumentAnalysis
from search.priority import lower_priority

CHUNK_DOCUMENTS = 8
"""Documents sent to a worker at a time: small enough to stream and to cancel promptly."""


class AnalysisFailed(Exception):
    """A worker process failed; ``str(error)`` holds its traceback."""


def analyse_in_workers(
    items: Iterable[Item], model: str, processes: int, batch_size: int, cancel: threading.Event
) -> Iterator[AnalysisOutcome]:
    """Feed chunks to spawned workers, keeping a few in flight each, and yield what returns:
    documents as they finish, and the pieces of long ones as they are done (a worker busy with
    a long document for an hour says how far it got; the other goes on with the rest)."""
    context = multiprocessing.get_context("spawn")
    with _real_stderr():  # the queues' locks start the resource tracker
        tasks: Any = context.Queue()
        results: Any = context.Queue()
        workers = [
            context.Process(
                target=_worker,
                args=(model, batch_size, tasks, results),
                name=f"docscope-analysis-{n}",
                daemon=True,
            )
            for n in range(processes)
        ]
    source = iter(items)
    ahead = processes * CHUNK_DOCUMENTS * 2
    in_flight = 0
    exhausted = False
    try:
        with _real_stderr(), _interrupts_deferred():
            for worker in workers:
                worker.start()
        while True:
            while not exhausted and in_flight < ahead and not cancel.is_set():
                chunk = _take(source, CHUNK_DOCUMENTS)
                if not chunk:
                    exhausted = True
                    break
                tasks.put(chunk)
                in_flight += len(chunk)
            if cancel.is_set() or (exhausted and in_flight == 0):
                return
            try:
                kind, payload = results.get(timeout=0.1)
            except queue.Empty:
                _check_alive(workers)
                continue
            if kind == "error":
                raise _failure(payload)
            if kind == "done":
                in_flight -= 1
            yield payload
    finally:
        _stop(workers, tasks, graceful=not cancel.is_set() and exhausted and in_flight == 0)
        tasks.close()
        results.close()


def _take(source: Iterator[Item], size: int) -> list[Item]:
    chunk: list[Item] = []
    for item in source:
        chunk.append(item)
        if len(chunk) == size:
            break
    return chunk


def _failure(payload: str) -> Exception:
    if payload.startswith("ModelNotFound: "):
        return ModelNotFound(payload.removeprefix("ModelNotFound: "))
    return AnalysisFailed(payload)


def _check_alive(workers: list[Any]) -> None:
    dead = [w for w in workers if not w.is_alive()]
    if dead:
        worker = dead[0]
        raise AnalysisFailed(f"analysis worker {worker.name} stopped (exit code {worker.exitcode})")


def _stop(workers: list[Any], tasks: Any, graceful: bool) -> None:
    """End our workers: ask politely when all work is done, else terminate them now."""
    if graceful:
        for _ in workers:  # graceful means every worker started and finished its share
            tasks.put(None)
        for worker in workers:
            worker.join(timeout=5)
    started = [worker for worker in workers if worker.pid is not None]
    for worker in started:
        if worker.is_alive():
            worker.terminate()
    for worker in started:
        worker.join(timeout=5)
    tasks.cancel_join_thread()


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl+C and SIGTERM while worker processes start; they take effect right after.

    ``Process.start`` writes the child's start-up data down a pipe; an interrupt in the middle
    of that write closed the pipe early, and the half-started child printed a traceback
    (``EOFError: Ran out of input``) over the user's "interrupted". The signals' handlers are
    swapped for one that notes them, and a noted signal is raised again once the old handlers
    are back. (A signal mask would not do: a signal sent to the process goes to any thread that
    does not block it, and spawned children would inherit the mask.) Off the main thread (the
    explorer's worker) Python delivers no signal here anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler is not None:  # None: set outside Python, and it could not be put back
            previous[signum] = signal.signal(signum, lambda number, _frame: noted.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            signal.raise_signal(noted[0])


@contextmanager
def _real_stderr() -> Iterator[None]:
    """Give ``sys.stderr`` a real file descriptor while worker processes start.

    multiprocessing hands ``sys.stderr.fileno()`` to its resource-tracker process. Inside the
    explorer, Textual captures ``sys.stderr`` with an object whose descriptor is -1, and the
    start fails ("bad value(s) in fds_to_keep"); ``os.devnull`` stands in for that moment.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    captured = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = captured


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed with SIGKILL, say): nobody will read its
    results, and a blocked queue would otherwise keep it, and its model, alive for good."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _worker(model: str, batch_size: int, tasks: Any, results: Any) -> None:
    """A worker process: load the model once, then analyse chunks until told to stop.

    Ctrl+C reaches the whole process group; the parent decides what happens to its workers,
    so a worker ignores it rather than printing a traceback of its own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority()  # the explorer's keystrokes come first (search/priority.py)
    # The parent may be drawing a full-screen interface on this terminal: a worker says what
    # went wrong through the results queue, never by writing to the screen.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        nlp = load_pipeline(model)
    except ModelNotFound as error:
        results.put(("error", f"ModelNotFound: {error}"))
        return
    never = threading.Event()
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    release_memory = _memory_releaser()
    while True:
        chunk = tasks.get()
        if chunk is None:
            return
        try:
            for outcome in analyse_here(chunk, nlp, batch_size, never):
                results.put(("done" if isinstance(outcome, DocumentAnalysis) else "piece", outcome))
        except Exception:  # reported to the parent, which raises it there
            results.put(("error", traceback.format_exc()))
            return
        release_memory()


def _memory_releaser() -> Callable[[], object]:
    """Hand freed memory back to the system after each chunk (glibc's ``malloc_trim``).

    Each batch parsed leaves its freed memory scattered through the heap, where glibc keeps
    it: one process analysing news40k's first 5,000 documents rested at 258-359 MB, and at
    193-218 MB with a trim after every 8 documents (its peak inside a batch was the same,
    354 MB). Elsewhere than glibc, nothing to do.
    """
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)
