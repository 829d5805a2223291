"""Analysing many documents: in this process for a few, in spawned worker processes for many.

Analysis is the slowest thing docscope does. Entities need the recogniser; quotes need the
parser (sentences, subjects, cue verbs), parts of speech and lemmas ("said" -> "say"); figures
need tokens and sentences. That is every component of the small English pipeline except the
spare sentence splitter (``model.py``), so the savings are elsewhere: the model's
``attribute_ruler`` applied by lookup (``ruler.py``), texts in pieces and batches bounded by
characters (``batching.py``), and both cores (``workers.py``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator

from search.analysis.batching import Item, analyse_here
from search.analysis.model import DEFAULT_MODEL, check_installed, load_pipeline
from search.analysis.results import AnalysisOutcome
from search.analysis.workers import analyse_in_workers

SPAWN_THRESHOLD = 50
"""Fewer documents than this are analysed in-process: starting workers costs ~2 s, which
two processes win back after about 50 news articles."""
MAX_PROCESSES = 4


def default_processes(n_docs: int) -> int:
    """One process for small jobs (a worker costs ~2 s to start), else up to four."""
    if n_docs < SPAWN_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES))


def usable_processes(requested: int) -> int:
    """``requested`` kept within 1 and the number of cores: every worker loads its own model,
    so more than the cores only waits longer and takes more memory, and a caller's slip
    (99999999) must never try to start that many."""
    return max(1, min(requested, os.cpu_count() or 1))


def analyse_texts(
    items: Iterable[Item],
    model: str = DEFAULT_MODEL,
    processes: int = 1,
    batch_size: int = 32,
    cancel: threading.Event | None = None,
) -> Iterator[AnalysisOutcome]:
    """Analyse (id, digest, cleaned text) items, yielding one result per document, and a
    ``PieceAnalysed`` for each piece of a long document but its last.

    With ``processes > 1`` results come back as workers finish them, not in input order.
    ``items`` is only ever read from the calling thread. Setting ``cancel`` stops promptly:
    no further result is yielded and worker processes are ended.
    """
    cancel = cancel or threading.Event()
    check_installed(model)
    if processes <= 1:
        yield from analyse_here(items, load_pipeline(model), batch_size, cancel)
    else:
        yield from analyse_in_workers(items, model, processes, batch_size, cancel)
