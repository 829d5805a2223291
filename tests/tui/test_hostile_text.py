"""Hostile document text in the explorer: escape sequences never reach the terminal, and markup
is shown as written, never interpreted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search import Library
from tests.tui.terminal import Terminal, docscope_command
from tui.app import DocscopeApp
from tui.config import Config
from tui.reader import ReaderBlock

HOSTILE = (
    "Harbour \x1b[31mred\x1b[0m report\n\n"
    "The mayor said \x1b]8;;http://evil.example/\x07click here\x1b]8;;\x07 to read more.\n\n"
    "A clipboard write \x1b]52;c;ZXZpbA==\x07 hides here, and a cursor move \x1b[2J\x1b[H too.\n\n"
    "Bells \x07\x07 ring, a C1 \x9b31m control, and [bold]not bold[/] with "
    "[link=http://x]a link[/link] and [@click=app.quit]quit[/] stay as written.\n\n"
    '"Nobody should be able to hijack the terminal through a document," said Maria Lopez.\n'
)
DOCUMENT_SEQUENCES = (b"\x1b[31m", b"\x1b]8;;http://evil", b"\x1b]52;", b"\x1b[2J", b"\xc2\x9b")
OSC = re.compile(rb"\x1b\](\d+);[^\x07\x1b]*\x07")
"""An operating-system command ending in BEL: Textual sends OSC 22 (the pointer shape) this way."""


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (root / "plain.txt").write_text("Plain\n\nA plain harbour note.\n", encoding="utf-8")
    return root


async def test_reader_shows_no_escape_and_literal_markup(hostile_corpus: Path, tmp_path: Path) -> None:
    library = Library.open(hostile_corpus, tmp_path / "index")
    library.refresh()
    app = DocscopeApp(library, config=Config(), debounce=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.explorer.open_document("hostile.txt")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = " ".join(str(block.content) for block in app.query(ReaderBlock))
        for control in ("\x1b", "\x07", "\x9b"):
            assert control not in shown
        assert "[bold]not bold[/]" in shown
        assert "[@click=app.quit]quit[/]" in shown
        assert "click here" in shown and "red" in shown
        screen = app.export_screenshot()
        assert "\x1b" not in screen and "\x07" not in screen
        assert app.is_running


def test_the_real_terminal_never_receives_the_document_sequences(
    hostile_corpus: Path, tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    index_dir = tmp_path / "index"
    Library.open(hostile_corpus, index_dir).refresh()
    terminal = Terminal([*docscope_command(), str(hostile_corpus), "--index-dir", str(index_dir)], terminal_env)
    try:
        terminal.read_until(b"Harbour")
        terminal.type(b"clipboard")
        terminal.read_until(b"1 hit")
        terminal.type(b"\r")
        terminal.read_until(b"Quit")
        terminal.type(b"\r")  # open the document in the reader
        terminal.read_until(b"hijack")
        terminal.type(b"q")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    output = bytes(terminal.output)
    for sequence in DOCUMENT_SEQUENCES:
        assert sequence not in output, sequence
    commands = OSC.findall(output)
    assert output.count(b"\x07") == len(commands), "a bell that is not Textual's own OSC"
    assert set(commands) <= {b"22"}, commands
