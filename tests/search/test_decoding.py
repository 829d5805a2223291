"""Bytes to text: every encoding a real collection holds, and the files that are not text."""

from __future__ import annotations

import codecs
import gzip
import random
import zipfile
from io import BytesIO

import pytest

from search.decoding import binary_reason, decode_bytes

SENTENCE = "The decision by South Korea and China to initiate their first round of dialogue."
CURLY = "China being South Korea’s largest trading partner — “a pivotal moment” worth €5bn…"


# --- decode_bytes ----------------------------------------------------------------------------


def test_plain_utf8_is_returned_as_is() -> None:
    assert decode_bytes(CURLY.encode("utf-8")) == (CURLY, "utf-8")


def test_utf8_bom_is_removed_and_reported() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + SENTENCE.encode("utf-8"))
    assert text == SENTENCE
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str, name: str) -> None:
    text, encoding = decode_bytes(bom + CURLY.encode(codec))
    assert text == CURLY
    assert encoding == name


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_nul_bytes(codec: str) -> None:
    text, encoding = decode_bytes(("Café society\r\n" + SENTENCE).encode(codec))
    assert text == "Café society\n" + SENTENCE
    assert encoding == codec


def test_cp1252_curly_quotes_and_euro() -> None:
    text, encoding = decode_bytes(CURLY.encode("cp1252"))
    assert text == CURLY
    assert encoding == "cp1252"


def test_latin1_pound_sign_as_in_bbc_sport_199() -> None:
    raw = "Chelsea sack Mutu\n\nMutu, a £15.8m signing from Parma, was sacked.".encode("latin-1")
    text, encoding = decode_bytes(raw)
    assert "£15.8m" in text
    assert encoding == "cp1252"  # a superset of printable Latin-1


def test_short_western_text_is_not_mistaken_for_an_asian_encoding() -> None:
    assert decode_bytes(b"caf\xe9") == ("café", "cp1252")


def test_cyrillic_legacy_text_is_not_forced_into_cp1252() -> None:
    russian = "Привет, как дела? Это тестовый текст на русском языке для проверки."
    text, encoding = decode_bytes(russian.encode("cp1251"))
    assert text == russian
    assert encoding != "cp1252"


def test_invalid_bytes_in_utf8_text_are_marked_not_dropped() -> None:
    raw = "naïve café — ok ".encode() + b"\xff\xfe" + b" the end"
    text, encoding = decode_bytes(raw)
    assert encoding == "utf-8"
    assert text.startswith("naïve café — ok ")
    assert text.endswith(" the end")
    assert "\ufffd" in text


def test_mixed_line_endings_become_newlines() -> None:
    text, _ = decode_bytes(b"one\r\ntwo\rthree\nfour")
    assert text == "one\ntwo\nthree\nfour"


def test_text_is_normalised_to_nfc() -> None:
    text, _ = decode_bytes("Cafe\u0301".encode())  # e + combining acute
    assert text == "Café"
    assert len(text) == 4


def test_random_bytes_never_raise() -> None:
    generator = random.Random(7)
    for size in (1, 2, 3, 17, 256, 4096):
        data = bytes(generator.randrange(256) for _ in range(size))
        text, encoding = decode_bytes(data)
        assert isinstance(text, str) and encoding
        assert "\r" not in text


def test_empty_bytes() -> None:
    assert decode_bytes(b"") == ("", "utf-8")


# --- binary_reason ---------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "photo.txt", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "paper.txt", "PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "scan.txt", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "anim.txt", "GIF"),
        (b"\x7fELF\x02\x01\x01" + bytes(32), "tool.txt", "ELF"),
        (_zip_bytes(), "report.docx", "Word"),
        (_zip_bytes(), "notes.txt", "ZIP"),
        (gzip.compress(b"hello"), "notes.txt", "gzip"),
    ],
)
def test_known_binary_formats_are_named(data: bytes, name: str, expected: str) -> None:
    reason = binary_reason(data, name)
    assert reason is not None
    assert expected in reason


def test_gzip_is_fine_when_the_caller_decompresses_gz_files() -> None:
    assert binary_reason(gzip.compress(b'{"id": 1}\n'), "records.jsonl.gz") is None


def test_many_nul_bytes_mean_binary() -> None:
    data = b"header" + bytes(200) + b"\x01\x02\x03payload" * 20
    reason = binary_reason(data, "data.txt")
    assert reason is not None and "NUL" in reason


def test_utf16_text_with_its_nul_bytes_is_not_binary() -> None:
    assert binary_reason(SENTENCE.encode("utf-16-le"), "notes.txt") is None
    assert binary_reason(codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"), "notes.txt") is None


def test_a_stray_nul_in_text_is_not_binary() -> None:
    assert binary_reason(SENTENCE.encode() + b"\x00" + SENTENCE.encode(), "notes.txt") is None


@pytest.mark.parametrize(
    "text",
    [SENTENCE, "ID3 tags are metadata in MP3 files.", "MZ is a postcode prefix.", "[bold]x[/]"],
)
def test_ordinary_text_is_not_binary(text: str) -> None:
    assert binary_reason(text.encode(), "notes.txt") is None


def test_ansi_coloured_text_is_still_text() -> None:
    assert binary_reason(b"\x1b[31mred\x1b[0m and plain\n" * 10, "log.txt") is None
