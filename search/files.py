"""Reading a user's file without ever hanging and without reading it whole by surprise.

Between the walk's ``stat`` and the read, a file can become anything: a named pipe (``open``
blocks until a writer comes, which is never), a link to ``/dev/zero`` (a read never ends), or a
much bigger file. So every file is opened with ``O_NONBLOCK`` (opening a pipe returns at once),
checked with ``fstat`` to be a regular file *after* opening (what is checked is what is read),
and read with a bound, or as a stream of chunks. Compressed streams are decompressed a chunk at
a time with a cap on what they may expand to: a 3 MB gzip that expands to 3 GB is a bomb, not
a corpus. The corpus and the configuration are read through here alike.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "CHUNK_BYTES",
    "FileTooLarge",
    "GunzipStream",
    "NotRegularFile",
    "chunks_of",
    "is_gzip",
    "open_regular",
    "read_at_most",
    "read_small_file",
]

CHUNK_BYTES = 1 << 20
"""Streams are read and decompressed 1 MiB at a time."""

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a pipe opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes our controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
)


class NotRegularFile(OSError):
    """The path is a pipe, socket, device or folder, not a file (reading it could hang)."""


class FileTooLarge(OSError):
    """The file holds more bytes than its reader accepts."""


def open_regular(path: Path | str) -> BinaryIO:
    """Open ``path`` for reading, never blocking; raise ``NotRegularFile`` unless it is a file.

    For a regular file ``O_NONBLOCK`` changes nothing; for a pipe it makes ``open`` return at
    once, and ``fstat`` then refuses it before any read."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"not a regular file: {path}")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_at_most(handle: BinaryIO, limit: int) -> bytes | None:
    """The whole content of ``handle``, or None when it holds more than ``limit`` bytes (then
    only ``limit + 1`` bytes were read)."""
    data = handle.read(limit + 1)
    return None if len(data) > limit else data


def read_small_file(path: Path | str, limit: int) -> bytes:
    """A small regular file's bytes; ``NotRegularFile``, ``FileTooLarge`` or another
    ``OSError`` otherwise."""
    with open_regular(path) as handle:
        data = read_at_most(handle, limit)
    if data is None:
        raise FileTooLarge(f"larger than {limit:,} bytes: {path}")
    return data


def chunks_of(handle: BinaryIO, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """``handle``'s bytes, ``size`` at a time, to the end."""
    while chunk := handle.read(size):
        yield chunk


class GunzipStream:
    """The decompressed bytes of a gzip file (all its members), a chunk at a time.

    It stops early, setting ``problem`` to a sentence for the user, when the data is damaged
    or cut short (what came before is kept), or when it expands beyond ``limit`` bytes.
    """

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self._handle = handle
        self.limit = limit
        """Most decompressed bytes that will be produced."""
        self.problem: str | None = None
        """Why the stream stopped before the end of the data, or None."""

    def __iter__(self) -> Iterator[bytes]:
        produced = 0
        with gzip.GzipFile(fileobj=self._handle, mode="rb") as unpacked:
            while True:
                try:
                    chunk = unpacked.read1(CHUNK_BYTES)  # what came before a cut, too
                except EOFError:
                    self.problem = "gzip file is cut short; the records before the cut were read"
                    return
                except (OSError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
                    self.problem = f"damaged gzip data ({error}); the records before it were read"
                    return
                if not chunk:
                    return
                produced += len(chunk)
                if produced > self.limit:
                    yield chunk[: len(chunk) - (produced - self.limit)]
                    self.problem = (
                        f"expands to more than {self.limit // 2**20:,} MiB (a compression bomb?);"
                        " the records before that were read"
                    )
                    return
                yield chunk


def is_gzip(handle: BinaryIO) -> bool:
    """Whether ``handle`` (at its start, seekable) holds gzip data; it is left at its start."""
    magic = handle.read(2)
    handle.seek(0)
    return magic == b"\x1f\x8b"

