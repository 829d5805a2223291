"""A program in a real pseudo-terminal, for tests that read what reaches the terminal.

Only the standard library: ``os.openpty`` for the terminal, ``select`` to wait for output with a
deadline (never a blind sleep), ``TIOCSWINSZ`` for the window size.
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import pytest


def docscope_command() -> list[str]:
    """The installed console script, or the same entry point through this Python."""
    script = Path(sys.executable).with_name("docscope")
    if script.exists():
        return [str(script)]
    found = shutil.which("docscope")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]


class Terminal:
    """A program running in a pseudo-terminal of a fixed size, and everything it printed."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], rows: int = 40, cols: int = 120):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
            close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 20.0, start: int = 0) -> float:
        """Read until ``needle`` has been printed (after byte ``start``); seconds since the start.

        Fails the test on timeout or when the program ends first.
        """
        deadline = time.monotonic() + timeout
        while needle not in self.output[start:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                tail = bytes(self.output[-2000:]).decode("utf-8", "replace")
                pytest.fail(f"{needle!r} never appeared; last output:\n{tail}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the program closed the terminal
                    chunk = b""
                if not chunk:
                    pytest.fail(f"the program ended before printing {needle!r}")
                self.output += chunk
        return time.monotonic() - self.started

    def type(self, keys: bytes) -> None:
        """Send keystrokes."""
        os.write(self.master, keys)

    def wait(self, timeout: float = 30.0) -> int:
        """Drain the output until the program exits; its exit code."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
        return self.process.wait(timeout=max(0.1, deadline - time.monotonic()))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
