"""How a job's progress reads: one wording for the explorer's status line and the command line.

"Analysing 12/13 documents · 1.2M/9.1M words · 13%": analysis counts words as well as
documents, because a count of documents stands still while one huge document is analysed.
"""

from __future__ import annotations

from search.records import Progress

STAGES: dict[str, str] = {"scan": "Scanning", "index": "Indexing", "analyse": "Analysing"}
"""How each stage of ``Progress`` reads."""


def stage_name(progress: Progress) -> str:
    return STAGES.get(progress.stage, progress.stage.capitalize())


def counts(progress: Progress) -> str:
    """"12/13 documents · 1.2M/9.1M words · 13%" when words are known, else "12/13"."""
    total = "" if progress.total is None else f"/{progress.total:,}"
    if not progress.words_total:
        return f"{progress.done:,}{total}"
    share = progress.words_done / progress.words_total
    return (
        f"{progress.done:,}{total} documents · {compact(progress.words_done)}/"
        f"{compact(progress.words_total)} words · {share:.0%}"
    )


def measure(progress: Progress) -> tuple[int, int | None]:
    """(completed, total) for a progress bar: words when known, else the count of items."""
    if progress.words_total:
        return progress.words_done, progress.words_total
    return progress.done, progress.total


def compact(number: int) -> str:
    """A count in at most four figures: 950, 12.5K, 1.2M (999,999 reads 1.0M, not 1000K)."""
    value, unit = float(number), ""
    for larger in ("K", "M", "G"):
        if value < 999.5:
            break
        value, unit = value / 1000, larger
    if not unit or value >= 99.95:
        return f"{value:.0f}{unit}"
    return f"{value:.1f}{unit}"
