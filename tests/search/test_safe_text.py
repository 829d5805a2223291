"""The one sanitiser for strings from outside the program: one class of unsafe characters,
shown as symbols, blanked or removed, and long strings bounded."""

from __future__ import annotations

import re

from search.cleaning import strip_controls
from search.safe_text import (
    ELLIPSIS,
    UNSAFE,
    UNSAFE_CODES,
    blanked,
    bounded,
    shown_line,
    unsafe_except,
    visible,
)
from tui.cli_output import shown
from tui.reader import plain

EVERY_UNSAFE = "".join(chr(code) for code in sorted(UNSAFE_CODES))


def test_the_class_is_c0_del_c1_bidi_controls_and_lone_surrogates() -> None:
    expected = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
    assert {code for code in range(0x110000) if expected.match(chr(code))} == set(UNSAFE_CODES)
    assert all(UNSAFE.match(char) for char in EVERY_UNSAFE)
    assert not unsafe_except("\n\t").match("\n") and unsafe_except("\n\t").match("\x1b")


def test_every_unsafe_character_becomes_one_visible_symbol() -> None:
    out = visible("a" + EVERY_UNSAFE + "b")
    assert len(out) == len(EVERY_UNSAFE) + 2
    assert not UNSAFE.search(out)
    assert visible("t_\x1b]2;PWNED\x07") == "t_␛]2;PWNED␇"
    assert visible("a\nb", keep="\n") == "a\nb"


def test_the_cli_the_reader_and_cleaning_use_the_same_class() -> None:
    """The CLI shows each as a symbol, the reader blanks each (C1 and bidi overrides too: it
    missed them), cleaning removes each but newline and tab."""
    assert shown(EVERY_UNSAFE) == visible(EVERY_UNSAFE)
    reader = plain("x\x9b31m\u202ey\n\tz")
    assert reader == "x 31m y\n\tz" and len(reader) == len("x\x9b31m\u202ey\n\tz")
    assert blanked(EVERY_UNSAFE).strip("\n\t ") == ""
    assert strip_controls("a\x80b\u202ec\u2066d\n\te") == "abcd\n\te"


def test_long_strings_are_bounded_with_an_ellipsis() -> None:
    assert bounded("short", 10) == "short"
    assert bounded("x" * 1_000_000, 100) == "x" * 99 + ELLIPSIS
    line = shown_line("title\nwith \x1b[2J" + "y" * 1_000_000)
    assert len(line) <= 500 and "\n" not in line and "\x1b" not in line
