"""Full garbage collections at quiet moments, never in the middle of a keystroke's answer.

Python's cyclic collector runs a full (generation 2) collection whenever enough objects have
survived the younger ones, wherever the program happens to be. In the explorer on news40k
those collections took 57-117 ms each, several in half a minute of typing, and they were the
slowest keystrokes (a 7 ms search painted 152 ms after its key; measured with `gc.callbacks`
in `python -m benchmarks.keypress`). Freezing what start-up made (`ExplorerScreen`) shortened
them but did not end them: the jobs' answers keep adding long-lived objects.

So while the explorer runs, full collections are taken out of the automatic schedule and run
from a timer when the user has not typed for a moment and no search is running; only when
younger collections have promoted anything since the last one (an idle explorer collects
nothing). Young collections (1-16 ms) stay automatic. Memory is still reclaimed: reference
counting frees everything that is not in a cycle at once, and cycles wait a few seconds at most.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

FULL_COLLECTION_EVERY = 5.0
"""Seconds between chances for a full collection (taken only when the user is quiet)."""
NEVER = 1 << 30
"""A generation-2 threshold the collector never reaches by itself."""


class QuietCollections:
    """Owns the collector's generation-2 schedule while installed: ``install`` on mount,
    ``collect_if_quiet`` from a timer, ``uninstall`` on unmount (the thresholds come back)."""

    def __init__(self, collect: Callable[[int], object] = gc.collect) -> None:
        self._collect = collect
        self._saved: tuple[int, int, int] | None = None

    def install(self) -> None:
        """Stop automatic full collections (young ones go on as before)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _old = self._saved
            gc.set_threshold(young, middle, NEVER)

    def uninstall(self) -> None:
        """Give the collector its own schedule back."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def collect_if_quiet(self, quiet: bool) -> bool:
        """Run a full collection if the user is ``quiet`` and anything was promoted since the
        last one; whether it ran."""
        if not quiet or self._saved is None or gc.get_count()[2] == 0:
            return False
        self._collect(2)
        return True
