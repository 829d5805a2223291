"""Nothing is read without bound: size bombs, and files that turn into pipes or devices.

A 3 MB ``.jsonl.gz`` that expands to 3 GB, and a sparse ``.jsonl`` of 4 GiB, were read into
memory whole: ``MemoryError``, a traceback, and the good files beside them not indexed either.
A file replaced by a named pipe between the walk and the read hung indexing (``open`` waits for
a writer), and so did a ``config.toml`` that is a pipe, for every command.

Each case runs in a child process: its peak memory (``ru_maxrss``) is its own, its address
space is capped at 2 GiB (what the bombs would blow through, and a guard for the machine if a
regression reads them whole), and a hang ends at the subprocess timeout instead of hanging the
suite. The bombs cost a few MB of disk: the sparse file is made with ``truncate``.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.robustness.conftest import small_corpus, write
from tui.config import load_config

GOOD = 30
ADDRESS_SPACE = 2 * 2**30
HANG = 300
"""Seconds after which a child is taken to hang (the slowest case here takes about 10 s)."""

REFRESH_AND_SEARCH = """
import json, resource, sys
from search.library import Library
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
report = library.refresh()
found = {word: [hit.document for hit in library.search(word).hits] for word in sys.argv[3:]}
print(json.dumps({
    "indexed": sorted(report.indexed),
    "skipped": [[s.path, s.reason] for s in report.skipped],
    "found": found,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

COMMAND_LINE = "import sys\nfrom tui.cli import main\nsys.exit(main())\n"


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run(code: str, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        timeout=HANG,
        preexec_fn=_capped,
        cwd=REPO,
        env=env,
    )


def _bomb_records() -> bytes:
    return b"".join(
        json.dumps({"id": f"r{n}", "text": f"A record before the bomb docmarkbomb{n}."}).encode() + b"\n"
        for n in range(3)
    )


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 good files, a gzip bomb (3 MB that expand to 3 GiB) and a sparse 4 GiB JSONL."""
    root = small_corpus(tmp_path_factory.mktemp("bombs") / "corpus", GOOD)
    member = gzip.compress(b"a" * 2**24, compresslevel=9)  # 16 MiB in 16 kB
    write(root / "bomb.jsonl.gz", gzip.compress(_bomb_records()) + member * 192)
    sparse = root / "sparse.jsonl"
    lines = [json.dumps({"id": f"s{n}", "text": f"Sparse record docmarksparse{n}. " * 20}) for n in range(60)]
    write(sparse, "\n".join(lines) + "\n")
    assert sparse.stat().st_size > 8192  # what the binary check samples is all text
    os.truncate(sparse, 4 * 2**30)
    return root


WORDS = [f"docmark{n:04d}" for n in range(GOOD)] + ["docmarkbomb2", "docmarksparse59"]


def _expected_skips(corpus: Path) -> list[list[str]]:
    most = 100 * (corpus / "bomb.jsonl.gz").stat().st_size // 2**20  # a hundred times its size
    return [
        ["bomb.jsonl.gz:4", "line longer than 64 MiB: not read"],
        ["bomb.jsonl.gz", f"expands to more than {most} MiB (a compression bomb?); the records before that were read"],
        ["sparse.jsonl:61", "line longer than 64 MiB: not read"],
    ]


def test_size_bombs_are_cut_off_and_everything_else_is_indexed(bombs: Path, tmp_path: Path) -> None:
    result = _run(REFRESH_AND_SEARCH, str(bombs), str(tmp_path / "index"), *WORDS)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert len(outcome["indexed"]) == GOOD + 3 + 60
    assert outcome["skipped"] == _expected_skips(bombs)
    for number, word in enumerate(WORDS[:GOOD]):
        assert outcome["found"][word] == [f"part{number % 7}/doc{number:04d}.txt"]
    assert outcome["found"]["docmarkbomb2"] == ["bomb.jsonl.gz#r2"]
    assert outcome["found"]["docmarksparse59"] == ["sparse.jsonl#s59"]
    assert outcome["peak_mb"] < 400, outcome["peak_mb"]  # about 110 MB here


def test_the_command_line_indexes_beside_size_bombs(bombs: Path, tmp_path: Path) -> None:
    common = ("--corpus", str(bombs), "--index-dir", str(tmp_path / "index"))
    result = _run(COMMAND_LINE, "index", "--no-analysis", "--json", *common)
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["indexed"] == GOOD + 3 + 60
    assert [[s["path"], s["reason"]] for s in summary["skipped"]] == _expected_skips(bombs)
    result = _run(COMMAND_LINE, "search", "docmarkbomb0", "--json", *common)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [hit["document"] for hit in json.loads(result.stdout)] == ["bomb.jsonl.gz#r0"]


SWAP_AFTER_THE_WALK = """
import json, os, sys
import search.indexing
from search.library import Library

walk = search.indexing.iter_sources

def walk_then_swap(corpus):
    found = list(walk(corpus))
    for name in ("part3/doc0003.txt", "records.jsonl"):
        os.unlink(os.path.join(corpus, name))
        os.mkfifo(os.path.join(corpus, name))
    os.unlink(os.path.join(corpus, "part4/doc0004.txt"))
    os.symlink("/dev/zero", os.path.join(corpus, "part4/doc0004.txt"))
    yield from found

search.indexing.iter_sources = walk_then_swap
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
report = library.refresh()
print(json.dumps({"indexed": sorted(report.indexed), "skipped": [[s.path, s.reason] for s in report.skipped]}))
"""


def test_files_turned_into_pipes_or_devices_after_the_walk_are_skipped_without_hanging(
    tmp_path: Path,
) -> None:
    corpus = small_corpus(tmp_path / "corpus", GOOD)
    write(corpus / "records.jsonl", json.dumps({"id": "a", "text": "A record docmarkrecord."}) + "\n")
    result = _run(SWAP_AFTER_THE_WALK, str(corpus), str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    not_regular = "not a regular file (a pipe, socket or device)"
    assert outcome["skipped"] == [
        ["part3/doc0003.txt", not_regular],
        ["part4/doc0004.txt", not_regular],
        ["records.jsonl", not_regular],
    ]
    assert len(outcome["indexed"]) == GOOD - 2


FIRST_PROBLEM = """
import sys
from pathlib import Path
from tui.config import load_config
print(load_config(Path(sys.argv[1])).problems[0])
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


def test_a_config_that_is_a_pipe_is_reported_and_every_command_still_runs(
    config_dir: Path, tmp_path: Path
) -> None:
    os.mkfifo(config_dir / "config.toml")
    result = _run(FIRST_PROBLEM, str(config_dir / "config.toml"))  # in a child: it might hang
    assert result.stdout.strip() == f"cannot read {config_dir / 'config.toml'}: not a regular file"
    corpus = small_corpus(tmp_path / "corpus", 3)
    env = {**os.environ, "DOCSCOPE_CONFIG_DIR": str(config_dir)}
    common = ("--corpus", str(corpus), "--index-dir", str(tmp_path / "index"))
    for command in (("index", "--no-analysis"), ("search", "docmark0001", "--json")):
        result = _run(COMMAND_LINE, *command, *common, env=env)
        assert result.returncode == 0, result.stderr[-2000:]


def test_a_config_linked_to_a_device_is_reported_not_read(config_dir: Path) -> None:
    (config_dir / "config.toml").symlink_to("/dev/zero")
    result = _run(FIRST_PROBLEM, str(config_dir / "config.toml"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"cannot read {config_dir / 'config.toml'}: not a regular file"


def test_a_config_too_large_to_be_one_is_reported_not_read(config_dir: Path) -> None:
    path = config_dir / "config.toml"
    path.write_text('theme = "nord"\n' + "# padding\n" * 200_000)
    config = load_config(path)
    assert config.problems == (f"cannot read {path}: larger than 1024 KiB",)
    assert config.theme is None
