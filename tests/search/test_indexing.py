"""Incremental indexing: only what changed is written, and an interrupted refresh loses nothing."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from search import CorpusError, Library
from search.records import Progress


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root / "alpha.txt", "Tariffs on steel\n\nThe government raised tariffs on imported steel.")
    write(root / "beta.txt", "Chip exports\n\nSemiconductor exports rose sharply in the spring.")
    write(root / "nested" / "gamma.md", "# Rain forecast\n\nHeavy rain is expected over the weekend.")
    return root


def open_library(corpus: Path, tmp_path: Path) -> Library:
    return Library.open(corpus, index_dir=tmp_path / "index")


def test_first_refresh_indexes_everything_and_second_indexes_nothing(corpus: Path, tmp_path: Path) -> None:
    library = open_library(corpus, tmp_path)
    first = library.refresh()
    assert sorted(first.indexed) == ["alpha.txt", "beta.txt", "nested/gamma.md"]
    assert first.unchanged == 0
    second = open_library(corpus, tmp_path).refresh()
    assert second.indexed == ()
    assert second.unchanged == 3
    assert second.removed == ()


def test_changed_added_and_removed_documents(corpus: Path, tmp_path: Path) -> None:
    library = open_library(corpus, tmp_path)
    library.refresh()
    write(corpus / "alpha.txt", "Tariffs on aluminium\n\nThe government raised tariffs on aluminium.")
    (corpus / "beta.txt").unlink()
    write(corpus / "delta.txt", "Harvest\n\nFarmers report a record harvest.")
    report = library.refresh()
    assert sorted(report.indexed) == ["alpha.txt", "delta.txt"]
    assert report.removed == ("beta.txt",)
    assert report.unchanged == 1
    assert [h.document for h in library.search("aluminium").hits] == ["alpha.txt"]
    assert library.search("steel").total == 0
    assert library.search("semiconductor").total == 0
    assert {d.id for d in library.documents()} == {"alpha.txt", "delta.txt", "nested/gamma.md"}


def test_touched_but_identical_file_is_not_reindexed(corpus: Path, tmp_path: Path) -> None:
    library = open_library(corpus, tmp_path)
    library.refresh()
    stat = (corpus / "alpha.txt").stat()
    os.utime(corpus / "alpha.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    report = library.refresh()
    assert report.indexed == ()
    assert report.unchanged == 3


def test_interrupted_refresh_keeps_committed_work_and_resumes(corpus: Path, tmp_path: Path) -> None:
    for number in range(20):
        write(corpus / "many" / f"{number:02}.txt", f"Report {number}\n\nItem number {number} about harbours.")
    library = open_library(corpus, tmp_path)
    cancel = threading.Event()

    def stop_after_five(progress: Progress) -> None:
        if progress.stage == "index" and progress.done >= 5:
            cancel.set()

    partial = library.refresh(progress=stop_after_five, cancel=cancel)
    assert partial.interrupted
    assert 0 < len(partial.indexed) < 23
    assert library.search("harbours").total == len([i for i in partial.indexed if i.startswith("many/")])
    rest = library.refresh()
    assert not rest.interrupted
    assert len(partial.indexed) + len(rest.indexed) == 23
    assert library.search("harbours").total == 20
    assert len(library.documents()) == 23


def test_reopening_does_not_duplicate_documents(corpus: Path, tmp_path: Path) -> None:
    for _ in range(3):
        library = open_library(corpus, tmp_path)
        library.refresh()
    assert library.search("tariffs OR semiconductor OR rain").total == 3


def test_index_lives_outside_the_corpus_by_default(corpus: Path) -> None:
    library = Library.open(corpus)
    assert corpus not in library.index_dir.parents
    library.refresh()
    assert sorted(p.name for p in corpus.rglob("*")) == ["alpha.txt", "beta.txt", "gamma.md", "nested"]


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        Library.open(tmp_path / "nowhere")


def test_index_inside_the_corpus_is_refused(corpus: Path) -> None:
    with pytest.raises(CorpusError, match="outside the corpus"):
        Library.open(corpus, index_dir=corpus / "index")


def test_jsonl_corpus_ids_and_incremental(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"id": "a1", "title": "Budget", "text": "The budget was announced today.", "source": "wire"}\n'
        '{"id": "a2", "title": "Storm", "text": "A storm hit the coast overnight."}\n',
        encoding="utf-8",
    )
    library = Library.open(path, index_dir=tmp_path / "index")
    assert sorted(library.refresh().indexed) == ["news.jsonl#a1", "news.jsonl#a2"]
    assert library.document("news.jsonl#a1").metadata.get("source") == "wire"
    path.write_text(
        '{"id": "a1", "title": "Budget", "text": "The budget was announced today.", "source": "wire"}\n'
        '{"id": "a2", "title": "Storm", "text": "A storm hit the coast and the harbour overnight."}\n',
        encoding="utf-8",
    )
    report = library.refresh()
    assert report.indexed == ("news.jsonl#a2",)
    assert report.unchanged == 1
