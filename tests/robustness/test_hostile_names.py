"""Hostile names: a file or folder name that is not UTF-8, names that would make two documents
share an id, and JSON strings that spell lone surrogates.

One such name used to stop the whole corpus (``UnicodeEncodeError: surrogates not allowed``
from the Whoosh writer, nothing indexed), and a file ``a.jsonl#x.txt`` beside a record ``x.txt``
of ``a.jsonl`` shared its id, so deleting the file deleted the record for good. Every test goes
through ``Library.refresh()``/``search()`` or the command line, beside 30 ordinary files that
must all be found.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from search import Library
from search.records import IndexReport
from tests.robustness.conftest import assert_whole, run_cli, small_corpus, write

GOOD = 30


def _named(root: Path, raw_name: bytes) -> Path:
    """``root/raw_name`` for a name given as the bytes the file system holds."""
    return root / os.fsdecode(raw_name)


SURROGATE_LINE = (
    '{"id": "lone\\udce9", "title": "A title \\ud800 with a surrogate", '
    '"text": "Escaped surrogates \\udfff docmarksurrogate.", "note\\ud800": "value \\udc80"}'
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_corpus(tmp_path_factory.mktemp("names") / "corpus", GOOD)
    write(_named(root, b"caf\xe9.txt"), "A Latin-1 file name docmarkcafe.")
    write(_named(root, b"d\xe9p\xf4t") / "inside.txt", "In a folder named in Latin-1 docmarkfolder.")
    write(_named(root, b"vide\xe9.txt"), "")
    write(root / "a.jsonl", json.dumps({"id": "x.txt", "text": "The record docmarkrecord."}) + "\n")
    write(root / "a.jsonl#x.txt", "The file whose name holds a hash docmarkhashfile.")
    write(root / "50%.txt", "A percent sign docmarkpercent.")
    write(root / "50%25.txt", "What the percent sign encodes to docmarkescaped.")
    write(root / "surrogates.jsonl", SURROGATE_LINE + "\n")
    return root


@pytest.fixture(scope="module")
def indexed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, IndexReport]:
    library = Library.open(corpus, index_dir=tmp_path_factory.mktemp("index"))
    return library, library.refresh()


FOUND = {
    "docmarkcafe": "caf%E9.txt",
    "docmarkfolder": "d%E9p%F4t/inside.txt",
    "docmarkrecord": "a.jsonl#x.txt",
    "docmarkhashfile": "a.jsonl%23x.txt",
    "docmarkpercent": "50%25.txt",
    "docmarkescaped": "50%2525.txt",
    "docmarksurrogate": "surrogates.jsonl#lone\ufffd",
}
"""Each hostile document's word and the id it is found under."""
ORDINARY = {f"part{n % 7}/doc{n:04d}.txt" for n in range(GOOD)}


def test_the_good_files_beside_bad_names_are_all_indexed(indexed: tuple[Library, IndexReport]) -> None:
    library, report = indexed
    assert ORDINARY <= set(report.indexed)
    for number in range(GOOD):
        hits = [hit.document for hit in library.search(f"docmark{number:04d}").hits]
        assert hits == [f"part{number % 7}/doc{number:04d}.txt"]


@pytest.mark.parametrize("word", sorted(FOUND))
def test_each_hostile_name_is_found_under_its_own_id(indexed: tuple[Library, IndexReport], word: str) -> None:
    library, _ = indexed
    assert [hit.document for hit in library.search(word).hits] == [FOUND[word]]


def test_ids_never_collide(indexed: tuple[Library, IndexReport]) -> None:
    library, _ = indexed
    assert_whole(library.index_dir, ORDINARY | set(FOUND.values()))
    hits = library.search("docmarkrecord OR docmarkhashfile").hits
    assert sorted(hit.document for hit in hits) == ["a.jsonl#x.txt", "a.jsonl%23x.txt"]


def test_a_name_that_is_not_utf8_is_shown_with_a_replacement_character(
    indexed: tuple[Library, IndexReport], corpus: Path
) -> None:
    library, report = indexed
    document = library.document("caf%E9.txt")
    assert document.path == f"{corpus}/caf\ufffd.txt"
    assert "docmarkcafe" in document.text
    (skipped,) = [s for s in report.skipped if s.reason == "empty"]
    assert (skipped.path, skipped.rel) == ("vide\ufffd.txt", "vide%E9.txt")


def test_lone_surrogates_in_json_become_replacement_characters(indexed: tuple[Library, IndexReport]) -> None:
    library, _ = indexed
    document = library.document("surrogates.jsonl#lone\ufffd")
    assert document.title == "A title \ufffd with a surrogate"
    assert "\ufffd docmarksurrogate" in document.text
    assert dict(document.metadata) == {"note\ufffd": "value \ufffd"}


def test_nothing_shown_holds_a_surrogate(indexed: tuple[Library, IndexReport]) -> None:
    library, report = indexed
    shown = [s.path for s in report.skipped] + [s.reason for s in report.skipped]
    for info in library.documents():
        document = library.document(info.id)
        shown += [info.id, info.title, document.path, *document.metadata, *document.metadata.values()]
    for text in shown:
        text.encode("utf-8")  # raises on a lone surrogate


def test_a_second_refresh_changes_nothing(indexed: tuple[Library, IndexReport]) -> None:
    library, _ = indexed
    again = library.refresh()
    assert (again.indexed, again.removed) == ((), ())


def test_deleting_a_file_never_removes_the_record_that_shared_its_id(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a.jsonl", json.dumps({"id": "x.txt", "text": "The record docmarkrecord."}) + "\n")
    hashed = write(corpus / "a.jsonl#x.txt", "The file docmarkhashfile.")
    library = Library.open(corpus, index_dir=tmp_path / "index")
    library.refresh()
    hashed.unlink()
    assert library.refresh().removed == ("a.jsonl%23x.txt",)
    for _ in range(2):  # and it stays: the record is unchanged, so it is never read again
        assert [hit.document for hit in library.search("docmarkrecord").hits] == ["a.jsonl#x.txt"]
        library.refresh()
    assert_whole(library.index_dir, {"a.jsonl#x.txt"})


def test_renaming_a_bad_name_replaces_its_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    old = write(_named(corpus, b"caf\xe9.txt"), "Renamed later docmarkrenamed.")
    library = Library.open(corpus, index_dir=tmp_path / "index")
    library.refresh()
    old.rename(corpus / "café.txt")
    report = library.refresh()
    assert (report.indexed, report.removed) == (("café.txt",), ("caf%E9.txt",))
    assert_whole(library.index_dir, {"café.txt"})


def test_the_command_line_indexes_and_searches_hostile_names(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    common = ("--corpus", str(corpus), "--index-dir", str(tmp_path / "cli-index"))
    code, out, err = run_cli(capsys, "index", "--no-analysis", "--json", *common)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["indexed"] == GOOD + len(FOUND)
    assert summary["skipped"] == [{"path": "vide\ufffd.txt", "reason": "empty"}]
    for word, doc_id in FOUND.items():
        code, out, err = run_cli(capsys, "search", word, "--json", *common)
        assert code == 0, err
        assert [hit["document"] for hit in json.loads(out)] == [doc_id]
    code, out, err = run_cli(capsys, "search", "docmarkcafe OR docmarkfolder", *common)
    assert code == 0 and "caf%E9.txt" in out and "Traceback" not in out + err
    table = ("--corpus", str(corpus), "--index-dir", str(tmp_path / "table-index"))
    code, out, err = run_cli(capsys, "index", "--no-analysis", *table)
    assert code == 0 and "skipped vide\ufffd.txt: empty" in out, err


def test_a_corpus_folder_whose_name_is_not_utf8_is_shown_with_a_replacement_character(
    tmp_path: Path,
) -> None:
    """The corpus' own path reaches the "Corpus ..." line: its bad byte went to the terminal
    raw (0xE9 on its own, which no UTF-8 terminal shows as anything)."""
    import subprocess
    import sys

    folder = _named(tmp_path, b"caf\xe9")
    folder.mkdir()
    write(folder / "note.txt", "Harbour notes for the committee.\n")
    command = "import sys; from tui.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", command, "index", "--no-analysis", "--corpus", str(folder),
         "--index-dir", str(tmp_path / "index")],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done.stdout.decode("utf-8")  # every byte is UTF-8: no raw byte of the name
    assert "caf\ufffd".encode() in done.stdout
    assert b"caf\xe9" not in done.stdout + done.stderr
