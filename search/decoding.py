"""Bytes to text: byte-order marks, UTF-16 without a BOM, legacy 8-bit encodings, binary files.

A document collection is whatever a user has lying around: UTF-8 with or without a BOM,
UTF-16 from Windows tools, Latin-1/cp1252 from old mail archives, and the odd PDF or PNG with a
``.txt`` name. Every byte string must become text (or a clear reason why it is not text), and
nothing may be dropped silently: when no encoding fits, the undecodable bytes become U+FFFD so
the reader can see where the damage is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

__all__ = ["binary_reason", "decode_bytes", "wide_encoding", "without_surrogates"]

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 little-endian one.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
"""(BOM, codec used after the BOM, encoding name reported)."""

_SAMPLE = 8192
"""How many leading bytes the NUL-pattern and binary sniffing look at."""

_WESTERN_SYMBOLS = frozenset("€‚„…†‡‰‹›‘’“”•–—™\xa0¡¢£¥§©«®°±´·ºª»¼½¾¿×÷¨¸µ²\xad")
"""Non-letters that Western European text really uses; ``³``, ``¹``, ``¤`` and friends are
what Central European or Cyrillic bytes turn into when misread as cp1252."""

_WESTERN_CODECS = frozenset(
    {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp850", "cp437", "mac_roman", "cp858"}
)
"""Detector answers that mean "some Western 8-bit encoding": cp1252 is read instead, because it
is a superset of printable Latin-1 and what Windows software actually wrote."""

# (magic prefix, what it is). Checked in order; the caller's file name refines ZIP and gzip.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "an executable program (ELF)"),
    (b"\xcf\xfa\xed\xfe", "an executable program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "an executable program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "a compiled program (Mach-O or Java class)"),
    (b"\x00asm", "a WebAssembly module"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls/.ppt)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (b"OggS\x00", "an Ogg audio/video file"),
    (b"fLaC\x00", "a FLAC audio file"),
    (b"ID3\x02", "an MP3 audio file"),
    (b"ID3\x03", "an MP3 audio file"),
    (b"ID3\x04", "an MP3 audio file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to NFC text with ``\\n`` line ends; return ``(text, encoding name)``.

    Order matters: BOMs are certain, UTF-16 without a BOM must be caught before UTF-8 (ASCII
    in UTF-16 is valid UTF-8 full of NULs), strict UTF-8 almost never accepts non-UTF-8 text by
    accident, and only then is guessing worth its cost. Never raises.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _finish(data[len(bom) :].decode(codec, errors="replace")), name
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data[:_SAMPLE])
        if utf16 is not None:
            return _finish(data.decode(utf16, errors="replace")), utf16
    try:
        return _finish(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    text, name = _decode_legacy(data)
    return _finish(text), name


def binary_reason(data: bytes, name: str) -> str | None:
    """Say why ``data`` is not a text document, in words for the user, or return None.

    Known file signatures come first (a PDF renamed ``.txt`` is still a PDF). ``name`` refines
    the answer: a ZIP called ``.docx`` is a Word document, and a gzip stream is not binary when
    the caller decompresses ``.gz`` files itself. Without a signature, text is recognised by its
    bytes: a BOM or the UTF-16 NUL pattern means text, and many NULs or other control bytes mean
    binary (a stray NUL in a text file is merely cleaned away later).
    """
    lower = name.lower()
    head = data[:_SAMPLE]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_reason(lower)
    if head.startswith(b"\x1f\x8b"):
        return None if lower.endswith(".gz") else "gzip-compressed data, not text"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "a bzip2-compressed file, not text"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"{what}, not text"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "an image, audio or video file (RIFF), not text"
    if head[4:8] == b"ftyp":
        return "an MP4/QuickTime media file, not text"
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "a Windows program (.exe/.dll), not text"
    if any(head.startswith(bom) for bom, _, _ in _BOMS):
        return None
    nuls = head.count(b"\x00")
    if nuls and _utf16_without_bom(head) is None and nuls > max(1, len(head) // 100):
        return f"binary data ({nuls} NUL bytes in the first {len(head)} bytes), not text"
    controls = sum(head.count(bytes((c,))) for c in _BINARY_CONTROLS)
    if head and controls > len(head) // 10:
        return "binary data (mostly control bytes), not text"
    return None


_BINARY_CONTROLS = tuple(c for c in range(32) if c not in (9, 10, 12, 13, 27, 0))
"""C0 bytes that text files do not contain (tab, newlines, form feed and ESC excepted; NUL
is judged on its own)."""


def wide_encoding(head: bytes) -> tuple[str, str, int] | None:
    """``(codec, encoding name, BOM length)`` when text starting with ``head`` is UTF-16 or
    UTF-32 (by its BOM, or UTF-16 by where its NULs fall), else None.

    Such text cannot be split into lines as bytes: a stream of it is decoded as it is read.
    """
    for bom, codec, name in _BOMS:
        if head.startswith(bom):
            return None if codec == "utf-8" else (codec, name, len(bom))
    if b"\x00" in head[:_SAMPLE]:
        utf16 = _utf16_without_bom(head[:_SAMPLE])
        if utf16 is not None:
            return utf16, utf16, 0
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD.

    Lone surrogates are how Python names the bytes of a file name that are not UTF-8, and what
    a JSON escape like ``"\\ud800"`` decodes to. No UTF-8 writer accepts them: not Whoosh, not
    SQLite, not a terminal; one of them in an id stopped a whole corpus from being indexed.
    """
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _zip_reason(lower_name: str) -> str:
    """Name the usual ZIP-based formats so the user knows which program made the file."""
    for suffix, what in (
        (".docx", "a Word document (.docx)"),
        (".xlsx", "an Excel workbook (.xlsx)"),
        (".pptx", "a PowerPoint presentation (.pptx)"),
        (".odt", "an OpenDocument text (.odt)"),
        (".epub", "an EPUB e-book"),
    ):
        if lower_name.endswith(suffix):
            return f"{what}: a ZIP archive, not plain text"
    return "a ZIP archive (or a .docx/.xlsx/.odt document), not plain text"


def _utf16_without_bom(sample: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by where its NULs fall.

    Text that is mostly ASCII has a NUL in every other byte: odd offsets for little-endian,
    even offsets for big-endian. Binary files have NULs everywhere or in runs.
    """
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= pairs * 0.4 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.4 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode bytes that are not UTF-8: cp1252 when it reads as Western text, else a guess.

    charset-normalizer alone is unreliable on short Western texts (it calls a lone ``£``
    Japanese cp932, and ``café`` UTF-16), so cp1252 is tried first and accepted only when the
    result looks like Western European text; only then is the detector asked. Before all
    that, UTF-8 with a few damaged bytes stays UTF-8 (with U+FFFD marking the damage): its
    valid multi-byte characters would turn into mojibake under any 8-bit reading.
    """
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for ch in lenient if ch > "\x7f") - damaged
    if multibyte > 0 and damaged <= multibyte:
        return lenient, "utf-8"
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _looks_western(western):
        return western, "cp1252"
    best = from_bytes(data).best()
    if best is not None:
        encoding = best.encoding
        if encoding in _WESTERN_CODECS and western is not None:
            return western, "cp1252"
        try:
            return data.decode(encoding, errors="replace"), encoding.replace("_", "-")
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace"), "utf-8"


def _looks_western(text: str) -> bool:
    """True when the non-ASCII characters of a cp1252 reading are plausible Western text.

    Western European text has accented letters and typographic punctuation here and there;
    Cyrillic, Greek or Central European bytes misread as cp1252 give long runs of accented
    letters ("Ïðèâåò") or odd symbols ("Za¿ó³æ").
    """
    high = odd = in_runs = 0
    for run in _NON_ASCII_RUN.findall(text):
        high += len(run)
        if len(run) >= 3:
            in_runs += len(run)
        odd += sum(1 for ch in run if not (ch.isalpha() or ch in _WESTERN_SYMBOLS))
    if high == 0:
        return True
    return odd <= high * 0.05 and in_runs <= high * 0.1 and high <= len(text) * 0.3


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _finish(text: str) -> str:
    """One newline convention and one Unicode normal form, so offsets and hashes agree."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
