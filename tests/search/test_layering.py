"""The engine never imports the interface, and opening a corpus never imports spaCy."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def _modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(output.strip().splitlines()[-1]))


def test_importing_search_imports_no_ui() -> None:
    modules = _modules_after("import search, search.library, search.querying, search.indexing")
    assert "textual" not in modules
    assert "rich" not in modules
    assert "tui" not in modules


def test_opening_and_searching_an_indexed_corpus_does_not_import_spacy(tmp_path) -> None:
    index_dir = tmp_path / "index"
    code = (
        "from search import Library\n"
        f"lib = Library.open(index_dir={str(index_dir)!r})\n"
        "lib.refresh()\n"
        "lib.search('semiconductors')\n"
        "lib.documents()\n"
    )
    modules = _modules_after(code)
    assert "spacy" not in modules
    assert "textual" not in modules
