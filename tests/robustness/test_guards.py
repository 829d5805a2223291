"""Guards at the edges: index folders docscope did not make.

- An index folder is changed only once docscope has proven it its own (a marker it wrote,
  docscope's own cache folder, or an earlier docscope's index proven by content); any other
  folder is refused in one line, untouched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from search import CorpusError, Library
from search.locations import default_index_dir
from search.ownership import MARKER_NAME, MARKER_TEXT
from tests.robustness.conftest import child, fingerprint, run_cli, small_corpus, write
from tui.launch import run_explorer

COMMANDS = (
    ("index",),
    ("search", "docmark0001"),
    ("entities",),
    ("quotes",),
    ("stats",),
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "corpus", 5)


def _one_line_refusal(code: int, out: str, err: str) -> None:
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("docscope: "), err
    assert "Traceback" not in err and out == ""


# --- index folders docscope did not make --------------------------------------------------------


def _users_version_and_whoosh(folder: Path) -> None:
    """The issue's case: a folder of the user's own with a VERSION file and a whoosh/ folder."""
    write(folder / "VERSION", "2.1 (my notes)\n")
    write(folder / "whoosh" / "notes.txt", "not an index")


def _a_catalog_of_someone_else(folder: Path) -> None:
    """Docscope's file names, with a number in VERSION, but another program's SQLite file."""
    write(folder / "VERSION", "4\n")
    (folder / "whoosh").mkdir()
    db = sqlite3.connect(folder / "catalog.sqlite3")
    db.execute("CREATE TABLE documents (id TEXT, body TEXT)")
    db.commit()
    db.close()


def _garbage_named_like_a_catalog(folder: Path) -> None:
    write(folder / "VERSION", "4\n")
    write(folder / "catalog.sqlite3", b"SQLite format 3\x00 but not really")


def _other_files(folder: Path) -> None:
    write(folder / "holiday.jpg", b"\xff\xd8\xff not a photo")


def _a_marker_docscope_did_not_write(folder: Path) -> None:
    write(folder / MARKER_NAME, "made by something else\n")
    write(folder / "VERSION", "4\n")


FOREIGN = {
    "version and whoosh": _users_version_and_whoosh,
    "someone else's catalog": _a_catalog_of_someone_else,
    "garbage catalog": _garbage_named_like_a_catalog,
    "other files": _other_files,
    "foreign marker": _a_marker_docscope_did_not_write,
}


@pytest.mark.parametrize("make", FOREIGN.values(), ids=FOREIGN.keys())
def test_a_folder_docscope_did_not_make_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path, make
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    make(folder)
    before = fingerprint(folder)
    with pytest.raises(CorpusError, match="refusing to use .* as the index folder"):
        Library.open(corpus, index_dir=folder)
    for command in COMMANDS:
        _one_line_refusal(*run_cli(capsys, *command, "--corpus", str(corpus), "--index-dir", str(folder)))
    assert run_explorer(str(corpus), str(folder), None) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to use" in err, err
    assert fingerprint(folder) == before


@pytest.mark.parametrize("existing", [False, True], ids=["new", "empty"])
def test_a_new_or_empty_folder_becomes_an_index(corpus: Path, tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "index"
    if existing:
        folder.mkdir()
    library = Library.open(corpus, index_dir=folder)
    library.refresh()
    assert library.search("docmark0003").total == 1
    assert (folder / MARKER_NAME).read_text(encoding="ascii") == MARKER_TEXT
    assert Library.open(corpus, index_dir=folder).notice is None


CLAIM = """
import sys
from search import Library
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
print(library.search("docmark0001").total)
"""


def test_docscopes_opening_one_new_folder_at_once_all_work(corpus: Path, tmp_path: Path) -> None:
    """Each finds the folder empty or marked (or the marker being written: it waits for it)."""
    folder = tmp_path / "index"
    folder.mkdir()
    children = [child(CLAIM, str(corpus), str(folder)) for _ in range(4)]
    for process in children:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "0", err
    assert (folder / MARKER_NAME).read_text(encoding="ascii") == MARKER_TEXT


def _as_an_earlier_docscope_left_it(folder: Path, version: str) -> None:
    """Before markers: the same layout, no marker, VERSION holding that version's number."""
    (folder / MARKER_NAME).unlink()
    (folder / "VERSION").write_text(f"{version}\n", encoding="utf-8")


def test_an_index_an_earlier_docscope_made_is_adopted(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    Library.open(corpus, index_dir=folder).refresh()
    _as_an_earlier_docscope_left_it(folder, "4")
    library = Library.open(corpus, index_dir=folder)
    assert library.notice is None and library.search("docmark0002").total == 1
    assert (folder / MARKER_NAME).exists()
    _as_an_earlier_docscope_left_it(folder, "3")
    library = Library.open(corpus, index_dir=folder)
    assert "another docscope version (format 3, not 4)" in (library.notice or "")
    library.refresh()
    assert library.search("docmark0002").total == 1


def test_an_unmarked_index_in_docscopes_cache_folder_is_adopted(corpus: Path) -> None:
    """Default index folders are docscope's by where they are: even damaged ones, which no
    content could prove, are rebuilt as before."""
    folder = default_index_dir(corpus)
    Library.open(corpus).refresh()
    (folder / MARKER_NAME).unlink()
    (folder / "VERSION").unlink()
    (folder / "catalog.sqlite3").write_bytes(b"garbage")
    library = Library.open(corpus)
    assert "no version file" in (library.notice or "")
    library.refresh()
    assert library.search("docmark0004").total == 1


def test_a_rebuild_deletes_only_the_index_files(corpus: Path, tmp_path: Path) -> None:
    """Even in docscope's own folder, a rebuild deletes only what Whoosh and the catalog
    made, by their names; a file the user put there stays."""
    folder = tmp_path / "index"
    Library.open(corpus, index_dir=folder).refresh()
    write(folder / "whoosh" / "notes.txt", "mine")
    write(folder / "README", "mine too")
    (folder / "VERSION").write_text("garbage", encoding="utf-8")
    library = Library.open(corpus, index_dir=folder)
    assert "another docscope version" in (library.notice or "")
    library.refresh()
    assert library.search("docmark0001").total == 1
    assert (folder / "whoosh" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "README").read_text(encoding="utf-8") == "mine too"
