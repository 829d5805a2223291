"""Strings from outside the program made safe to show: one definition of what a terminal obeys.

A terminal acts on control characters instead of showing them: ESC starts a sequence that can
set the window title (OSC 2), write the clipboard (OSC 52) or clear the screen (CSI 2J); BEL
rings; 8-bit C1 characters (``\\x9b`` is CSI) do the same as their ESC forms on many terminals;
bidi overrides make a line read differently from the string it holds. Document text loses them
when it is cleaned (``search.cleaning``), but file and folder names, JSONL fields, config values
and error text reach the screen as they are, so everything shown passes through here:

* ``UNSAFE`` is the one character class; cleaning removes it, the reader blanks it (offsets
  stay put), and the command line and the explorer's widgets show it as visible symbols.
* ``visible`` turns each such character into one symbol (ESC shows as ␛), so a name stays
  recognisable and offsets into it (highlight spans) still hold.
* ``bounded`` cuts a string to a length with an ellipsis: a 1 MB title or metadata value would
  otherwise be measured and wrapped on every repaint.

Plain strings only: the engine knows nothing of the terminal's libraries.
"""

from __future__ import annotations

import re

__all__ = [
    "ELLIPSIS",
    "LINE_CHARS",
    "UNSAFE",
    "UNSAFE_CODES",
    "blanked",
    "bounded",
    "shown_line",
    "symbol",
    "unsafe_except",
    "visible",
]

_RANGES = ((0x00, 0x1F), (0x7F, 0x9F), (0x202A, 0x202E), (0x2066, 0x2069), (0xD800, 0xDFFF))
"""C0 controls, DEL and C1 controls, the bidi embeddings and overrides, the bidi isolates:
every character a terminal obeys (or reorders a line by) rather than shows; and lone
surrogates, which are how Python names the bytes of a path that are not UTF-8 (a corpus folder
named ``caf\xe9``): written out, they reach the terminal as raw bytes, or fail to encode."""

UNSAFE_CODES: frozenset[int] = frozenset(
    code for first, last in _RANGES for code in range(first, last + 1)
)
"""The code points of ``_RANGES``, for ``str.translate``."""


def unsafe_except(keep: str = "") -> re.Pattern[str]:
    """A pattern for one unsafe character, leaving out those in ``keep`` (cleaning keeps the
    newline and the tab of a document)."""
    kept = {ord(char) for char in keep}
    codes = sorted(UNSAFE_CODES - kept)
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


UNSAFE = unsafe_except()
"""One unsafe character, for finding and replacing."""

ELLIPSIS = "…"
"""Marks where ``bounded`` cut a string."""


def symbol(char: str) -> str:
    """The visible stand-in for one unsafe character: Unicode's control pictures for C0
    (␀ … ␛ … ␟), ␡ for DEL, and the replacement character for C1 and bidi controls,
    which have no pictures, and for the undecodable bytes of a name."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def visible(text: str, keep: str = "") -> str:
    """``text`` with each unsafe character shown as one symbol (same length, so offsets into
    it still hold). ``keep`` lists characters to leave, such as a newline in a multi-line cell."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(lambda m: m.group() if m.group() in keep else symbol(m.group()), text)


_BLANKS = {code: " " for code in UNSAFE_CODES if chr(code) not in "\n\t"}
_TEXT_UNSAFE = unsafe_except(keep="\n\t")


def blanked(text: str) -> str:
    """``text`` with each unsafe character but newline and tab replaced by a space, for text
    whose look matters more than its oddities (a document's body: cleaning already removed
    them, so this only guards). Same length, so offsets still hold."""
    if not _TEXT_UNSAFE.search(text):
        return text
    return text.translate(_BLANKS)


def bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


LINE_CHARS = 500
"""The most of an outside string shown on one line of a widget (a title, a path, a metadata
value): more than any screen is wide, far less than a 1 MB field."""


def shown_line(text: str, limit: int = LINE_CHARS) -> str:
    """An outside string as one safe line: bounded, line breaks as spaces, controls as symbols.

    Line breaks become spaces rather than ␊ because a title or a message with a newline in it
    reads naturally that way; every other control character stays visible."""
    text = bounded(text, limit)
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return visible(text)
