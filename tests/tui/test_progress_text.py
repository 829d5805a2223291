"""The progress wording shared by the explorer's status line and the command line."""

from __future__ import annotations

from search.records import Progress
from tui.progress_text import compact, counts, measure, stage_name


def test_analysis_counts_words_as_well_as_documents() -> None:
    progress = Progress("analyse", 12, 13, "big.txt", words_done=1_234_567, words_total=9_100_000)
    assert f"{stage_name(progress)} {counts(progress)}" == (
        "Analysing 12/13 documents · 1.2M/9.1M words · 14%"
    )
    assert measure(progress) == (1_234_567, 9_100_000)  # the bar follows the words


def test_without_words_a_job_counts_items() -> None:
    assert counts(Progress("index", 1200, 13000)) == "1,200/13,000"
    assert counts(Progress("scan", 40, None)) == "40"
    assert measure(Progress("index", 3, 13)) == (3, 13)


def test_compact_numbers() -> None:
    numbers = (0, 999, 1000, 12_500, 99_960, 999_999, 1_200_000, 250_000_000)
    assert [compact(n) for n in numbers] == [
        "0", "999", "1.0K", "12.5K", "100K", "1.0M", "1.2M", "250M"
    ]
