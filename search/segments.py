"""Building Whoosh segments in worker processes: a large refresh on every core.

Analysing text and writing postings is nearly all of what indexing costs, and one Python
process runs it on one core. For a large refresh, worker processes each write their share of
the documents as a segment in a private folder inside the index folder. At each commit the
refresh (the parent, which alone holds the index's write lock) moves the finished segment
files into the index folder and lists the segments in Whoosh's table of contents, deleting
the older versions of the same documents in that same commit: an update stays atomic, and the
workers' postings are not read or copied again (merging their indexes with ``add_reader``
would redo a third of the work in one process). Only the small segments of a refresh's first
commit, made early so that search works while the rest is built, are merged by its last.

Workers are new Python processes (``search.segments.main``), never forks: the explorer
has threads, and a forked child of a threaded process can hang on a lock another thread held
(Whoosh's own multi-process writer forks, so it is never used). They are not started through
``multiprocessing``'s ``spawn`` either, which re-runs the parent's main script in each child and
so fails in any script without an ``if __name__ == "__main__"`` guard.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from whoosh.codec.base import Segment
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from search.priority import lower_priority

WORKER_LIMIT_MB = 192
"""A worker finishes its segment and starts another when its postings take more memory than
this (``TermPool.size``): so a worker never holds much more, whatever the corpus."""
CHUNK_DOCUMENTS = 64
"""Documents sent to a worker in one message."""
IN_FLIGHT = 2
"""Chunks a worker may have queued: enough to never wait, few enough to balance the load."""
STOP_TIMEOUT = 10.0
FOLDER_PREFIX = "building-"
_WORKER_MAIN = "import sys; from search.segments import main; main(sys.argv[1:])"
"""A worker's program: ``-c`` rather than ``-m``, which would import this module twice."""

Fields = Mapping[str, object]


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


class SegmentBuilders:
    """Worker processes that turn documents into segments, and the segments they built.

    Use as a context manager: leaving it stops the workers and removes their folders.
    """

    def __init__(self, whoosh_dir: Path, processes: int) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=whoosh_dir))
        self._workers: list[_Worker] = []
        try:
            for number in range(processes):
                self._workers.append(_Worker.start(number, self._folder))
        except BaseException:
            self.close()
            raise
        self._chunk: list[Fields] = []

    def __enter__(self) -> SegmentBuilders:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, fields: Fields) -> None:
        """Queue one document for a worker (sent in chunks)."""
        self._chunk.append(fields)
        if len(self._chunk) >= CHUNK_DOCUMENTS:
            self._send()

    def flush(self) -> list[tuple[Segment, Path]]:
        """Every worker finishes its segment: (segment, folder holding its files) for each
        segment built since the last flush. The files stay there until ``install`` moves
        them."""
        self._send()
        for worker in self._workers:
            worker.send(("flush",))
        built = []
        for worker in self._workers:
            while True:
                reply = worker.receive()
                if reply[0] == "segments":
                    built.extend((segment, Path(folder)) for segment, folder in reply[1])
                    break
        return built

    def close(self) -> None:
        """Stop the workers (killing any that do not stop) and remove their folder."""
        for worker in self._workers:
            try:
                worker.connection.send(("stop",))
            except OSError:
                pass
        for worker in self._workers:
            try:
                worker.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.connection.close()
        self._workers = []
        shutil.rmtree(self._folder, ignore_errors=True)

    def _send(self) -> None:
        if not self._chunk:
            return
        while all(worker.in_flight >= IN_FLIGHT for worker in self._workers):
            for connection in wait([worker.connection for worker in self._workers]):
                next(w for w in self._workers if w.connection is connection).receive()
        worker = min(self._workers, key=lambda w: w.in_flight)
        worker.send(("add", self._chunk))
        worker.in_flight += 1
        self._chunk = []


class _Worker:
    """The parent's handle on one worker process: the process and both ends of its pipes."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], connection: Connection):
        self.name = name
        self.process = process
        self.connection = connection
        self.in_flight = 0
        self.log = Path()

    @classmethod
    def start(cls, number: int, folder: Path) -> _Worker:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        log = folder / f"worker-{number}.log"
        with open(log, "wb") as errors:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_MAIN, str(to_child), str(from_child),
                 str(folder), str(WORKER_LIMIT_MB)],
                pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                close_fds=True,
            )
        os.close(to_child)
        os.close(from_child)
        worker = cls(f"docscope-index-{number}", process, _Duplex(to_parent, from_parent))
        worker.log = log
        return worker

    def send(self, message: tuple[object, ...]) -> None:
        try:
            self.connection.send(message)
        except OSError:  # it has exited: its last words say why
            self.receive()
            raise WorkerError(f"indexing worker {self.name} stopped{self._last_words()}") from None

    def receive(self) -> tuple[object, ...]:
        """The worker's next reply; an acknowledged chunk frees a place in its queue."""
        try:
            reply = self.connection.recv()
        except EOFError:
            raise WorkerError(f"indexing worker {self.name} died{self._last_words()}") from None
        if reply[0] == "done":
            self.in_flight -= 1
        elif reply[0] == "error":
            raise WorkerError(f"indexing worker {self.name} failed:\n{reply[1]}")
        return reply

    def _last_words(self) -> str:
        try:
            tail = self.log.read_text(errors="replace")[-2000:].strip()
        except OSError:
            return ""
        return f":\n{tail}" if tail else ""


class _Duplex(Connection):
    """One ``Connection`` over two pipes: reads from one descriptor, writes to the other."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        super().__init__(read_fd, readable=True, writable=False)
        self._writer = Connection(write_fd, readable=False, writable=True)

    def send(self, obj: object) -> None:
        self._writer.send(obj)

    def close(self) -> None:
        self._writer.close()
        super().close()


def install(
    writer: SegmentWriter,
    built: Sequence[tuple[Segment, Path]],
    absorb: Sequence[Segment] = (),
) -> list[Segment]:
    """Commit ``writer`` (its deletions) together with the segments the workers built, and
    return those segments.

    The segment files are moved (renamed: same file system) into the index folder first; the
    new table of contents then lists them. Until it is written they are unlisted files, which
    Whoosh ignores and its next commit deletes. The segments in ``absorb`` (small ones an
    earlier commit of the same refresh installed) are merged into one in this commit, so a
    long refresh ends with one segment per worker and one more, not a pile every query visits.
    """
    target = Path(writer.storage.folder)
    for segment, folder in built:
        prefix = f"{segment.segment_id()}."
        for name in os.listdir(folder):
            if name.startswith(prefix):
                os.replace(folder / name, target / name)
    new = [segment for segment, _folder in built]
    merged = {segment.segment_id() for segment in absorb}

    def policy(writer: SegmentWriter, segments: list[Segment]) -> list[Segment]:
        kept = []
        for segment in segments:
            if segment.segment_id() in merged:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            else:
                kept.append(segment)
        return [*kept, *new]

    writer.commit(mergetype=policy)
    for _segment, folder in built:
        shutil.rmtree(folder, ignore_errors=True)
    return new


def remove_leftovers(whoosh_dir: Path) -> None:
    """Remove worker folders a killed refresh left behind (call holding the write lock)."""
    for entry in whoosh_dir.iterdir():
        if entry.name.startswith(FOLDER_PREFIX) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


# --- the worker process -------------------------------------------------------------------


def work(connection: Connection | _Duplex, folder: str, limit_mb: int) -> None:
    """A worker's loop: add the documents it is sent to a segment; finish it when asked, or
    when its postings outgrow ``limit_mb`` (then it starts another)."""
    from whoosh import index

    from search.codec import lean_writer
    from search.schema import build_schema

    schema = build_schema()
    writer: SegmentWriter | None = None
    here = ""
    finished: list[tuple[Segment, str]] = []

    def finish() -> None:
        nonlocal writer
        if writer is not None:
            segment = writer._finalize_segment()
            writer._finish()  # removes the writer's temporary files and its lock
            finished.append((segment, here))
            writer = None

    try:
        while True:
            message = connection.recv()
            if message[0] == "add":
                if writer is None:
                    here = tempfile.mkdtemp(prefix="segment-", dir=folder)
                    writer = lean_writer(index.create_in(here, schema))
                for fields in message[1]:
                    writer.add_document(**fields)
                if writer.pool.size > limit_mb * 1024 * 1024:
                    finish()
                connection.send(("done", len(message[1])))
            elif message[0] == "flush":
                finish()
                connection.send(("segments", finished))
                finished = []
            else:
                return
    except EOFError:  # the parent has gone: nothing to report to
        return
    except BaseException:
        connection.send(("error", traceback.format_exc()))


def main(arguments: Sequence[str]) -> None:
    """One worker: ``READ_FD WRITE_FD FOLDER LIMIT_MB`` (see ``_WORKER_MAIN``)."""
    read_fd, write_fd, folder, limit_mb = arguments
    lower_priority()
    work(_Duplex(int(read_fd), int(write_fd)), folder, int(limit_mb))
