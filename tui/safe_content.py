"""Strings from outside the program as widget content: the explorer's one way in for them.

File and folder names, titles, JSONL metadata, config values and error text may hold escape
sequences and control characters (a file can be named ``t_\\x1b]2;PWNED\\x1b\\\\.txt``) and may be
a megabyte long. Textual writes a widget's characters to the terminal as they are, so every
such string passes through here before it becomes a widget's content, a border title or a
notification: bounded, and each control character shown as a visible symbol by the engine's
one sanitiser (``search.safe_text``). The result is ``Content`` (or a plain string for APIs that
take one), never markup, so ``[bold]`` in a name stays literal.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from search.safe_text import LINE_CHARS, bounded, shown_line, visible

__all__ = ["LINE_CHARS", "MESSAGE_CHARS", "safe_content", "safe_line", "safe_message"]

MESSAGE_CHARS = 2000
"""The most of a notification shown: enough for any real error, not a megabyte of one."""


def safe_line(text: str, limit: int = LINE_CHARS) -> str:
    """An outside string as one safe line of at most ``limit`` characters."""
    return shown_line(text, limit)


def safe_content(text: str, style: Style | str = "", limit: int = LINE_CHARS) -> Content:
    """An outside string as one line of ``Content`` (styled with ``style``)."""
    line = safe_line(text, limit)
    return Content.styled(line, style) if style else Content(line)


def safe_message(text: str, limit: int = MESSAGE_CHARS) -> str:
    """A notification's text: bounded, controls shown as symbols, its line breaks kept."""
    return visible(bounded(text, limit), keep="\n")
