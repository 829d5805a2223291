"""Counts and readability of one document, from the tokens and sentences spaCy already made.

Words and sentences come from the parsed ``Doc`` so every figure agrees with what the rest of
the analysis saw. Syllables come from Pyphen's hyphenation dictionary, which is what textstat
itself falls back to: textstat's English path loads NLTK's CMU dictionary and, when it is
missing, *downloads* it at run time, which an offline, threaded app must never do. The Flesch
formulas are then applied to our own counts, so a long document analysed in pieces gets the
same figures as if it had been one ``Doc``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from search.analysis.results import TextFigures

if TYPE_CHECKING:
    from pyphen import Pyphen
    from spacy.tokens import Doc

_CLITICS = frozenset(
    {"'s", "’s", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'d", "’d", "'m", "’m", "n't", "n’t"}
)
_JOINERS = frozenset({"-", "‐", "/"})


@dataclass
class Counts:
    """Raw counts of one ``Doc``; pieces of a long document add up."""

    words: int = 0
    sentences: int = 0
    syllables: int = 0
    vocabulary: set[str] = field(default_factory=set)

    def add(self, other: Counts) -> None:
        self.words += other.words
        self.sentences += other.sentences
        self.syllables += other.syllables
        self.vocabulary |= other.vocabulary


def text_figures(doc: Doc, text: str) -> TextFigures:
    """Words, sentences, paragraphs, distinct words and Flesch scores of ``text`` (as ``doc``)."""
    return figures_from([count(doc)], text)


def count(doc: Doc) -> Counts:
    """Words (not punctuation, spaces or clitics), sentences with a word, syllables, vocabulary.

    A hyphenated compound ("year-on-year", "Jae-myung") counts as one word, as a reader and a
    word processor would count it, although spaCy splits it into several tokens.
    """
    counts = Counts()
    vocabulary = counts.vocabulary
    in_sentence = False
    joined = False
    glued = False  # the previous token had no space after it
    for token in doc:
        if token.is_sent_start:
            in_sentence = False
        text = token.text
        if token.is_alpha or token.like_num or (not token.is_punct and _is_word(text)):
            if text.lower() in _CLITICS:
                glued = not token.whitespace_
                continue
            lower = text.lower()
            vocabulary.add(lower)
            counts.syllables += syllables(lower)
            if not joined:
                counts.words += 1
            if not in_sentence:
                counts.sentences += 1
                in_sentence = True
            joined = False
        else:
            joined = text in _JOINERS and glued and not token.whitespace_
        glued = not token.whitespace_
    return counts


def figures_from(parts: Iterable[Counts], text: str) -> TextFigures:
    """The figures of a whole document from the counts of its pieces."""
    total = Counts()
    for part in parts:
        total.add(part)
    paragraphs = sum(1 for block in text.split("\n\n") if block.strip())
    ease, grade = flesch(total.words, total.sentences, total.syllables)
    return TextFigures(
        words=total.words,
        sentences=total.sentences,
        paragraphs=paragraphs,
        distinct_words=len(total.vocabulary),
        readability=ease,
        grade_level=grade,
    )


def flesch(words: int, sentences: int, syllables: int) -> tuple[float, float]:
    """Flesch reading ease and Flesch-Kincaid grade; (0.0, 0.0) for a text without words."""
    if words == 0 or sentences == 0:
        return 0.0, 0.0
    per_sentence = words / sentences
    per_word = syllables / words
    ease = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return round(ease, 2), round(grade, 2)


def _is_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


@lru_cache(maxsize=100_000)
def syllables(word: str) -> int:
    """Syllables in one lowercase word (at least one; a number counts as one)."""
    if not any(c.isalpha() for c in word):
        return 1
    return max(1, len(_dictionary().positions(word)) + 1)


@lru_cache(maxsize=1)
def _dictionary() -> Pyphen:
    from pyphen import Pyphen

    return Pyphen(lang="en_US")
