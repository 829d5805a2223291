"""Background jobs at exit: reading jobs are left behind, the index's writers are waited for.

``DaemonThreadExecutor`` runs the explorer's thread workers on daemon threads, so the process
does not wait for a job that only reads; ``JobRunner.close`` waits for the jobs writing the
index, and starts no job once the app has gone.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from textual.app import App
from textual.message import Message

from search import Library
from tui.executor import DaemonThreadExecutor
from tui.workers import JobRunner


class Answer(Message):
    """What a test job posts back."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__()


class RunnerApp(App[None]):
    """An app that records the answers its jobs post."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.jobs = JobRunner(self, library)
        self.answers: list[str] = []

    def on_answer(self, message: Answer) -> None:
        self.answers.append(message.value)


def test_the_executor_runs_each_call_on_a_daemon_thread() -> None:
    executor = DaemonThreadExecutor()
    threads = executor.submit(lambda: threading.current_thread())
    assert threads.result(timeout=5).daemon
    failed = executor.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failed.result(timeout=5)


def test_the_executor_shuts_down_without_waiting_for_its_threads() -> None:
    executor = DaemonThreadExecutor()
    release = threading.Event()
    blocked = executor.submit(release.wait, 30)
    started = time.monotonic()
    executor.shutdown(wait=True)
    assert time.monotonic() - started < 1.0
    assert not blocked.done()
    release.set()
    assert blocked.result(timeout=5) is True


async def test_close_waits_for_a_writer_and_starts_no_job_after(library: Library) -> None:
    app = RunnerApp(library)
    writing, release = threading.Event(), threading.Event()

    def index_job(_library: Library) -> Message:
        writing.set()
        release.wait(30)
        return Answer("indexed")

    async with app.run_test() as pilot:
        app.jobs.run("index", index_job)
        assert await asyncio.to_thread(writing.wait, 5)
        assert app.jobs.writing == 1
        closed = threading.Event()
        closer = threading.Thread(target=lambda: (app.jobs.close(), closed.set()))
        closer.start()
        assert not closed.wait(0.3), "close returned while the index was being written"
        release.set()
        assert closed.wait(5)
        assert app.jobs.writing == 0
        ran: list[str] = []
        app.jobs.run("search", lambda _library: ran.append("search") or Answer("searched"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ran == [], "a job asked for after close never begins"
        assert app.answers == ["indexed"]
        assert app.jobs.took("index") >= 0.3 and app.jobs.took("search") == 0.0
