"""A program in a real 120x40 pseudo-terminal, read as a user's terminal would read it.

The launch and keypress benchmarks both start ``docscope`` this way: what they time is what
reaches a terminal, not what Textual believes it drew.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

COLUMNS, LINES = 120, 40
"""The terminal's size."""
_ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][AB012]|\x1b[=>]")


def plain(stream: bytes) -> str:
    """Terminal output with its escape sequences removed: the text it paints."""
    return _ANSI.sub(b"", stream).decode("utf-8", "replace")


class Terminal:
    """``command`` running in a pseudo-terminal, with its output collected as it arrives.

    Use as a context manager: leaving stops the program (SIGTERM to its process group, reading
    what it prints while it restores the terminal; SIGKILL if it hangs).
    """

    def __init__(
        self, command: list[str], config_dir: Path, cwd: Path, bytecode: Path | None = None
    ) -> None:
        self.output = b""
        """Everything the program has written so far."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(LINES),
            "XDG_CONFIG_HOME": str(config_dir),
            "DOCSCOPE_CONFIG_DIR": str(config_dir / "docscope"),
        }
        if bytecode is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        self._master = master
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, keys: bytes) -> float:
        """Type ``keys``; when (``time.perf_counter()``) they reached the terminal."""
        os.write(self._master, keys)
        return time.perf_counter()

    def read_until(self, found: Callable[[bytes], bool], timeout: float) -> float | None:
        """Read until ``found(what was read since this call)`` holds; when it first held
        (``time.perf_counter()``), or None after ``timeout`` seconds or if the program ended."""
        start = len(self.output)
        deadline = time.perf_counter() + timeout
        while (remaining := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self._master], [], [], min(remaining, 0.02))
            if not ready:
                if self.process.poll() is not None:
                    return None
                continue
            try:
                chunk = os.read(self._master, 1 << 16)
            except OSError:
                return None
            now = time.perf_counter()
            self.output += chunk
            if found(self.output[start:]):
                return now
        return None

    def drain(self, quiet: float, at_most: float) -> None:
        """Read until the program has written nothing for ``quiet`` seconds, or for ``at_most``
        seconds in all (a blinking cursor writes twice a second)."""
        deadline = time.perf_counter() + at_most
        while time.perf_counter() < deadline:
            if self.read_until(lambda _new: True, quiet) is None:
                return

    def close(self) -> None:
        """Stop the program and close the terminal."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self._drain_until_exit(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        os.close(self._master)

    def _drain_until_exit(self, timeout: float) -> None:
        """Read (and drop) what the program prints while it exits: on SIGTERM the explorer
        restores the terminal, and with nobody reading, a full terminal buffer would block it."""
        deadline = time.perf_counter() + timeout
        while self.process.poll() is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(self.process.args, timeout)
            ready, _, _ = select.select([self._master], [], [], min(remaining, 0.05))
            if ready:
                try:
                    os.read(self._master, 1 << 16)
                except OSError:
                    break
        self.process.wait(timeout)
