"""Hostile files, end to end: every odd file a real folder holds goes through
``Library.refresh()``, ``search()`` and the command line. Nothing crashes, every readable
document is found by its own word, and every other file is skipped with a reason.

The loader's unit tests (tests/search/test_loading.py, test_decoding.py, test_cleaning.py)
cover each case in isolation; these check that the whole pipeline keeps what they promise.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import Library
from search.records import IndexReport
from tests.robustness.conftest import assert_whole, remove_tree, run_cli, write

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(100)
DEPTH = 1200
"""Deeper than Python's recursion limit: the walk must not recurse per folder."""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inside.txt", "zipped text")
    return buffer.getvalue()


def _deep_file(root: Path, depth: int, data: bytes) -> str:
    """Create ``root/d/d/.../deep.txt`` through directory descriptors (pathlib recurses)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, data)
        os.close(out)
    finally:
        os.close(fd)
    return f"{root.name}/" + "d/" * depth + "deep.txt"


JSONL_LINES = [
    json.dumps({"id": "good", "title": "Good record", "text": "A fine record docmarkjsongood."}),
    '{"id": "broken", "text": "no closing brace"',
    json.dumps({"id": "notext", "title": "Only a title"}),
    json.dumps({"id": "numbertext", "text": 42}),
    json.dumps({"id": ["a", "list"], "text": "id of the wrong type"}),
    json.dumps({"id": "objtitle", "title": {"x": 1}, "text": "title of the wrong type"}),
    json.dumps(["an", "array", "not", "an", "object"]),
    json.dumps({"id": "good", "text": "the same id again"}),
    "[" * 100_000 + "]" * 100_000,
    "",
    "   ",
    json.dumps({"id": "huge", "text": "docmarkjsonhuge " + "plenty of words here " * 150_000}),
    json.dumps({"id": 7, "body": "A number id and a body field docmarkjsonbody.", "extra": {"nested": [1, 2]}}),
]


@pytest.fixture(scope="module")
def corpus() -> Iterator[dict[str, object]]:
    # Outside pytest's temporary folders: pytest removes old ones with shutil.rmtree, which
    # cannot remove a tree deeper than the recursion limit.
    root = Path(tempfile.mkdtemp(prefix="docscope-hostile-"))
    try:
        yield from _fill(root)
    finally:
        remove_tree(root)


def _fill(root: Path) -> Iterator[dict[str, object]]:
    write(
        root / "invalid_utf8.txt",
        "UTF-8 caf\u00e9, na\u00efve, d\u00e9j\u00e0 vu; a bad byte ".encode()
        + b"\xff\xfe docmarkinvalid \xc3\x28 here.",
    )
    write(root / "latin1.txt", "Caf\u00e9 cr\u00e8me costs \u00a35, docmarklatin na\u00efve.".encode("latin-1"))
    write(root / "cp1252.txt", "\u201cSmart quotes\u201d docmarkcp \u2014 it costs \u20ac10.".encode("cp1252"))
    text16 = "UTF-16 text docmarkutf{} with an accent: d\u00e9j\u00e0 vu, repeated for length."
    write(root / "utf16_bom.txt", codecs.BOM_UTF16_LE + text16.format("bom").encode("utf-16-le"))
    write(root / "utf16le.txt", text16.format("le").encode("utf-16-le"))
    write(root / "utf16be.txt", text16.format("be").encode("utf-16-be"))
    write(root / "mixed_endings.txt", b"First line docmarkmixed\r\nsecond line\rthird line\nfourth line\r\n")
    write(
        root / "nul_bytes.txt",
        b"A stray NUL\x00 byte in docmarknul text, and another\x00 here. " + b"Ordinary words follow. " * 20,
    )
    write(root / "empty.txt", b"")
    write(root / "whitespace.txt", b"   \n\t\r\n  \n")
    write(root / "image.txt", PNG)
    write(root / "report_pdf.txt", PDF)
    write(root / "archive.txt", _zip())
    write(root / "report.pdf", PDF)
    write(root / "bundle.zip", _zip())
    bad_byte = b'{"id": "bad8", "text": "\xff\xfe docmarkjsonlatin"}\n'
    write(root / "records.jsonl", "\n".join(JSONL_LINES).encode() + b"\n" + bad_byte)
    os.symlink(root / "does-not-exist.txt", root / "broken_link.txt")
    os.symlink(root / "loop_b.txt", root / "loop_a.txt")
    os.symlink(root / "loop_a.txt", root / "loop_b.txt")
    (root / "folder").mkdir()
    write(root / "folder" / "inner.txt", "Inside a folder docmarkinner.")
    os.symlink(root / "folder", root / "folder" / "back_up")
    os.mkfifo(root / "pipe.txt")
    deep = _deep_file(root / "deep", DEPTH, b"At the bottom of the tree docmarkdeep.")
    yield {"root": root, "deep": deep}


@pytest.fixture(scope="module")
def indexed(corpus: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, IndexReport]:
    library = Library.open(corpus["root"], index_dir=tmp_path_factory.mktemp("index"))
    return library, library.refresh()


def _reasons(report: IndexReport) -> dict[str, str]:
    return {skipped.path: skipped.reason for skipped in report.skipped}


FOUND = {
    "docmarkinvalid": "invalid_utf8.txt",
    "docmarklatin": "latin1.txt",
    "docmarkcp": "cp1252.txt",
    "docmarkutfbom": "utf16_bom.txt",
    "docmarkutfle": "utf16le.txt",
    "docmarkutfbe": "utf16be.txt",
    "docmarkmixed": "mixed_endings.txt",
    "docmarknul": "nul_bytes.txt",
    "docmarkinner": "folder/inner.txt",
    "docmarkjsongood": "records.jsonl#good",
    "docmarkjsonbody": "records.jsonl#7",
    "docmarkjsonhuge": "records.jsonl#huge",
    "docmarkjsonlatin": "records.jsonl#bad8",
}


@pytest.mark.parametrize("word", sorted(FOUND))
def test_every_readable_document_is_found_by_its_word(indexed: tuple[Library, IndexReport], word: str) -> None:
    library, _ = indexed
    assert [hit.document for hit in library.search(word).hits] == [FOUND[word]]


def test_the_deep_file_is_indexed(indexed: tuple[Library, IndexReport], corpus: dict[str, object]) -> None:
    library, report = indexed
    assert corpus["deep"] in report.indexed
    assert [hit.document for hit in library.search("docmarkdeep").hits] == [corpus["deep"]]


def test_decoded_text_is_what_the_file_says(indexed: tuple[Library, IndexReport]) -> None:
    library, _ = indexed
    text = {doc: library.document(doc).text for doc in FOUND.values()}
    assert "Caf\u00e9 cr\u00e8me costs \u00a35" in text["latin1.txt"]
    assert "\u201cSmart quotes\u201d" in text["cp1252.txt"] and "\u20ac10" in text["cp1252.txt"]
    for name in ("utf16_bom.txt", "utf16le.txt", "utf16be.txt"):
        assert "d\u00e9j\u00e0 vu" in text[name]
    assert "\ufffd" in text["invalid_utf8.txt"] and "caf\u00e9" in text["invalid_utf8.txt"]  # damage marked
    assert "\r" not in text["mixed_endings.txt"]
    assert "second line" in text["mixed_endings.txt"] and "fourth line" in text["mixed_endings.txt"]
    assert "\x00" not in text["nul_bytes.txt"] and "NUL byte" in text["nul_bytes.txt"]


def test_everything_else_is_skipped_with_a_reason(indexed: tuple[Library, IndexReport]) -> None:
    reasons = _reasons(indexed[1])
    expected = {
        "empty.txt": "empty",
        "whitespace.txt": "empty",
        "image.txt": "PNG image",
        "report_pdf.txt": "PDF document",
        "archive.txt": "ZIP archive",
        "report.pdf": "unsupported file type (.pdf)",
        "bundle.zip": "unsupported file type (.zip)",
        "broken_link.txt": "broken symbolic link",
        "loop_a.txt": "symbolic link loop",
        "loop_b.txt": "symbolic link loop",
        "folder/back_up": "symbolic link loop",
        "pipe.txt": "not a regular file",
        "records.jsonl:2": "not valid JSON",
        "records.jsonl:3": "no text",
        "records.jsonl:4": "'text' is a number",
        "records.jsonl:5": "'id' is a list",
        "records.jsonl:6": "'title' is a object",
        "records.jsonl:7": "not an object",
        "records.jsonl:8": "duplicate id 'good'",
        "records.jsonl:9": "nested too deeply",
    }
    for path, words in expected.items():
        assert path in reasons, path
        assert words.replace("a object", "an object") in reasons[path] or words in reasons[path], (path, reasons[path])


def test_the_index_holds_each_document_once(indexed: tuple[Library, IndexReport], corpus: dict[str, object]) -> None:
    library, _ = indexed
    assert_whole(library.index_dir, set(FOUND.values()) | {corpus["deep"]})


def test_a_second_refresh_changes_nothing(indexed: tuple[Library, IndexReport]) -> None:
    library, _ = indexed
    again = library.refresh()
    assert (again.indexed, again.removed) == ((), ())


def test_the_command_line_indexes_and_searches_the_same_corpus(
    capsys: pytest.CaptureFixture[str], corpus: dict[str, object], tmp_path: Path
) -> None:
    common = ("--corpus", str(corpus["root"]), "--index-dir", str(tmp_path / "cli-index"))
    code, out, err = run_cli(capsys, "index", "--no-analysis", "--json", *common)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["indexed"] == len(FOUND) + 1
    assert {"path": "image.txt", "reason": "a PNG image, not text"} in summary["skipped"]
    code, out, _ = run_cli(capsys, "search", "docmarkcp", "--json", *common)
    assert code == 0 and [hit["document"] for hit in json.loads(out)] == ["cp1252.txt"]
    code, out, _ = run_cli(capsys, "index", "--no-analysis", *common)
    assert code == 0 and "Traceback" not in out
