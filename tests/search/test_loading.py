"""The corpus walk and reading: every odd file a real folder holds, and the real BBC folder."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import search.jsonl_records
from search.files import CHUNK_BYTES
from search.jsonl_records import jsonl_lines
from search.loading import (
    GZIP_MOST_BYTES,
    GZIP_MOST_RATIO,
    MAX_DOCUMENT_BYTES,
    SUPPORTED_SUFFIXES,
    SourceFile,
    bundled_seeds,
    content_digest,
    iter_sources,
    read_source,
)
from search.records import SourceDocument, Skipped, Unchanged

CORPORA = Path(__file__).resolve().parents[2].parent / "shared/corpora"

TITLE = "A Pivotal Moment for South Korea and China"
BODY = (
    "The decision by South Korea and China to initiate their first round of diplomatic and "
    "security dialogue represents a pivotal moment for both nations."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _walk(corpus: Path) -> tuple[list[SourceFile], list[Skipped]]:
    items = list(iter_sources(corpus))
    return (
        [i for i in items if isinstance(i, SourceFile)],
        [i for i in items if isinstance(i, Skipped)],
    )


def _read(path: Path, corpus: Path | None = None) -> list[SourceDocument | Skipped]:
    """Read one file as the walk of ``corpus`` (default: the file alone) finds it."""
    sources, _ = _walk(corpus or path)
    (source,) = [s for s in sources if s.path == path]
    return list(read_source(source))


def _one(path: Path) -> SourceDocument | Skipped:
    (item,) = _read(path)
    return item


def _docs(items: Iterable[SourceDocument | Skipped]) -> list[SourceDocument]:
    return [i for i in items if isinstance(i, SourceDocument)]


def _skips(items: Iterable[SourceDocument | Skipped]) -> list[Skipped]:
    return [i for i in items if isinstance(i, Skipped)]


# --- the walk --------------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    expected = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz",
                ".ndjson", ".ndjson.gz"}  # fmt: skip
    assert set(SUPPORTED_SUFFIXES) == expected


def test_bundled_seeds_holds_the_two_seed_documents() -> None:
    names = sorted(p.name for p in bundled_seeds().iterdir())
    assert names == ["000_dee7f317bebf9e16.txt", "004_8c6d034b33b3b9e9.txt"]


def test_nested_folders_are_walked_sorted_with_slash_relative_paths(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "a/y.md", "a/deeper/x.html", "top.jsonl", "c.TXT"]:
        _write(tmp_path / rel, BODY)
    sources, skipped = _walk(tmp_path)
    rels = ["a/deeper/x.html", "a/y.md", "b/z.txt", "c.TXT", "top.jsonl"]
    assert [s.rel for s in sources] == rels
    assert [s.kind for s in sources] == ["html", "markdown", "text", "text", "jsonl"]
    assert skipped == []
    assert all(s.path.is_absolute() and s.path.is_file() for s in sources)
    assert sources[2].size == len(BODY) and sources[2].mtime_ns > 0


def test_the_walk_is_stable_across_two_runs(tmp_path: Path) -> None:
    for index in range(30):
        _write(tmp_path / f"d{index % 4}" / f"f{index}.txt", f"{BODY} {index}")
    assert list(iter_sources(tmp_path)) == list(iter_sources(tmp_path))


def test_the_walk_never_opens_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "sub" / "b.md", BODY)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("iter_sources opened a file")

    monkeypatch.setattr("builtins.open", forbidden)
    monkeypatch.setattr("io.open", forbidden)
    assert [s.rel for s in _walk(tmp_path)[0]] == ["a.txt", "sub/b.md"]


def test_hidden_and_unsupported_entries_are_skipped_with_reasons(tmp_path: Path) -> None:
    _write(tmp_path / ".git" / "config.txt", BODY)
    _write(tmp_path / ".notes.txt", BODY)
    _write(tmp_path / "paper.pdf", b"%PDF-1.7")
    _write(tmp_path / "Makefile", "all:")
    _write(tmp_path / "keep.txt", BODY)
    sources, skipped = _walk(tmp_path)
    assert [s.rel for s in sources] == ["keep.txt"]
    reasons = {s.path: s.reason for s in skipped}
    assert set(reasons) == {".git", ".notes.txt", "paper.pdf", "Makefile"}
    assert "hidden folder" in reasons[".git"]
    assert "hidden file" in reasons[".notes.txt"]
    assert reasons["paper.pdf"] == "unsupported file type (.pdf)"
    assert "no extension" in reasons["Makefile"]


def test_broken_symlink_and_symlink_loop_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "real.txt", BODY)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    sources, skipped = _walk(tmp_path)
    assert [s.rel for s in sources] == ["real.txt"]
    reasons = {s.path: s.reason for s in skipped}
    assert "broken symbolic link" in reasons["broken.txt"]
    assert "loop" in reasons["sub/up"]
    assert "loop" in reasons["self.txt"]


def test_symlinked_file_is_read_through_its_link(tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "article.txt", BODY)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "linked.txt").symlink_to(outside)
    sources, _ = _walk(corpus)
    assert [(s.rel, s.path) for s in sources] == [("linked.txt", corpus / "linked.txt")]


def test_unreadable_folder_is_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    _write(locked / "secret.txt", BODY)
    _write(tmp_path / "open.txt", BODY)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        sources, skipped = _walk(tmp_path)
        assert [s.rel for s in sources] == ["open.txt"]
        assert skipped == [Skipped("locked", "folder cannot be read (permission denied)")]
    finally:
        locked.chmod(0o755)


def test_single_file_corpus(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep" / "only.txt", f"{TITLE}\n\n{BODY}")
    sources, skipped = _walk(path)
    assert [(s.rel, s.kind) for s in sources] == [("only.txt", "text")]
    assert skipped == []
    (document,) = _docs(read_source(sources[0]))
    assert document.id == "only.txt"
    assert document.title == TITLE


def test_single_file_corpus_of_an_unsupported_type(tmp_path: Path) -> None:
    path = _write(tmp_path / "photo.png", PNG)
    assert list(iter_sources(path)) == [Skipped("photo.png", "unsupported file type (.png)")]


def test_missing_corpus_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(iter_sources(tmp_path / "nowhere"))


# --- reading documents -----------------------------------------------------------------------


def test_text_document_fields(tmp_path: Path) -> None:
    raw = f"{TITLE}\n\n{BODY}\n".encode()
    path = _write(tmp_path / "news" / "korea_china.txt", raw)
    (document,) = _docs(_read(path, tmp_path))
    assert document.id == "news/korea_china.txt"
    assert document.title == TITLE
    assert document.text == f"{TITLE}\n\n{BODY}"
    assert document.path == str(path)
    assert document.size == len(raw)
    assert document.digest == content_digest(raw)
    assert document.modified == pytest.approx(path.stat().st_mtime, abs=1e-3)
    assert document.encoding == "utf-8"


def test_digest_changes_with_content_and_only_then(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", BODY)
    first = _one(path)
    again = _one(path)
    _write(path, BODY + " More.")
    changed = _one(path)
    assert isinstance(first, SourceDocument) and isinstance(changed, SourceDocument)
    assert first == again
    assert first.digest != changed.digest


def test_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "trade_talks_2024.txt", f"{BODY} {BODY}")
    document = _one(path)
    assert isinstance(document, SourceDocument)
    assert document.title == "trade talks 2024"


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\t\n  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
)
def test_empty_and_whitespace_files_are_skipped(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path / "blank.txt", content)
    assert _one(path) == Skipped("blank.txt", "empty")


def test_png_renamed_txt_is_skipped_as_binary(tmp_path: Path) -> None:
    skipped = _one(_write(tmp_path / "photo.txt", PNG))
    assert isinstance(skipped, Skipped)
    assert "PNG" in skipped.reason


def test_pdf_renamed_md_is_skipped_as_binary(tmp_path: Path) -> None:
    skipped = _one(_write(tmp_path / "paper.md", b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj"))
    assert isinstance(skipped, Skipped)
    assert "PDF" in skipped.reason


def test_file_full_of_nul_bytes_is_skipped(tmp_path: Path) -> None:
    skipped = _one(_write(tmp_path / "dump.txt", b"abc" + bytes(500) + b"def"))
    assert isinstance(skipped, Skipped)
    assert "NUL" in skipped.reason


def test_a_few_nul_bytes_are_cleaned_away(tmp_path: Path) -> None:
    document = _one(_write(tmp_path / "a.txt", BODY.encode().replace(b" ", b" \x00", 1)))
    assert isinstance(document, SourceDocument)
    assert document.text == BODY


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + f"{TITLE}\r\n\r\n“{BODY}”".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + f"{TITLE}\r\n\r\n“{BODY}”".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + f"{TITLE}\n\n“{BODY}”".encode("utf-16-be"), "utf-16-be"),
        (f"{TITLE}\r\n\r\n“{BODY}”".encode("utf-16-le"), "utf-16-le"),
        (f"{TITLE}\r\r“{BODY}”".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_decode_to_the_same_document(tmp_path: Path, data: bytes, encoding: str) -> None:
    document = _one(_write(tmp_path / "doc.txt", data))
    assert isinstance(document, SourceDocument)
    assert document.encoding == encoding
    assert document.title == TITLE
    assert document.text == f"{TITLE}\n\n“{BODY}”"


def test_latin1_file(tmp_path: Path) -> None:
    raw = "Chelsea sack Mutu\n\nMutu, a £15.8m signing, left the café.".encode("latin-1")
    document = _one(_write(tmp_path / "199.txt", raw))
    assert isinstance(document, SourceDocument)
    assert "£15.8m" in document.text and "café" in document.text


def test_invalid_utf8_bytes_do_not_lose_the_document(tmp_path: Path) -> None:
    raw = f"{TITLE}\n\nnaïve — {BODY}".encode() + b"\xff"
    document = _one(_write(tmp_path / "bad.txt", raw))
    assert isinstance(document, SourceDocument)
    assert document.text.startswith(f"{TITLE}\n\nnaïve — The decision")


def test_escape_sequences_in_a_file_are_stripped(tmp_path: Path) -> None:
    raw = (
        f"\x1b[1;31m{TITLE}\x1b[0m\x07\n\n"
        "See \x1b]8;;https://evil.example\x1b\\the report\x1b]8;;\x1b\\."
        f"\x1b]52;c;cm0gLXJm\x07 {BODY}"
    )
    document = _one(_write(tmp_path / "ansi.txt", raw))
    assert isinstance(document, SourceDocument)
    assert document.title == TITLE
    assert document.text == f"{TITLE}\n\nSee the report. {BODY}"


def test_markup_like_text_is_kept_literally(tmp_path: Path) -> None:
    document = _one(_write(tmp_path / "markup.txt", f"[bold]x[/] and [red]y[/red]\n\n{BODY}"))
    assert isinstance(document, SourceDocument)
    assert document.text.startswith("[bold]x[/] and [red]y[/red]\n\n")


def test_html_and_markdown_files(tmp_path: Path) -> None:
    page = f"<title>{TITLE} | Site</title><h1>{TITLE}</h1><p>{BODY}</p>"
    html = _write(tmp_path / "page.html", page)
    markdown = _write(tmp_path / "note.md", f"# {TITLE}\n\n{BODY}\n")
    for path in (html, markdown):
        document = _one(path)
        assert isinstance(document, SourceDocument)
        assert document.title == TITLE
        assert document.text == f"{TITLE}\n\n{BODY}"


def test_permission_denied_file_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "secret.txt", BODY)
    (source,) = _walk(path)[0]
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        denied = Skipped("secret.txt", "cannot be read (permission denied)")
        assert list(read_source(source)) == [denied]
    finally:
        path.chmod(0o644)


def test_permission_error_while_reading_is_skipped_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as above, simulated, so it is also tested where root reads everything."""
    path = _write(tmp_path / "secret.txt", BODY)
    (source,) = _walk(path)[0]
    real_open = os.open

    def guarded(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("os.open", guarded)
    denied = Skipped("secret.txt", "cannot be read (permission denied)")
    assert list(read_source(source)) == [denied]


def test_unreadable_folder_is_skipped_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "locked" / "secret.txt", BODY)
    _write(tmp_path / "open.txt", BODY)
    real_scandir = os.scandir

    def guarded(path: object) -> object:
        if Path(str(path)) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", guarded)
    sources, skipped = _walk(tmp_path)
    assert [s.rel for s in sources] == ["open.txt"]
    assert skipped == [Skipped("locked", "folder cannot be read (permission denied)")]


def test_file_vanishing_after_the_walk_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "gone.txt", BODY)
    (source,) = _walk(tmp_path)[0]
    path.unlink()
    (skipped,) = read_source(source)
    assert isinstance(skipped, Skipped)
    assert skipped.path == "gone.txt" and "disappeared" in skipped.reason


def test_reading_writes_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "b.jsonl.gz", gzip.compress(json.dumps({"text": BODY}).encode()))
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    for source in _walk(tmp_path)[0]:
        list(read_source(source))
    assert sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before


# --- JSONL -----------------------------------------------------------------------------------


def _jsonl(*lines: object) -> bytes:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines).encode()


def test_jsonl_records_become_documents(tmp_path: Path) -> None:
    raw = _jsonl(
        {"id": "bbc:001", "title": "Ad sales boost Time Warner profit", "text": BODY,
         "source": "bbc", "year": 2004, "tags": ["a", "b"], "extra": None},
        {"id": 7, "body": BODY},
        {"content": f"{TITLE}\n\n{BODY}"},
    )  # fmt: skip
    path = _write(tmp_path / "set" / "news.jsonl", raw)
    first, second, third = _read(path, tmp_path)
    assert isinstance(first, SourceDocument)
    assert first.id == "set/news.jsonl#bbc:001"
    assert first.title == "Ad sales boost Time Warner profit"
    assert first.text == BODY
    metadata = {"source": "bbc", "year": "2004", "tags": '["a", "b"]', "extra": ""}
    assert dict(first.metadata) == metadata
    line = raw.split(b"\n")[0]
    assert first.size == len(line) and first.digest == content_digest(line)
    assert isinstance(second, SourceDocument) and second.id == "set/news.jsonl#7"
    assert isinstance(third, SourceDocument)
    assert third.id == "set/news.jsonl#line-3"
    assert third.title == TITLE


def test_jsonl_bad_lines_are_skipped_and_the_rest_loads(tmp_path: Path) -> None:
    raw = _jsonl(
        {"id": "ok-1", "text": BODY},
        '{"id": "broken", "text": "no closing brace"',
        '["a", "list"]',
        {"id": "no-text", "title": "Nothing"},
        {"id": "list-text", "text": ["a", "b"]},
        {"id": ["bad"], "text": BODY},
        {"id": "num-title", "title": 3, "text": BODY},
        {"id": "ok-1", "text": "duplicate"},
        {"id": "empty-text", "text": "   "},
        "",
        {"id": "ok-2", "text": BODY},
    )
    path = _write(tmp_path / "data.jsonl", raw)
    items = _read(path)
    assert [d.id for d in _docs(items)] == ["data.jsonl#ok-1", "data.jsonl#ok-2"]
    reasons = {s.path: s.reason for s in _skips(items)}
    assert set(reasons) == {f"data.jsonl:{n}" for n in range(2, 10)}
    assert reasons["data.jsonl:2"].startswith("not valid JSON")
    assert reasons["data.jsonl:3"] == "a JSON list, not an object"
    assert "no text" in reasons["data.jsonl:4"]
    assert reasons["data.jsonl:5"] == "'text' is a list; expected a string"
    assert reasons["data.jsonl:6"] == "'id' is a list; expected a string or number"
    assert reasons["data.jsonl:7"] == "'title' is a number; expected a string"
    assert reasons["data.jsonl:8"] == "duplicate id 'ok-1' (first used on line 1)"
    assert "no text" in reasons["data.jsonl:9"]


def test_jsonl_gzip_and_ndjson(tmp_path: Path) -> None:
    raw = _jsonl({"id": "a", "text": BODY}, {"id": "b", "text": BODY})
    _write(tmp_path / "records.jsonl.gz", gzip.compress(raw))
    _write(tmp_path / "records.ndjson", raw)
    ids = [d.id for s in _walk(tmp_path)[0] for d in _docs(read_source(s))]
    assert ids == [
        "records.jsonl.gz#a",
        "records.jsonl.gz#b",
        "records.ndjson#a",
        "records.ndjson#b",
    ]


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    raw = _jsonl(*({"id": n, "text": f"{BODY} {n}"} for n in range(2000)))
    packed = gzip.compress(raw)
    path = _write(tmp_path / "cut.jsonl.gz", packed[: len(packed) // 2])
    items = _read(path)
    documents = _docs(items)
    assert 0 < len(documents) < 2000
    assert [d.id for d in documents[:2]] == ["cut.jsonl.gz#0", "cut.jsonl.gz#1"]
    assert any("cut short" in s.reason for s in _skips(items))


def test_jsonl_ids_are_stable_across_reads(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", _jsonl({"text": BODY}, {"id": "x", "text": BODY}))
    assert _read(path) == _read(path)


def test_jsonl_records_the_index_holds_are_not_cleaned_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _jsonl({"id": "a", "text": BODY}, {"id": "b", "text": BODY}, {"id": "a", "text": "dup"})
    path = _write(tmp_path / "news.jsonl", raw)
    (source,) = _walk(path)[0]
    first, second, duplicate = read_source(source)
    known = {first.id: first.digest, second.id: "an older digest"}
    cleaned: list[str] = []
    real = search.jsonl_records.clean_text
    monkeypatch.setattr(
        search.jsonl_records, "clean_text", lambda *a, **k: cleaned.append(1) or real(*a, **k)
    )
    again = list(read_source(source, known))
    assert again == [Unchanged("news.jsonl#a"), second, duplicate]
    assert len(cleaned) == 1, "only the changed record is cleaned"


def test_jsonl_text_is_cleaned_like_any_text(tmp_path: Path) -> None:
    record = {
        "id": "esc",
        "title": "\x1b[31mRed title\x1b[0m",
        "text": "top of page\n\x1b]52;c;eA==\x07" + BODY,
    }
    (document,) = _read(_write(tmp_path / "a.jsonl", _jsonl(record)))
    assert isinstance(document, SourceDocument)
    assert document.title == "Red title"
    assert document.text == BODY


# --- JSONL as a stream, and files that change under the reader ------------------------------


@given(
    data=st.lists(st.sampled_from([b"a", b"{}", b"\n", b"\r", b"\xc3\xa9", b"\xe9", b" "]), max_size=40),
    chunk=st.integers(1, 7),
    most=st.integers(0, 9),
)
def test_jsonl_lines_split_as_a_stream_are_the_lines_of_the_whole(
    data: list[bytes], chunk: int, most: int
) -> None:
    whole = b"".join(data)
    expected: list[tuple[int, bytes | None]] = []
    for number, line in enumerate(whole.split(b"\n"), start=1):
        if len(line) > most:
            expected.append((number, None))
        elif line.rstrip(b"\r").strip():
            expected.append((number, line.rstrip(b"\r")))
    if whole.endswith(b"\n") or not whole:
        expected = [e for e in expected if e[0] <= whole.count(b"\n")]
    chunks = [whole[start : start + chunk] for start in range(0, len(whole), chunk)]
    got = [
        (line.path, None) if isinstance(line, Skipped) else (line[0], line[1])
        for line in jsonl_lines(chunks, most, "f")
    ]
    assert got == [(f"f:{n}", None) if raw is None else (n, raw) for n, raw in expected]


def test_jsonl_records_across_chunk_boundaries_are_read_whole(tmp_path: Path) -> None:
    records = [{"id": n, "text": f"{BODY} {n} " + "filler " * 20_000} for n in range(30)]
    raw = _jsonl(*records)
    assert len(raw) > 3 * CHUNK_BYTES
    documents = _docs(_read(_write(tmp_path / "big.jsonl", raw)))
    assert [d.id for d in documents] == [f"big.jsonl#{n}" for n in range(30)]
    assert [d.digest for d in documents] == [content_digest(line) for line in raw.split(b"\n")]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, b""])
def test_utf16_jsonl_is_decoded_as_it_is_read(tmp_path: Path, bom: bytes) -> None:
    lines = [json.dumps({"id": n, "text": f"déjà vu {n} " + "mot " * 100_000}) for n in range(6)]
    raw = bom + "\r\n".join(lines).encode("utf-16-le")
    assert len(raw) > 2 * CHUNK_BYTES
    documents = _docs(_read(_write(tmp_path / "wide.jsonl", raw)))
    assert [d.id for d in documents] == [f"wide.jsonl#{n}" for n in range(6)]
    assert {d.encoding for d in documents} == {"utf-16-le"}
    assert [d.digest for d in documents] == [content_digest(line.encode()) for line in lines]
    assert documents[0].text.startswith("déjà vu 0 mot")


def test_a_line_over_the_cap_is_skipped_and_the_lines_after_it_load(tmp_path: Path) -> None:
    long_line = b'{"id": "long", "text": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}'
    raw = _jsonl({"id": "before", "text": BODY}) + b"\n" + long_line + b"\n"
    raw += _jsonl({"id": "after", "text": BODY})
    path = _write(tmp_path / "capped.jsonl.gz", gzip.compress(raw, compresslevel=1))
    items = _read(path)
    assert [d.id for d in _docs(items)] == ["capped.jsonl.gz#before", "capped.jsonl.gz#after"]
    assert _skips(items) == [Skipped("capped.jsonl.gz:2", "line longer than 64 MiB: not read")]


def test_a_gzip_that_expands_beyond_its_cap_keeps_the_records_before(tmp_path: Path) -> None:
    records = _jsonl(*({"id": n, "text": f"{BODY} {n}"} for n in range(3))) + b"\n"
    member = gzip.compress(b"a" * 2**24, compresslevel=9)  # 16 MiB in 16 kB
    path = _write(tmp_path / "bomb.jsonl.gz", gzip.compress(records) + member * 64)
    assert max(GZIP_MOST_BYTES, GZIP_MOST_RATIO * path.stat().st_size) == 256 * 2**20 < 2**30
    items = _read(path)
    assert [d.id for d in _docs(items)] == [f"bomb.jsonl.gz#{n}" for n in range(3)]
    assert [(s.path, s.reason[:32]) for s in _skips(items)] == [
        ("bomb.jsonl.gz:4", "line longer than 64 MiB: not rea"),
        ("bomb.jsonl.gz", "expands to more than 256 MiB (a "),
    ]


def test_a_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    parts = [_jsonl({"id": n, "text": f"{BODY} {n}"}) + b"\n" for n in range(3)]
    path = _write(tmp_path / "members.jsonl.gz", b"".join(gzip.compress(p) for p in parts))
    assert [d.id for d in _docs(_read(path))] == [f"members.jsonl.gz#{n}" for n in range(3)]


@pytest.mark.parametrize("name", ["doc.txt", "records.jsonl"])
def test_a_file_replaced_by_a_pipe_after_the_walk_is_skipped(tmp_path: Path, name: str) -> None:
    """``open`` on a pipe waits for a writer forever; the reader never opens one that way."""
    path = _write(tmp_path / name, _jsonl({"text": BODY}))
    (source,) = _walk(tmp_path)[0]
    path.unlink()
    os.mkfifo(path)
    assert list(read_source(source)) == [Skipped(name, "not a regular file (a pipe, socket or device)")]


def test_a_file_replaced_by_a_link_to_a_device_after_the_walk_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "zero.txt", BODY)
    (source,) = _walk(tmp_path)[0]
    path.unlink()
    path.symlink_to("/dev/zero")
    assert list(read_source(source)) == [Skipped("zero.txt", "not a regular file (a pipe, socket or device)")]


def test_a_file_grown_past_the_cap_after_the_walk_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "grown.txt", BODY)
    (source,) = _walk(tmp_path)[0]
    os.truncate(path, MAX_DOCUMENT_BYTES + 1)  # sparse: no disk used
    (skipped,) = read_source(source)
    assert skipped == Skipped("grown.txt", "too large for one document (64 MiB)")


# --- real corpora ----------------------------------------------------------------------------


@pytest.mark.skipif(not (CORPORA / "bbc").is_dir(), reason="shared corpora not present")
def test_real_bbc_folder_loads_completely() -> None:
    documents: list[SourceDocument] = []
    skipped: list[Skipped] = []
    for item in iter_sources(CORPORA / "bbc"):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        for result in read_source(item):
            (documents if isinstance(result, SourceDocument) else skipped).append(result)
    articles = [d for d in documents if d.id.endswith(".txt")]
    assert len(articles) == 2225
    assert [s for s in skipped if not s.path.lower().startswith("readme")] == []
    assert len({d.id for d in documents}) == len(documents)
    mutu = next(d for d in articles if d.id == "sport/199.txt")
    assert mutu.encoding == "cp1252"
    assert mutu.title == "Chelsea sack Mutu"
    assert "£15.8m" in mutu.text and "\ufffd" not in mutu.text
    first = next(d for d in articles if d.id == "business/001.txt")
    assert first.title == "Ad sales boost Time Warner profit"
    assert first.text.startswith("Ad sales boost Time Warner profit\n\nQuarterly profits")
