"""Hostile names, titles, metadata and config paths in the real explorer: the terminal receives
Textual's own escape sequences and nothing else.

Document text is cleaned before it is indexed (``test_hostile_text.py``), but file and folder
names, JSONL metadata keys and the config folder's path reach the widgets as they are. A file
named ``t_<ESC>]2;PWNED<ESC>\\.txt`` retitled the terminal from the status line; these tests
show every widget that shows such strings and read every byte the program writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.tui.terminal import Terminal, docscope_command

HOSTILE_NAMES = {
    "title": "t_\x1b]2;PWNED\x1b\\",
    "clipboard": "c_\x1b]52;c;ZXZpbA==\x07",
    "clear": "x_\x1b[2J\x1b[H",
    "bell": "b_\x07\x07",
    "c1": "k_\x9b31m",
    "bidi": "r_\u202egnp",
}
"""Escape sequences and controls a terminal obeys, each in a name: OSC 2 (window title),
OSC 52 (clipboard write), CSI 2J (clear the screen), BEL, 8-bit CSI, a right-to-left override."""

TEXT = (
    "Harbour {word}\n\n"
    "The harbour board met on Tuesday to discuss the {word} plan for the old docks. "
    '"We will rebuild the quay before winter," said Maria Lopez of the Harbour Trust.\n'
)

ESCAPE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, to BEL or ST
    rb"|[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    rb"|[ -/]*[0-~]|$)"  # any other (charset, keypad), or a lone ESC at the end
)
TEXTUAL_CSI = re.compile(rb"\x1b\[(?:[0-9;:]*[mH]|\?[0-9;]*[hl]|[<>][0-9;]*u|\?[0-9]+\$p)")
"""The CSI sequences Textual writes (all that a run of this test shows): styles (SGR), cursor
moves, private modes (the alternate screen, the cursor, mouse reporting, bracketed paste), the
query for synchronised output and the kitty keyboard protocol. No erasing: Textual repaints."""
TEXTUAL_OSC = {b"22"}
"""OSC 22 sets the mouse pointer's shape; Textual sends no other operating-system command."""
C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
BIDI_UTF8 = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    """A corpus whose file names, folder name and JSONL metadata carry escape sequences."""
    root = tmp_path / "corpus"
    root.mkdir()
    for word, name in HOSTILE_NAMES.items():
        (root / f"{name}.txt").write_text(TEXT.format(word=word), encoding="utf-8")
    folder = root / "d_\x1b]2;FOLDER\x07"
    folder.mkdir()
    (folder / "inside.txt").write_text(TEXT.format(word="folder"), encoding="utf-8")
    record = {
        "id": "r1",
        "title": "Harbour \x1b]2;JSONTITLE\x07 record",
        "text": TEXT.format(word="record"),
        "METAKEY\x1b]2;EVIL\x07": "value \x1b]52;c;bWV0YQ==\x07 here",
    }
    (root / "records_\x1b[2J.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return root


def escape_problems(output: bytes) -> list[bytes]:
    """Every escape sequence or control character in ``output`` that Textual does not send."""
    problems: list[bytes] = []
    bells = 0
    for match in ESCAPE.finditer(output):
        sequence = match.group()
        if sequence.startswith(b"\x1b]"):
            command = sequence[2:].split(b";", 1)[0]
            bells += sequence.endswith(b"\x07")
            if command not in TEXTUAL_OSC:
                problems.append(sequence)
        elif not TEXTUAL_CSI.fullmatch(sequence):
            problems.append(sequence)
    if output.count(b"\x07") != bells:
        problems.append(b"a BEL outside an OSC")
    problems += C1_UTF8.findall(output) + BIDI_UTF8.findall(output)
    return problems


def test_no_escape_sequence_from_a_name_reaches_the_terminal(
    hostile_names: Path, tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    """Status line (indexing, then analysis), results, reader header and metadata, the
    palette, help, a toast and the entities pane, all showing hostile names: the
    output holds Textual's own sequences only, and the names show as visible symbols."""
    config = tmp_path / "config_\x1b]2;CONFIG\x07"
    (config / "config.toml").mkdir(parents=True)  # unreadable as a file: a toast names its path
    env = terminal_env | {"DOCSCOPE_CONFIG_DIR": str(config)}
    index_dir = tmp_path / "index"
    command = [*docscope_command(), str(hostile_names), "--index-dir", str(index_dir)]
    terminal = Terminal(command, env, rows=40, cols=160)
    try:
        terminal.read_until(b"cannot read")  # the config toast
        terminal.read_until(b"Harbour clear")  # the document list
        typed = len(terminal.output)
        terminal.type(b"record")
        terminal.read_until(b"1 hit", start=typed)
        terminal.type(b"\r")  # to the results ...
        terminal.read_until(b"Quit", start=typed)  # ... whose footer offers q
        terminal.type(b"\r")  # open the JSONL record: its path and metadata in the header
        terminal.read_until(b"METAKEY", start=typed)
        terminal.read_until(b" label", start=typed, timeout=60)  # its entities, once analysed
        typed = len(terminal.output)
        terminal.type(b"\x10")  # ctrl+p: the palette lists titles, with ids as help
        terminal.read_until(b"Search for commands", start=typed)
        terminal.type(b"Open")
        terminal.read_until(b"inside", start=typed)
        typed = len(terminal.output)
        terminal.type(b"\x1b")
        terminal.read_until(b"Next hit", start=typed)
        typed = len(terminal.output)
        terminal.type(b"\x1bOP")  # F1, the help: its note names the config file's path
        terminal.read_until(b"Keys here", start=typed)
        terminal.type(b"q")  # closes the help ...
        terminal.type(b"\x11")  # ... and ctrl+q quits
        assert terminal.wait() == 0
    finally:
        terminal.close()
    output = bytes(terminal.output)
    assert b"Traceback" not in output
    assert escape_problems(output) == []
    for name in HOSTILE_NAMES.values():
        assert name.encode() not in output, name
    assert "t_␛]2;PWNED␛\\".encode() in output  # shown, as symbols
    assert b"EVIL" not in output  # the engine cleans metadata keys: the sequence is gone whole
