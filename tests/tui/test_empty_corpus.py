"""The explorer on a corpus with no documents says why, instead of waiting for documents that
will never come: the folder has no file it reads (and which endings it reads), or how many of
its files were skipped and the first reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import Library
from tests.robustness.conftest import write
from tests.tui.conftest import RecordingApp
from tui.config import Config
from tui.results import ResultList


async def _empty_list_says(corpus: Path, index_dir: Path) -> str:
    app = RecordingApp(Library.open(corpus, index_dir), config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):  # indexing, then the listing it asks for, then analysis
            await app.workers.wait_for_complete()
            await pilot.pause()
        results = app.screen.query_one(ResultList)
        assert results.option_count == 1
        return str(results.get_option_at_index(0).prompt)


@pytest.mark.parametrize("unsupported", [False, True], ids=["empty", "only unsupported"])
async def test_a_folder_without_readable_endings_says_which_endings_are_read(
    tmp_path: Path, unsupported: bool
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    if unsupported:
        write(corpus / "report.pdf", b"%PDF-1.4")
    for _run in range(2):  # the second start finds the index up to date: the same answer
        message = await _empty_list_says(corpus, tmp_path / "index")
        assert message.startswith("No documents")
        assert ".txt" in message and ".md" in message and ".html" in message and ".jsonl" in message
        if unsupported:
            assert "1 file in" in message and "report.pdf: unsupported file type (.pdf)" in message
        else:
            assert f"{corpus} has no such files" in message


async def test_a_folder_of_skipped_files_says_how_many_and_why(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a\x1b[31mred.txt", "")  # a name from outside: shown safely
    write(corpus / "b-zeros.txt", b"\x00" * 3000)
    write(corpus / "c-empty.txt", "")
    for _run in range(2):
        message = await _empty_list_says(corpus, tmp_path / "index")
        assert message.startswith("No documents: 3 files in")
        assert "a\u241b[31mred.txt: empty and 2 more" in message
        assert "\x1b" not in message
