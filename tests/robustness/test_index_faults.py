"""Faults around the index: stale and held locks, two docscopes at once, old and damaged
indexes, a read-only or full cache folder, and a corpus that changes or vanishes mid-work.

In each case docscope either carries on (waiting, repairing, rebuilding from the corpus with a
notice) or stops with a one-line ``CorpusError`` (command line: exit 2, one line on stderr),
and nothing already in the index is lost. The corpus is never written to.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import search.indexing
from search import CorpusError, Library
from search.loading import read_source
from search.ownership import MARKER_NAME, MARKER_TEXT
from tests.robustness.conftest import (
    assert_whole,
    child,
    fingerprint,
    index_state,
    is_root,
    run_cli,
    small_corpus,
    write,
)

COUNT = 60
EXPECTED = {f"part{n % 7}/doc{n:04d}.txt" for n in range(COUNT)}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "corpus", COUNT)


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> Path:
    """An index of ``corpus``, fully built; returns its folder."""
    index_dir = tmp_path / "index"
    Library.open(corpus, index_dir=index_dir).refresh()
    return index_dir


# --- locks -------------------------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from whoosh.filedb.filestore import FileStorage
lock = FileStorage(sys.argv[1]).lock("MAIN_WRITELOCK")
assert lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def _hold_lock(index_dir: Path, seconds: float) -> subprocess.Popen[str]:
    process = child(HOLD_LOCK, str(index_dir / "whoosh"), str(seconds))
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def test_a_lock_left_by_a_killed_process_blocks_nothing(corpus: Path, built: Path) -> None:
    holder = _hold_lock(built, 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (built / "whoosh" / "MAIN_WRITELOCK").exists()  # the file stays; its lock does not
    write(corpus / "new.txt", "A new document docmarknew.")
    started = time.monotonic()
    assert Library.open(corpus, index_dir=built).refresh().indexed == ("new.txt",)
    assert time.monotonic() - started < 5


def test_a_lock_file_that_merely_exists_blocks_nothing(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    write(index_dir / MARKER_NAME, MARKER_TEXT)  # a docscope folder, killed while creating
    write(index_dir / "whoosh" / "MAIN_WRITELOCK", "left over by someone")
    Library.open(corpus, index_dir=index_dir).refresh()
    assert_whole(index_dir, EXPECTED)


def test_a_live_writer_is_waited_for(corpus: Path, built: Path) -> None:
    holder = _hold_lock(built, 1.5)
    write(corpus / "new.txt", "A new document docmarknew.")
    try:
        assert Library.open(corpus, index_dir=built).refresh().indexed == ("new.txt",)
    finally:
        holder.wait(timeout=30)
    assert_whole(built, EXPECTED | {"new.txt"})


def test_a_writer_that_never_finishes_is_a_clear_error(
    corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(search.indexing, "LOCK_TIMEOUT", 0.5)
    holder = _hold_lock(built, 60)
    write(corpus / "new.txt", "A new document docmarknew.")
    try:
        with pytest.raises(CorpusError, match="another docscope is writing the index"):
            Library.open(corpus, index_dir=built).refresh()
        code, out, err = run_cli(capsys, "search", "docmarknew", "--corpus", str(corpus), "--index-dir", str(built))
        assert (code, out, err.count("\n")) == (2, "", 1)
        assert Library.open(corpus, index_dir=built).search("docmark0001").total == 1  # reading works
    finally:
        holder.kill()
        holder.wait()
    assert_whole(built, EXPECTED)


TWIN = """
import sys
import search.indexing
search.indexing._Batch.is_full = lambda self: len(self.documents) >= 15
from search.library import Library
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
report = library.refresh()
assert library.search("docmark0001").total == 1
print(len(report.indexed), flush=True)
"""
READER = """
import sys, time
from search.library import Library
from search.errors import QueryError
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
searches = 0
until = time.monotonic() + float(sys.argv[3])
while time.monotonic() < until:
    library.search("tariff OR docmark0007")
    library.documents()
    searches += 1
print(searches, flush=True)
"""


def test_two_docscopes_on_one_corpus_both_work(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus", 240)
    index_dir = tmp_path / "index"
    Library.open(corpus, index_dir=index_dir)  # created once, so the reader can open it
    reader = child(READER, str(corpus), str(index_dir), "3")
    twins = [child(TWIN, str(corpus), str(index_dir)) for _ in range(2)]
    for process in [*twins, reader]:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert int(reader_out := out.strip()) > 0, reader_out
    assert_whole(index_dir, {f"part{n % 7}/doc{n:04d}.txt" for n in range(240)})


# --- old and damaged indexes -------------------------------------------------------------------


def _segment_files(index_dir: Path) -> list[Path]:
    folder = index_dir / "whoosh"
    return sorted(p for p in folder.iterdir() if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK")


def _toc(index_dir: Path) -> Path:
    return max((index_dir / "whoosh").glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))


def _garble(path: Path, where: float) -> None:
    data = bytearray(path.read_bytes())
    start = int(len(data) * where)
    noise = random.Random(start).randbytes(min(64, len(data) - start))
    data[start : start + len(noise)] = noise
    time.sleep(0.01)  # a later write, as any real damage would be
    path.write_bytes(bytes(data))


DAMAGE = {
    "old version": lambda d: (d / "VERSION").write_text("1\n"),
    "no version file": lambda d: (d / "VERSION").unlink(),
    "garbage version": lambda d: (d / "VERSION").write_bytes(b"\x1b[2J\xff"),
    "segment truncated": lambda d: [os.truncate(p, p.stat().st_size // 2) for p in _segment_files(d)[:1]],
    "segment emptied": lambda d: [os.truncate(p, 0) for p in _segment_files(d)],
    "segment garbled": lambda d: [_garble(p, 0.5) for p in _segment_files(d)],
    "segment deleted": lambda d: [p.unlink() for p in _segment_files(d)[:1]],
    "table of contents truncated": lambda d: os.truncate(_toc(d), _toc(d).stat().st_size // 2),
    "table of contents garbled": lambda d: _garble(_toc(d), 0.3),
    "table of contents deleted": lambda d: _toc(d).unlink(),
    "whoosh folder deleted": lambda d: shutil.rmtree(d / "whoosh"),
    "whoosh folder is a file": lambda d: (shutil.rmtree(d / "whoosh"), (d / "whoosh").write_text("x")),
    "catalog garbage": lambda d: (d / "catalog.sqlite3").write_bytes(random.Random(1).randbytes(8192)),
    "catalog truncated": lambda d: os.truncate(d / "catalog.sqlite3", 3000),
    "catalog table dropped": lambda d: _sql(d, "DROP TABLE documents"),
}


def _sql(index_dir: Path, statement: str) -> None:
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    with db:
        db.execute(statement)
    db.close()


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_an_old_or_damaged_index_is_rebuilt_with_a_notice(
    corpus: Path, built: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    DAMAGE[damage](built)
    before = fingerprint(corpus)
    library = Library.open(corpus, index_dir=built)
    assert library.notice is not None and "rebuilding it from the corpus" in library.notice, library.notice
    assert "\n" not in library.notice
    report = library.refresh()
    assert len(report.indexed) == COUNT
    assert library.search("docmark0042").hits[0].document == "part0/doc0042.txt"
    assert_whole(built, EXPECTED)
    assert Library.open(corpus, index_dir=built).notice is None  # once rebuilt, it stays well
    DAMAGE[damage](built)
    code, out, err = run_cli(
        capsys, "search", "docmark0042", "--json", "--corpus", str(corpus), "--index-dir", str(built)
    )
    assert code == 0 and "docmark0042" in out
    assert "rebuilding it from the corpus" in err and err.count("\n") == 1
    assert fingerprint(corpus) == before


def test_a_lost_catalog_is_rebuilt_without_duplicates(corpus: Path, built: Path) -> None:
    for name in ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm"):
        (built / name).unlink(missing_ok=True)
    Library.open(corpus, index_dir=built).refresh()
    assert_whole(built, EXPECTED)


def test_catalog_entries_missing_from_whoosh_are_indexed_again(corpus: Path, built: Path) -> None:
    ix = whoosh_index.open_dir(str(built / "whoosh"))
    writer = ix.writer()
    for doc_id in ("part0/doc0000.txt", "part1/doc0001.txt"):
        writer.delete_by_term("id", doc_id)
    writer.commit()
    library = Library.open(corpus, index_dir=built)
    assert library.notice == "2 documents missing from the full-text index will be indexed again"
    assert sorted(library.refresh().indexed) == ["part0/doc0000.txt", "part1/doc0001.txt"]
    assert_whole(built, EXPECTED)


# --- a read-only or full cache folder ----------------------------------------------------------

AS_USER = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder another user can reach (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="docscope-robust-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _docscope_as_nobody(*arguments: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    prefix = AS_USER if is_root() else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tui.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=home,
    )


@pytest.mark.skipif(is_root() and shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_a_read_only_cache_folder_is_a_clear_error(shared_tmp: Path) -> None:
    """Run as an unprivileged user (root ignores file modes): a new index in a folder it cannot
    write, and an existing index it cannot write, both end in one line and exit 2."""
    corpus = small_corpus(shared_tmp / "corpus", 5)
    home = shared_tmp / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    read_only = shared_tmp / "read-only"
    read_only.mkdir(mode=0o555)
    built = shared_tmp / "built"
    Library.open(corpus, index_dir=built).refresh()
    _set_writable(built, False)
    write(corpus / "new.txt", "A new document docmarknew.")
    before = fingerprint(corpus)
    try:
        for index_dir in (read_only / "index", read_only, built):
            result = _docscope_as_nobody(
                "search", "docmark0001", "--corpus", str(corpus), "--index-dir", str(index_dir), home=home
            )
            assert result.returncode == 2, (index_dir, result.stdout, result.stderr)
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
            assert "docscope:" in result.stderr
    finally:
        _set_writable(built, True)
    assert fingerprint(corpus) == before
    assert_whole(built, {f"part{n % 7}/doc{n:04d}.txt" for n in range(5)})


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


@pytest.mark.skipif(is_root() and shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_unreadable_files_and_folders_are_skipped_for_real(shared_tmp: Path) -> None:
    """As an unprivileged user: a file and a folder it may not read are skipped with the
    reason; a corpus folder it may not read is a one-line error."""
    corpus = small_corpus(shared_tmp / "corpus", 5)
    write(corpus / "secret.txt", "Nobody may read this docmarksecret.").chmod(0o000)
    write(corpus / "locked" / "inner.txt", "Nor this docmarkinner.")
    (corpus / "locked").chmod(0o000)
    home = shared_tmp / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    try:
        common = ("--corpus", str(corpus), "--index-dir", str(home / "index"))
        result = _docscope_as_nobody("index", "--no-analysis", "--json", *common, home=home)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["indexed"] == 5
        skipped = {item["path"]: item["reason"] for item in summary["skipped"]}
        assert skipped["secret.txt"] == "cannot be read (permission denied)"
        assert skipped["locked"] == "folder cannot be read (permission denied)"
        corpus.chmod(0o000)
        result = _docscope_as_nobody("search", "tariff", *common, home=home)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "cannot read the corpus" in result.stderr and "permission denied" in result.stderr
    finally:
        corpus.chmod(0o755)
        (corpus / "locked").chmod(0o755)


def _mount_tmpfs(target: Path, size: str) -> str | None:
    """Mount a tiny tmpfs at ``target``; None if this machine does not allow it."""
    if not is_root() or shutil.which("mount") is None:
        return "mounting a tmpfs needs root"
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], capture_output=True, text=True
    )
    return None if result.returncode == 0 else f"cannot mount a tmpfs here: {result.stderr.strip()}"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "disk"
    problem = _mount_tmpfs(target, "200k")
    if problem is not None:
        pytest.skip(f"{problem} (test_a_full_disk_simulated covers the same path)")
    yield target
    subprocess.run(["umount", "-l", str(target)], check=False)


def _big_corpus(root: Path, documents: int = 40) -> Path:
    """About 22 kB a document of text that compresses poorly: 40 are more than the tiny disk
    holds; 100 are more than ``PARALLEL_MIN_BYTES``, so indexing them uses worker processes."""
    rng = random.Random(3)
    vocabulary = ["".join(rng.choice("abcdefghij") for _ in range(8)) for _ in range(3000)]
    for number in range(documents):
        words = " ".join(rng.choice(vocabulary) for _ in range(2500))
        write(root / f"big{number:02d}.txt", f"Big document {number}\n\n{words}\n")
    return root


def test_a_full_disk_is_a_clear_error_and_the_next_try_works(tmp_path: Path, tiny_disk: Path) -> None:
    corpus = _big_corpus(tmp_path / "corpus")
    before = fingerprint(corpus)
    library = Library.open(corpus, index_dir=tiny_disk / "index")
    with pytest.raises(CorpusError, match="no space left on device") as caught:
        library.refresh()
    assert "\n" not in str(caught.value)
    library.search("document")  # what was committed before still answers
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
    library.refresh()  # same process: the failed writer let go of the lock
    assert_whole(tiny_disk / "index", {f"big{n:02d}.txt" for n in range(40)})
    assert fingerprint(corpus) == before


def test_a_full_disk_with_indexing_workers_is_a_clear_error(tmp_path: Path, tiny_disk: Path) -> None:
    corpus = _big_corpus(tmp_path / "corpus", 100)
    assert sum(p.stat().st_size for p in corpus.iterdir()) >= search.indexing.PARALLEL_MIN_BYTES
    library = Library.open(corpus, index_dir=tiny_disk / "index")
    with pytest.raises(CorpusError, match="no space left on device") as caught:
        library.refresh()
    assert "\n" not in str(caught.value)
    assert not [p for p in (tiny_disk / "index" / "whoosh").iterdir() if p.name.startswith("building-")]
    state = index_state(tiny_disk / "index")
    assert state.duplicates() == [] and set(state.catalog_ids) <= set(state.whoosh_ids)


def test_a_full_disk_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same as above without a tmpfs: every index file write fails once 50 kB are written."""
    import errno

    from whoosh.filedb import filestore

    corpus = _big_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    Library.open(corpus, index_dir=index_dir)
    real_create = filestore.FileStorage.create_file
    written = {"bytes": 0}

    def create_file(self: filestore.FileStorage, name: str, **kwargs: object) -> object:
        handle = real_create(self, name, **kwargs)
        real_write = handle.write

        def write_bytes(data: bytes) -> int:
            written["bytes"] += len(data)
            if written["bytes"] > 50_000:
                raise OSError(errno.ENOSPC, "No space left on device", os.path.join(self.folder, name))
            return real_write(data)

        handle.write = write_bytes
        return handle

    monkeypatch.setattr(filestore.FileStorage, "create_file", create_file)
    code, out, err = run_cli(capsys, "index", "--no-analysis", "--corpus", str(corpus), "--index-dir", str(index_dir))
    assert (code, out) == (2, "")
    assert "no space left on device" in err and err.count("\n") == 1
    monkeypatch.setattr(filestore.FileStorage, "create_file", real_create)
    Library.open(corpus, index_dir=index_dir).refresh()
    assert_whole(index_dir, {f"big{n:02d}.txt" for n in range(40)})


# --- the corpus changing or vanishing ----------------------------------------------------------


def test_a_corpus_gone_between_runs_is_a_clear_error_and_loses_nothing(
    corpus: Path, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = Library.open(corpus, index_dir=built)
    shutil.rmtree(corpus)
    with pytest.raises(CorpusError, match="the corpus has gone"):
        library.refresh()
    with pytest.raises(CorpusError, match="no such file or folder"):
        Library.open(corpus, index_dir=built)
    code, _out, err = run_cli(capsys, "search", "x", "--corpus", str(corpus), "--index-dir", str(built))
    assert code == 2 and err.count("\n") == 1
    assert_whole(built, EXPECTED)


def _touch_all(corpus: Path) -> None:
    for path in corpus.rglob("*.txt"):
        path.write_text(path.read_text() + "Edited.\n")


@pytest.mark.parametrize("batch", [2000, 4])
def test_a_corpus_vanishing_mid_refresh_loses_nothing(
    corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(search.indexing._Batch, "is_full", lambda self: len(self.documents) >= batch)
    _touch_all(corpus)
    away = corpus.with_name("away")
    calls = {"n": 0}

    def vanishing(source: object, known: object = None) -> object:
        calls["n"] += 1
        if calls["n"] == 10:
            corpus.rename(away)
        return read_source(source, known)

    monkeypatch.setattr(search.indexing, "read_source", vanishing)
    with pytest.raises(CorpusError, match="the corpus has gone"):
        Library.open(corpus, index_dir=built).refresh()
    assert_whole(built, EXPECTED)
    away.rename(corpus)
    monkeypatch.setattr(search.indexing, "read_source", read_source)
    Library.open(corpus, index_dir=built).refresh()
    assert_whole(built, EXPECTED)
    assert "Edited" in Library.open(corpus, index_dir=built).document("part6/doc0055.txt").text


def test_a_corpus_vanishing_mid_walk_loses_nothing(corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_walk = search.indexing.iter_sources
    away = corpus.with_name("away")

    def vanishing(root: Path) -> Iterator[object]:
        for number, item in enumerate(real_walk(root)):
            if number == 5:
                corpus.rename(away)
            yield item

    monkeypatch.setattr(search.indexing, "iter_sources", vanishing)
    with pytest.raises(CorpusError, match="the corpus has gone"):
        Library.open(corpus, index_dir=built).refresh()
    assert_whole(built, EXPECTED)


def test_a_file_disappearing_during_indexing(corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = corpus / "part2" / "doc0009.txt"
    victim.write_text("Changed, then gone before it is read.")
    write(corpus / "fleeting.txt", "Here for a moment only docmarkfleeting.")

    def vanishing(source: object, known: object = None) -> object:
        if source.rel in ("part2/doc0009.txt", "fleeting.txt"):
            source.path.unlink()
        return read_source(source, known)

    monkeypatch.setattr(search.indexing, "read_source", vanishing)
    library = Library.open(corpus, index_dir=built)
    report = library.refresh()
    assert {s.path for s in report.skipped} >= {"part2/doc0009.txt", "fleeting.txt"}
    assert_whole(built, EXPECTED)  # the last indexed version stays until the file is seen gone
    monkeypatch.setattr(search.indexing, "read_source", read_source)
    assert library.refresh().removed == ("part2/doc0009.txt",)
    assert_whole(built, EXPECTED - {"part2/doc0009.txt"})


def test_a_file_changing_during_indexing_ends_up_current(
    corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = corpus / "part3" / "doc0010.txt"
    second = corpus / "part3" / "doc0017.txt"
    first.write_text("First edit docmarkfirstedit.")
    second.write_text("Second file, edited docmarksecondedit.")

    def changing(source: object, known: object = None) -> object:
        if source.rel == "part3/doc0010.txt":
            first.write_text("Changed after the walk, before the read docmarkbeforeread.")
        items = list(read_source(source, known))
        if source.rel == "part3/doc0017.txt":
            second.write_text("Changed after the read docmarkafterread.")
        return iter(items)

    monkeypatch.setattr(search.indexing, "read_source", changing)
    library = Library.open(corpus, index_dir=built)
    library.refresh()
    assert library.search("docmarkbeforeread").total == 1
    monkeypatch.setattr(search.indexing, "read_source", read_source)
    library.refresh()
    assert library.search("docmarkafterread").total == 1
    assert library.search("docmarksecondedit").total == 0
    assert library.refresh().indexed == ()
    assert_whole(built, EXPECTED)


def test_a_changed_file_that_cannot_be_read_keeps_its_last_version(
    corpus: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated refusal (root reads everything); test_a_read_only_cache... and the loader's
    tests cover real permissions. The file is read again once it can be."""
    victim = corpus / "part4" / "doc0011.txt"
    victim.write_text("A new version docmarknewversion.")

    def refused(source: object, known: object = None) -> object:
        if source.rel == "part4/doc0011.txt":
            from search.records import Skipped

            return iter([Skipped(source.rel, "cannot be read (permission denied)")])
        return read_source(source, known)

    monkeypatch.setattr(search.indexing, "read_source", refused)
    library = Library.open(corpus, index_dir=built)
    library.refresh()
    assert library.search("docmark0011").total == 1  # the old version is still there
    monkeypatch.setattr(search.indexing, "read_source", read_source)
    assert library.refresh().indexed == ("part4/doc0011.txt",)
    assert library.search("docmarknewversion").total == 1
    assert_whole(built, EXPECTED)
