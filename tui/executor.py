"""The explorer's thread executor: its threads do not hold the process open at exit.

Textual runs thread workers on the event loop's default executor. Python's own
``ThreadPoolExecutor`` is joined when the loop closes and again at exit, so quitting waited
for every job still reading: on a 40,000-document corpus, one read of the whole corpus' entities
kept the process alive for 20 s after the screen was restored. On daemon threads, a job that
only reads is simply left behind; the jobs that write the index are waited for by
``JobRunner.close`` (they stop at their next check of the cancel event).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DaemonThreadExecutor(ThreadPoolExecutor):
    """Each call on a new daemon thread (a job is long next to starting a thread).

    A ``ThreadPoolExecutor`` only in name (asyncio accepts no other as the default executor):
    it keeps no pool, so there is nothing to join on shutdown.
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - handed to whoever awaits the future
                future.set_exception(error)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="docscope-job", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons, and the writers are waited for by
        ``JobRunner.close``."""
