"""Background processes give way to the person typing: they run at a lower CPU priority.

Analysis and indexing workers keep both cores busy for minutes on a new corpus, while the
explorer shares those cores to answer each keystroke. At the default priority the scheduler
shares the cores evenly, so a keystroke's search queued behind two workers; niced, the workers
take only what the explorer leaves (and lose nothing when it is idle, as on the command line).
"""

from __future__ import annotations

import os

BACKGROUND_NICENESS = 10
"""How much lower than the explorer a background worker runs (Unix ``nice``: 0 to 19)."""


def lower_priority() -> None:
    """Lower this process's CPU priority (called first thing in a worker process). Where the
    system offers no ``nice``, or refuses it, the worker runs as it is."""
    try:
        os.nice(BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass
