"""A document's title, when its file has none of its own: what the text's opening says.

The first heading-like paragraph, else a short first sentence, else the caller's fallback (the
file name). Photo captions and bylines at the top are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["find_title"]

_TITLE_MAX = 100
_CAPTION = re.compile(
    r"(?:\b(?:Photos?|Images?|Pictures?|Credits?|Illustration)\s*:\s*[^.:]{1,60}"
    r"|\b(?:Photos?|Pictures?|Images?) (?:by|courtesy of) [^.]{1,60}"
    r"|/\s*(?:Getty Images|AFP|Reuters|AP|Xinhua|VCG|EPA|Shutterstock))\)?$"
)
"""``... in Busan, South Korea Photos: VCG``: describes a picture, not the document."""
_BYLINE = re.compile(r"^(?:By|From|Published|Updated|Posted|Last updated)\b[^.]{0,80}$")
_SENTENCE = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st prof sen rep gen gov col lt sgt jr sr no vs etc inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split()
)


def find_title(paragraphs: Sequence[str], fallback: str) -> str:
    """The first heading-like paragraph, else its short first sentence, else ``fallback``.

    Photo captions and bylines at the top are passed over, but the first real paragraph
    decides: a heading deeper in the document names a section, not the document. So a
    document that opens with a long sentence and no heading (seed 000: a caption, then
    "Editor's Note: Chinese President Xi Jinping paid a state visit ...", 180 characters)
    gets the file name: an invented title would be worse than an honest one.
    """
    for paragraph in paragraphs[:6]:
        if _CAPTION.search(paragraph) or _BYLINE.match(paragraph):
            continue
        if _is_heading(paragraph):
            return paragraph
        sentence = _first_sentence(paragraph)
        if sentence is not None and len(sentence) <= _TITLE_MAX and " " in sentence:
            if sentence.endswith(".") and not sentence.endswith(".."):
                return sentence[:-1]
            return sentence
        break
    return fallback


def _is_heading(paragraph: str) -> bool:
    """Short, with a letter, and not ending like a sentence or a lead-in."""
    return (
        len(paragraph) <= _TITLE_MAX
        and paragraph[-1] not in ".,;:"
        and any(ch.isalpha() for ch in paragraph)
    )


def _first_sentence(paragraph: str) -> str | None:
    """The paragraph's first sentence, not fooled by "Mr." or initials; None if unfinished."""
    for match in _SENTENCE.finditer(paragraph, 0, _TITLE_MAX + 10):
        before = paragraph[: match.start()]
        word = before[before.rfind(" ") + 1 :].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        return paragraph[: match.end()]
    if paragraph[-1] in ".!?" and len(paragraph) <= _TITLE_MAX:
        return paragraph
    return None
