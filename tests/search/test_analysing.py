"""The analysis pass is fair: a huge document never keeps the others from being analysed,
committed and seen, and progress counts the words as well as the documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search import Library
from search.analysis import batching
from search.records import Progress

SMALL = {
    "b.txt": "Prime Minister Tony Blair met Gordon Brown in London on Monday.",
    "c.txt": '"We will keep talking," said Angela Merkel in Berlin.',
    "d.txt": "Shares in TimeWarner rose in New York after the report.",
}
HUGE = "a_huge.txt"
"""First by name, so that an order by id would analyse it first."""
FILLER = "Trade between the two countries grew again this year, officials in Paris said. " * 4


@dataclass
class Watch:
    """What the library shows after each commit, and every progress note."""

    library: Library | None = None
    commits: list[set[str]] = field(default_factory=list)
    """The documents with analysis visible through the library, at each commit."""
    progress: list[Progress] = field(default_factory=list)

    def committed(self) -> None:
        assert self.library is not None
        self.commits.append({d for e in self.library.entities() for d in e.documents})


def _library(root: Path, huge_paragraphs: int) -> Library:
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in SMALL.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / HUGE).write_text("\n\n".join([FILLER.strip()] * huge_paragraphs), encoding="utf-8")
    library = Library.open(corpus, index_dir=root / "index")
    library.refresh()
    return library


def _analyse(library: Library, processes: int) -> Watch:
    watch = Watch(library)
    report = library.analyse(
        progress=watch.progress.append, processes=processes, on_commit=watch.committed
    )
    assert report.analysed == 4 and not report.interrupted
    return watch


def _assert_fair(watch: Watch) -> None:
    """The small documents were committed, and visible, while the huge one was still under
    way; and progress moved in words inside the huge one."""
    small = set(SMALL)
    first_small = next(i for i, seen in enumerate(watch.commits) if small <= seen)
    assert HUGE not in watch.commits[first_small], watch.commits
    assert HUGE in watch.commits[-1]

    words_total = {p.words_total for p in watch.progress}
    assert len(words_total) == 1 and words_total.pop() > 0
    last = watch.progress[-1]
    assert (last.done, last.total, last.words_done) == (4, 4, last.words_total)
    small_words = max(p.words_done for p in watch.progress if p.done == 3 and p.current in small)
    inside = [p for p in watch.progress if p.current == HUGE and p.done == 3]
    assert inside, "no progress was reported inside the huge document"
    assert all(small_words < p.words_done < last.words_total for p in inside)
    assert [p.words_done for p in watch.progress] == sorted(p.words_done for p in watch.progress)


def test_small_documents_are_committed_before_a_huge_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "MAX_PIECE_CHARS", 1000)  # the huge one: 25 pieces
    library = _library(tmp_path, huge_paragraphs=80)
    _assert_fair(_analyse(library, processes=1))


def test_small_documents_are_committed_before_a_huge_one_with_workers(tmp_path: Path) -> None:
    """Spawned workers cut pieces at the real 20,000 characters: the huge one is three."""
    library = _library(tmp_path, huge_paragraphs=170)
    _assert_fair(_analyse(library, processes=2))
