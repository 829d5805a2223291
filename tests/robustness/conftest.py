"""Shared helpers for the robustness suite: generated corpora, the CLI, child processes, and
checks that an index is whole (Whoosh and the catalog agree, no id twice).

Every corpus is generated in a temporary folder: big or hostile files are never committed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from tui.cli import main

WORDS = (
    "tariff steel export harbour council budget rain forecast election minister court "
    "treaty market shipping railway festival museum library vaccine climate energy"
).split()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def small_corpus(root: Path, count: int, words_each: int = 40) -> Path:
    """``count`` short text documents, each findable by its own word ``docmarkNNNN``."""
    for number in range(count):
        words = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(words_each))
        write(
            root / f"part{number % 7}" / f"doc{number:04d}.txt",
            f"Report number {number}\n\nThe docmark{number:04d} file says {words}.\n",
        )
    return root


def small_batches(size: int) -> str:
    """Code for a child process: commit every ``size`` documents, so a kill can land between
    many commits (the batch's own test, not the constant: batches bind it when defined)."""
    return (
        "import search.indexing\n"
        "search.indexing._Batch.is_full = "
        f"lambda self: len(self.documents) + len(self.removed) >= {size}\n"
    )


def run_cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def child(code: str, *arguments: str, **popen: object) -> subprocess.Popen[str]:
    """Start ``python -c code arguments`` (our environment, so the same private cache)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class IndexState:
    """What an index holds, read straight from its files."""

    whoosh_ids: list[str]
    """Ids of the live Whoosh documents (a duplicate would appear twice)."""
    catalog_ids: list[str]
    analysed_ids: list[str]

    def duplicates(self) -> list[str]:
        return [doc_id for doc_id, n in Counter(self.whoosh_ids).items() if n > 1]


def index_state(index_dir: Path) -> IndexState:
    ix = whoosh_index.open_dir(str(index_dir / "whoosh"))
    with ix.reader() as reader:
        whoosh_ids = [fields["id"] for fields in reader.all_stored_fields()]
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    try:
        catalog_ids = [row[0] for row in db.execute("SELECT id FROM documents")]
        analysed = [row[0] for row in db.execute("SELECT document FROM analysis")]
    finally:
        db.close()
    return IndexState(whoosh_ids, catalog_ids, analysed)


def assert_whole(index_dir: Path, expected: set[str]) -> None:
    """Whoosh and the catalog hold exactly ``expected``, each id once."""
    state = index_state(index_dir)
    assert state.duplicates() == []
    assert set(state.whoosh_ids) == expected
    assert sorted(state.catalog_ids) == sorted(expected)


def fingerprint(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every entry under ``root`` (links not followed): mode, size, mtime and content hash."""
    found: dict[str, tuple[int, int, int, str]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            digest = ""
            if path.is_symlink():
                digest = os.readlink(path)
            elif path.is_file():
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            found[str(path.relative_to(root))] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return found


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def remove_tree(root: Path) -> None:
    """Remove a folder tree of any depth. ``shutil.rmtree`` and ``os.walk`` recurse once per
    level and fail beyond Python's recursion limit; and absolute paths thousands of characters
    long make every call slow. So this walks down and up with ``chdir`` (links not followed)."""
    start = os.getcwd()
    names: list[str] = []
    try:
        os.chdir(root)
        while True:
            with os.scandir(".") as scan:
                entries = list(scan)
            folder = next((e.name for e in entries if e.is_dir(follow_symlinks=False)), None)
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name)
            if folder is not None:
                os.chdir(folder)
                names.append(folder)
            elif names:
                os.chdir("..")
                os.rmdir(names.pop())
            else:
                break
    finally:
        os.chdir(start)
    os.rmdir(root)
