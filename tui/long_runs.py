"""Over-long runs of text without a space, shortened for display while offsets stay exact.

A document whose body is one 2-million-letter word took 27 s to open: Textual wraps and renders
every one of its 28,000 screen lines. No one reads such a run, and no hit or mention can fall
inside it (a word is one token: its hit starts where it starts). So the reader gives each run
longer than ``RUN_CHARS`` a block of its own and shows its opening and its end with a marker
between them; ``Elision.shown`` maps an offset in the block's text to one in what is shown, so
the hits and mentions, whose offsets refer to the whole text, land where they belong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]

RUN_CHARS = 2000
"""A run without a space longer than this (about 25 lines) is shortened for display."""
HEAD_CHARS = 1000
"""How much of a shortened run's opening is shown."""
TAIL_CHARS = 200
"""How much of a shortened run's end is shown."""

_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


def split_runs(text: str, blocks: list[Span]) -> list[Span]:
    """``blocks`` with every over-long run in a block of its own (its neighbours around it)."""
    result: list[Span] = []
    for start, end in blocks:
        position = start
        for run in _RUN.finditer(text, start, end):
            if text[position : run.start()].strip():
                result.append((position, run.start()))
            result.append(run.span())
            position = run.end()
        if position == start:
            result.append((start, end))
        elif text[position:end].strip():
            result.append((position, end))
    return result


@dataclass(frozen=True)
class Elision:
    """What a block shows of its text: all of it, or an over-long run's two ends."""

    length: int
    """The length of the block's text."""
    head: int
    """Characters shown from the start (all of them when nothing is left out)."""
    tail: int
    """Characters shown from the end (0 when nothing is left out)."""

    @classmethod
    def of(cls, text: str) -> Elision:
        """Nothing left out, unless ``text`` is one over-long run."""
        if len(text) > RUN_CHARS and _RUN.fullmatch(text):
            return cls(len(text), HEAD_CHARS, TAIL_CHARS)
        return cls(len(text), len(text), 0)

    @property
    def marker(self) -> str:
        """Stands for what is left out."""
        left_out = self.length - self.head - self.tail
        return f" … {left_out:,} more characters without a space … " if left_out else ""

    def text(self, text: str) -> str:
        """What is shown of ``text`` (the block's text)."""
        if not self.marker:
            return text
        return text[: self.head] + self.marker + text[self.length - self.tail :]

    def shown(self, offset: int) -> int:
        """Where ``offset`` in the block's text is in the shown text (a left-out offset: at the
        marker's start)."""
        if offset <= self.head or not self.marker:
            return offset
        if offset < self.length - self.tail:
            return self.head
        return offset - (self.length - self.tail) + self.head + len(self.marker)
