"""Snippets: the best one or two passages of a hit for a query, with the matched words marked.

Whoosh's highlighter analyses the whole stored text of every hit (tokenise, lowercase, stem
every word) to find the words that match; on long documents that was a third of a query's
time. Here one regular expression, run in C, finds the few places where a word with a matched
stem can begin (its stem minus the last letter is a prefix of every word with that stem), and
only the words found there are stemmed. Passages are cut and chosen as Whoosh's
``ContextFragmenter`` and ``BasicFragmentScorer`` do it, looking only at the words near matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from whoosh.analysis import STOP_WORDS

from search.safe_text import ELLIPSIS, bounded
from search.schema import stem_word

SNIPPET_CHARS = 220
"""The longest passage, context included."""
SEARCHED_CHARS = 2**15
"""Matches are looked for in a document's first 32,768 characters (Whoosh's highlighter stops
there: ``Highlighter.charlimit``), and only past them when there is none: on the longest
documents finding every match took longer than the search."""
SURROUND = 60
"""Context kept before the first and after the last match of a passage."""
PASSAGES = 2
BETWEEN = " … "
"""Joins passages that are apart in the document."""
SNIPPET_LIMIT = PASSAGES * 3 * SNIPPET_CHARS
"""The longest snippet, whatever the text: passages are measured in words, so one
2-million-letter word, or a megabyte of punctuation between two matches, made a 2 MB snippet
(and a results list that took a minute to paint). Runs longer than ``SNIPPET_CHARS`` are cut
with an ellipsis (``_piece``); this bounds what is left."""

Span = tuple[int, int]

_TOKEN = re.compile(r"[\w*]+(?:\.?[\w*]+)*")
"""The body analyzer's token pattern (``search.schema``)."""
_BREAK = re.compile(r"[ \t]*\n\s*")
_TOKEN_START = r"(?<![\w*])(?<![\w*]\.)"
"""Where the analyzer can start a token: not inside a word, nor after "u." of "u.s"."""
_WHOLE_TOKEN = re.compile(_TOKEN_START + _TOKEN.pattern)
_NOT_WORD = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) in "_*"))
"""ASCII characters that cannot end a token (enough to step back over spaces and punctuation)."""


def one_line(text: str) -> str:
    """Snippets are one line: a paragraph break becomes one space."""
    return _BREAK.sub(" ", text)


def stem_finder(stems: Collection[str]) -> Callable[[str], list[Span]] | None:
    """A function giving the spans of the words of a text whose stem is one of ``stems``, in
    order; None when there is nothing to look for."""
    wanted = frozenset(stem for stem in stems if stem)
    if not wanted:
        return None
    prefixes: list[str] = []
    for prefix in sorted({stem[:-1] or stem for stem in wanted}, key=len):
        if not any(prefix.startswith(shorter) for shorter in prefixes):
            prefixes.append(prefix)
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    # The lookahead on first letters rejects most positions before the lookbehinds run.
    firsts = "".join(sorted({re.escape(prefix[0]) for prefix in prefixes}))
    starts = re.compile(f"(?=[{firsts}]){_TOKEN_START}(?:{alternatives})", re.IGNORECASE)

    def find(text: str) -> list[Span]:
        spans = _find(text, SEARCHED_CHARS)
        if not spans and len(text) > SEARCHED_CHARS:
            spans = _find(text, len(text))
        return spans

    def _find(text: str, limit: int) -> list[Span]:
        spans: list[Span] = []
        position = 0
        while True:
            start = starts.search(text, position, limit)
            if start is None:
                return spans
            token = _TOKEN.match(text, start.start())
            if token is None:  # cannot happen: a prefix match starts a token
                position = start.end()
                continue
            position = token.end()
            word = token.group().lower()
            if len(word) >= 2 and word not in STOP_WORDS and stem_word(word) in wanted:
                spans.append((token.start(), token.end()))

    return find


def snippet(text: str, spans: list[Span]) -> tuple[str, tuple[Span, ...]]:
    """The best passages of ``text`` around ``spans`` (sorted), as one line, and where the
    matched words are in it. Without spans, the opening of the text."""
    if not spans:
        return one_line(text[:SNIPPET_CHARS]).strip(), ()
    parts: list[str] = []
    marks: list[Span] = []
    length = 0
    for number, (start, end, matches) in enumerate(_best(_passages(text, spans), text)):
        if number:
            parts.append(BETWEEN)
            length += len(BETWEEN)
        index = start
        for match_start, match_end in matches:
            before = _piece(text, index, match_start, keep="end" if index == start else "both")
            if index == start:
                before = before.lstrip()
            matched = _piece(text, match_start, match_end, keep="start")
            parts.append(before)
            length += len(before)
            marks.append((length, length + len(matched)))
            parts.append(matched)
            length += len(matched)
            index = match_end
        tail = _piece(text, index, end, keep="start").rstrip()
        parts.append(tail)
        length += len(tail)
    return _bounded("".join(parts), marks)


def _piece(text: str, start: int, end: int, keep: str) -> str:
    """``text[start:end]`` as one line of at most about ``SNIPPET_CHARS``: a longer run (a giant
    word, a megabyte of punctuation) keeps its ``end`` (the context before a match), its
    ``start`` (a match, the context after one) or ``both`` ends (a gap between two matches)."""
    if end - start <= SNIPPET_CHARS:
        return one_line(text[start:end])
    if keep == "end":
        return ELLIPSIS + one_line(text[end - SNIPPET_CHARS + 1 : end])
    if keep == "start":
        return one_line(text[start : start + SNIPPET_CHARS - 1]) + ELLIPSIS
    half = SNIPPET_CHARS // 2
    return one_line(text[start : start + half]) + BETWEEN + one_line(text[end - half : end])


def _bounded(snippet: str, marks: list[Span]) -> tuple[str, tuple[Span, ...]]:
    """The snippet cut to ``SNIPPET_LIMIT``, and the marks that still fall inside it."""
    if len(snippet) <= SNIPPET_LIMIT:
        return snippet, tuple(marks)
    cut = bounded(snippet, SNIPPET_LIMIT)
    inside = len(cut) - len(ELLIPSIS)
    return cut, tuple((start, min(end, inside)) for start, end in marks if start < inside)


Passage = tuple[int, int, list[Span]]


def _passages(text: str, spans: list[Span]) -> list[Passage]:
    """Whoosh's ``ContextFragmenter``, walking only the words near matches: a passage starts
    at the first word within ``SURROUND`` characters before a match (or at the match, with
    that context added after instead), takes every match that comes before ``SURROUND``
    characters of words have passed since the last one, and stops there or when its words
    reach ``SNIPPET_CHARS``. Passages never overlap."""
    passages: list[Passage] = []
    done = 0
    following = 0
    while following < len(spans):
        start = spans[following][0]
        # Whoosh measures the context back from the end of the word before the match.
        near = max(done, start - 2 * SURROUND)
        previous_end = near + len(text[near:start].rstrip(_NOT_WORD))
        before = _WHOLE_TOKEN.search(text, max(done, previous_end - SURROUND), start)
        first = before.start() if before else start
        countdown = SURROUND if before else 2 * SURROUND
        size = 0
        matches: list[Span] = []
        end = start
        for token in _TOKEN.finditer(text, start):
            width = token.end() - token.start()
            if size + width > SNIPPET_CHARS:
                countdown = 0
            elif following < len(spans) and token.start() == spans[following][0]:
                matches.append(spans[following])
                following += 1
                countdown = max(countdown, SURROUND) if len(matches) == 1 else SURROUND
            size += width
            countdown -= width
            end = token.end()
            if countdown <= 0:
                break
        while following < len(spans) and spans[following][0] < end:
            following += 1  # a match the passage's size limit cut off
        passages.append((first, end, matches))
        done = end
    return passages


def _best(passages: list[Passage], text: str) -> list[Passage]:
    """The ``PASSAGES`` best passages in document order, scored as Whoosh's
    ``BasicFragmentScorer`` scores: matches times distinct matched stems (ties: the earlier)."""

    def score(passage: Passage) -> int:
        matches = passage[2]
        stems = {stem_word(text[start:end].lower()) for start, end in matches}
        return len(matches) * (len(stems) * 100 or 1)

    ranked = sorted(passages, key=score, reverse=True)
    return sorted(ranked[:PASSAGES], key=lambda passage: passage[0])
