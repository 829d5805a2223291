"""Nothing from a document reaches the terminal raw, and the corpus is never written to.

Documents, file names and JSONL fields carry ANSI colours, cursor moves and screen clears,
OSC 8 links, OSC 52 clipboard writes, BEL, 8-bit C1 controls, bidi overrides and Rich markup.
Every command (index, search, entities, quotes, stats), as tables and as JSON, must print no
ESC, BEL or C1 character that came from them; markup must show literally. Cleaning strips
escapes from document text; ids and paths come from file names, which may hold any character
but ``/`` and NUL, so the command line shows those characters as symbols (ESC as ␛) and its
JSON escapes them.

The whole session (index, analyse, every command, the library's reading calls) runs once for
the module; a fingerprint of the corpus (names, modes, sizes, mtimes, contents) taken before
and after proves that nothing in it was written.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from search import Library
from tests.robustness.conftest import fingerprint, write
from tui import cli_output
from tui.cli import main

HOSTILE_TEXT = (
    "\x1b[31mRed Harbour Headline\x1b[0m\n\n"
    'President Maria Lopez said "We will \x1b[2J\x1b[H rebuild the harbour before winter." '
    "The council met in Lisbon.\x07 Visit \x1b]8;;http://evil.example\x1b\\the link\x1b]8;;\x1b\\ now. "
    "\x1b]52;c;ZWNobyBwd25lZA==\x07 Clipboard docmarkclipboard. "
    "Eight-bit \x9b31m controls \x9d0;retitled\x9c and bidi \u202etxt.exe\u202c here.\n"
)
MARKUP_TEXT = (
    "[bold]Markup[/] Title [link=http://x.example]click[/link]\n\n"
    'Governor Daniel Okafor said "[bold]Nothing[/bold] here is [@click=app.quit]markup[/]." '
    "Also [red]colour[/red], [/] alone, and [link=file:///etc/passwd]a link[/link] docmarkmarkup.\n"
)
ESCAPE_NAME = "\x1b[31mevil\x1b[0m\x07name.txt"
MARKUP_NAME = "[bold]named[/].txt"

COMMANDS: list[tuple[str, ...]] = [
    ("index",),
    ("search", "harbour"),
    ("search", "docmarkclipboard"),
    ("search", "docmarkmarkup"),
    ("search", "docmarkname"),
    ("search", "docmarkjson"),
    ("search", "harbor"),  # a near miss: "did you mean" echoes the query
    ("entities",),
    ("quotes",),
    ("stats",),
]
FORBIDDEN = re.compile(r"[\x07\x1b\x80-\x9f]")
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")
"""The only escape sequences allowed in colour output: Rich's own SGR styling."""


def _run(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(arguments))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("terminal")
    write(root / "hostile.txt", HOSTILE_TEXT)
    write(root / "markup.txt", MARKUP_TEXT)
    write(root / ESCAPE_NAME, "Escape named file docmarkname about the harbour.\n")
    write(root / MARKUP_NAME, "Markup named file docmarkname about the harbour.\n")
    write(
        root / "records.jsonl",
        json.dumps(
            {
                "id": "\x1b]52;c;aGk=\x07rec\x9b1",
                "title": "\x1b[1mBold JSON title\x1b[0m [bold]x[/]",
                "text": "A JSON record docmarkjson about the harbour.",
                "source": "\x1b[5mblink\x9b",
            }
        )
        + "\n",
    )
    index_dir = tmp_path_factory.mktemp("index")
    before = fingerprint(root)
    common = ("--corpus", str(root), "--index-dir", str(index_dir))
    outputs: dict[tuple[str, ...], tuple[int, str, str]] = {}
    colour: dict[tuple[str, ...], str] = {}
    usual = cli_output.stdout
    try:
        cli_output.stdout = Console(highlight=False, soft_wrap=False, width=200)
        for command in COMMANDS:
            outputs[command] = _run(*command, *common)
            outputs[(*command, "--json")] = _run(*command, *common, "--json")
        cli_output.stdout = Console(
            highlight=False, soft_wrap=False, force_terminal=True, color_system="truecolor", width=200
        )
        for command in COMMANDS:
            colour[command] = _run(*command, *common)[1]
    finally:
        cli_output.stdout = usual
    library = Library.open(root, index_dir=index_dir)
    for info in library.documents():
        library.document(info.id)
        library.match_spans(info.id, "harbour OR markup")
        library.document_stats(info.id)
    library.corpus_stats()
    return {
        "root": root,
        "before": before,
        "after": fingerprint(root),
        "outputs": outputs,
        "colour": colour,
        "library": library,
    }


def test_every_command_succeeds(session: dict[str, object]) -> None:
    for command, (code, _out, err) in session["outputs"].items():
        assert code == 0, (command, err)
        assert "Traceback" not in err


@pytest.mark.parametrize("command", [c for c in COMMANDS] + [(*c, "--json") for c in COMMANDS], ids=" ".join)
def test_no_control_character_reaches_the_terminal(session: dict[str, object], command: tuple[str, ...]) -> None:
    _code, out, err = session["outputs"][command]
    assert FORBIDDEN.findall(out) == [], out
    assert FORBIDDEN.findall(err) == [], err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_colour_output_has_only_riches_own_styling(session: dict[str, object], command: tuple[str, ...]) -> None:
    out = RICH_STYLE.sub("", session["colour"][command])
    assert FORBIDDEN.findall(out) == [], out


def test_json_keeps_the_exact_strings(session: dict[str, object]) -> None:
    """JSON escapes the controls of an id, and decoding gives the id back unchanged."""
    hits = json.loads(session["outputs"][("search", "docmarkname", "--json")][1])
    assert {hit["document"] for hit in hits} == {ESCAPE_NAME, MARKUP_NAME}
    record = json.loads(session["outputs"][("search", "docmarkjson", "--json")][1])
    assert [hit["document"] for hit in record] == ["records.jsonl#rec1"]  # JSONL ids are cleaned
    assert record[0]["title"] == "Bold JSON title [bold]x[/]"


def test_file_names_with_escapes_show_as_symbols(session: dict[str, object]) -> None:
    out = session["outputs"][("search", "docmarkname")][1]
    assert "␛[31mevil␛[0m␇name.txt" in out
    assert MARKUP_NAME in out  # markup in a file name is shown as written


def test_markup_in_documents_is_shown_literally(session: dict[str, object]) -> None:
    out = session["outputs"][("search", "docmarkmarkup")][1]
    assert "[bold]Markup[/] Title [link=http://x.example]click[/link]" in out
    quotes = session["outputs"][("quotes",)][1]
    stats = session["outputs"][("stats",)][1]
    assert "[bold]Markup[/]" in stats
    assert "“[bold]Nothing[/bold] here is [@click=app.quit]markup[/].”" in quotes


def test_document_text_is_clean_in_the_library(session: dict[str, object]) -> None:
    library: Library = session["library"]
    text = library.document("hostile.txt").text
    assert FORBIDDEN.findall(text) == []
    assert "\u202e" not in text
    assert "the link" in text and "ZWNobyBwd25lZA" not in text  # OSC 8 keeps its words; OSC 52 goes


def test_the_corpus_was_never_written(session: dict[str, object]) -> None:
    assert session["after"] == session["before"]
    assert not any(Path(session["root"]).rglob("*.sqlite3"))
