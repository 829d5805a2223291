"""Finding quotations in text: pairing the quotation marks.

Deciding which marks open and close a quotation is the part of quote finding that must never
fail: real text has apostrophes that look like closing single quotes ("Korea’s", "the US’
tech"), inch marks (5' 10"), quotations left unclosed by a typo, quotations nested with the
wrong marks, and the journalistic convention of continuing a quotation into the next
paragraph by reopening it without closing the previous one. A mismatched pair shifts every
later pair out of phase, so the pairing looks at each mark's neighbours (which side the space
is on) rather than counting marks, and every paragraph is handled whatever its count. This is
pure string work; ``quote_kinds`` decides which pairs hold someone's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QuoteSpan", "find_quote_spans", "sentence_starts"]

_OPENING_ONLY = frozenset("“„«")
_CLOSING_ONLY = frozenset("”»")
_DOUBLE = frozenset('"') | _OPENING_ONLY | _CLOSING_ONLY
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"

_OPENERS_BEFORE = frozenset("([{—–-/‘“'")
"""Characters after which a mark opens, like a space does."""
_CLOSERS_AFTER = frozenset(".,;:!?)]}—–-…’”'")
"""Characters before which a mark closes, like a space does."""

_NESTED_MAX_WORDS = 3
"""A pair of marks this short, met mid-sentence inside an open quotation, is a quotation
nested with the wrong marks ("he was going to "fake" an injury"), not a new quotation."""

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen lt col sgt capt rev gov sen rep inc ltd co corp no vs etc "
    "mt ft messrs e.g i.e a.m p.m u.s u.k u.n".split()
)
_SENTENCE_END = re.compile(r"""[.!?…]['’"”)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])""")

_NARRATIVE_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|explained|explains|insisted|insists|"
    r"argued|argues|warned|warns|according to|asked|asks|replied|replies|admitted|admits|"
    r"claimed|claims|stressed|stresses|noted|notes|continued|continues)\b",
    re.IGNORECASE,
)
_FIRST_OR_SECOND_PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|we|we're|we've|we'd|we'll|us|our|ours|you|you're|"
    r"you've|your|yours)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuoteSpan:
    """One pair of marks (or a continued run of them) and the words they enclose."""

    start: int
    """Offset of the opening mark."""
    end: int
    """Offset just past the closing mark; the end of the words when no closing mark came."""
    pieces: tuple[tuple[int, int], ...]
    """The quoted words' ranges: one, or one per continuation (reopening marks left out)."""
    text: str
    """The quoted words, pieces joined ("\\n\\n" across paragraphs, " " within one)."""
    closed: bool
    """False when the quotation ran to a paragraph's end (or a cut) without a closing mark."""
    single: bool = False
    """True for a quotation in single curly marks (‘...’)."""

    @property
    def inner_start(self) -> int:
        """Offset of the first quoted character."""
        return self.pieces[0][0]

    @property
    def inner_end(self) -> int:
        """Offset just past the last quoted character."""
        return self.pieces[-1][1]


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation-mark span of ``text`` in document order, scare quotes included.

    Double marks (straight or curly) are paired first; single curly marks are paired only
    outside them, and only where they cannot be apostrophes.
    """
    paragraphs = _paragraphs(text)
    spans = _DoubleMarkPairer(text, paragraphs).run()
    spans.extend(_single_spans(text, paragraphs, spans))
    spans.sort(key=lambda span: span.start)
    return spans


def sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets in ``[start, end)`` where a new sentence begins (abbreviations skipped)."""
    found: list[int] = []
    # the look-ahead must see the capital (or mark) just past ``end``
    for match in _SENTENCE_END.finditer(text, start, min(len(text), end + 2)):
        if match.end() > end or _ends_with_abbreviation(text, match.start()):
            continue
        found.append(match.end())
    return found


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """True when the "." at ``dot`` closes an abbreviation ("Mr.", "U.S.") or an initial."""
    if text[dot] != ".":
        return False
    begin = dot
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    word = text[begin:dot].casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and text[begin].isupper())


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph; paragraphs are separated by blank lines."""
    found: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        if match.group().strip():
            found.append((match.start(), match.end()))
    return found


def _damaged(text: str, index: int) -> bool:
    """A straight double mark that stands for another character lost to a wrong code page.

    Between two letters it was an apostrophe ("don"t", "the country"s"); before "?" and a
    lower-case word, after a space or a dash, it was a dash ("shouted "Allahu akbar" "?an
    Arabic phrase"). Neither opens nor closes a quotation; a closing mark followed by "?"
    and a capital (","?Cooper told") is a real closing mark and stays.
    """
    if text[index] != '"':
        return False
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1 : index + 3]
    if before.isalpha() and after[:1].isalpha() and after[:1].islower():
        return True
    return (before.isspace() or before in "-–—") and len(after) == 2 and after[0] == "?" and after[1].islower()


def _can_open(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else "\n"
    return before.isspace() or before in _OPENERS_BEFORE


def _can_close(text: str, index: int) -> bool:
    after = text[index + 1] if index + 1 < len(text) else "\n"
    return after.isspace() or after in _CLOSERS_AFTER


def _role(text: str, index: int) -> str:
    """"open", "close" or "either" for the double mark at ``index``."""
    mark = text[index]
    opens, closes = _can_open(text, index), _can_close(text, index)
    if mark in _OPENING_ONLY:
        return "close" if closes and not opens else "open"
    if mark in _CLOSING_ONLY:
        return "open" if opens and not closes else "close"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The range without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _make_span(
    text: str, start: int, end: int, pieces: list[tuple[int, int]], closed: bool, single: bool = False
) -> QuoteSpan | None:
    kept = [_trim(text, a, b) for a, b in pieces]
    kept = [(a, b) for a, b in kept if b > a]
    if not kept:
        return None
    joined = ""
    for index, (a, b) in enumerate(kept):
        if index:
            joined += "\n\n" if "\n" in text[kept[index - 1][1] : a] else " "
        joined += text[a:b]
    return QuoteSpan(start, end, tuple(kept), joined, closed, single)


class _DoubleMarkPairer:
    """One pass over the double marks of a text, paragraph by paragraph, with its state."""

    def __init__(self, text: str, paragraphs: list[tuple[int, int]]) -> None:
        self.text = text
        self.paragraphs = paragraphs
        self.spans: list[QuoteSpan] = []
        self.open_at: int | None = None
        """Offset of the opening mark of the quotation being read, if any."""
        self.pieces: list[tuple[int, int]] = []
        """Finished pieces of the quotation being read (before the current one)."""
        self.piece_start = 0
        """Where the current piece's words begin."""

    def run(self) -> list[QuoteSpan]:
        """Pair every double mark; returns the spans found."""
        for number, (start, end) in enumerate(self.paragraphs):
            marks = [i for i in range(start, end) if self.text[i] in _DOUBLE and not _damaged(self.text, i)]
            skip: set[int] = set()
            if self.open_at is not None:
                # A quotation left open by the previous paragraph: it continues here only if
                # this paragraph reopens it with its first character.
                first = _trim(self.text, start, end)[0]
                if marks and marks[0] == first and _role(self.text, first) != "close":
                    self.pieces.append((self.piece_start, self.paragraphs[number - 1][1]))
                    self.piece_start = first + 1
                    skip.add(first)
                else:
                    self._close_unclosed(self.paragraphs[number - 1][1])
            for position, mark in enumerate(marks):
                if mark in skip:
                    continue
                self._mark(mark, marks[position + 1 :], skip, end)
            if self.open_at is not None and number + 1 == len(self.paragraphs):
                self._close_unclosed(end)
        return self.spans

    def _mark(self, mark: int, later: list[int], skip: set[int], paragraph_end: int) -> None:
        role = _role(self.text, mark)
        if self.open_at is None:
            if role != "close":
                self._open(mark)
            return  # a closing mark with nothing open is stray: ignored
        if role in ("close", "either"):
            self._emit(mark + 1, self.pieces + [(self.piece_start, mark)], closed=True)
            return
        nested_close = self._nested_close(mark, later)
        if nested_close is not None:
            skip.add(nested_close)
            return
        cut = self._narrative_cut(self.piece_start, mark)
        if cut is not None:
            self._emit(cut, self.pieces + [(self.piece_start, cut)], closed=False)
            self._open(mark)
        elif self._after_sentence_end(mark):
            self.pieces.append((self.piece_start, mark))
            self.piece_start = mark + 1
        else:
            # An opening mark mid-sentence: the earlier opening was stray or its closing mark
            # is missing. Keep what ended at a sentence end, then start again here.
            starts = sentence_starts(self.text, self.piece_start, mark)
            if starts:
                self._emit(starts[-1], self.pieces + [(self.piece_start, starts[-1])], closed=False)
            else:
                self._reset()
            self._open(mark)

    def _open(self, mark: int) -> None:
        self.open_at = mark
        self.pieces = []
        self.piece_start = mark + 1

    def _reset(self) -> None:
        self.open_at = None
        self.pieces = []

    def _emit(self, end: int, pieces: list[tuple[int, int]], closed: bool) -> None:
        assert self.open_at is not None
        span = _make_span(self.text, self.open_at, _trim(self.text, self.open_at, end)[1], pieces, closed)
        if span is not None:
            self.spans.append(span)
        self._reset()

    def _close_unclosed(self, paragraph_end: int) -> None:
        """End a quotation whose paragraph ended without a closing mark or a continuation."""
        cut = self._narrative_cut(self.piece_start, paragraph_end)
        end = paragraph_end if cut is None else cut
        self._emit(end, self.pieces + [(self.piece_start, end)], closed=False)

    def _after_sentence_end(self, mark: int) -> bool:
        before = self.text[self.piece_start : mark].rstrip()
        before = before.rstrip("'’)]")
        return before.endswith((".", "?", "!", "…", ":")) or not before

    def _nested_close(self, mark: int, later: list[int]) -> int | None:
        """The closing mark of a short pair nested mid-sentence in the open quotation, if any."""
        if self._after_sentence_end(mark) or not later:
            return None
        close = later[0]
        if _role(self.text, close) == "open":
            return None
        words = self.text[mark + 1 : close].split()
        if not words or len(words) > _NESTED_MAX_WORDS:
            return None
        after = self.text[close + 1 : close + 3].lstrip()
        if not after or after[0] in '"“':
            return None
        return close

    def _narrative_cut(self, start: int, end: int) -> int | None:
        """Where the reporter's own words begin inside an unclosed quotation, if they do.

        A later sentence with a reporting verb and no first or second person ("Mr Hopkins
        said that...") is narrative, so the quotation must have ended before it.
        """
        starts = sentence_starts(self.text, start, end)
        for index, begin in enumerate(starts):
            finish = starts[index + 1] if index + 1 < len(starts) else end
            sentence = self.text[begin:finish]
            if _NARRATIVE_CUE.search(sentence) and not _FIRST_OR_SECOND_PERSON.search(sentence):
                return begin
        return None


def _single_spans(
    text: str, paragraphs: list[tuple[int, int]], doubles: list[QuoteSpan]
) -> list[QuoteSpan]:
    """Quotations in single curly marks, outside double-mark spans, within one paragraph.

    ‘ always opens; ’ is an apostrophe unless it is followed by a space, punctuation or the
    paragraph's end. A plural possessive ("leaders’ meeting") looks like a closing mark, so
    when one is followed by a lowercase word and a later candidate exists, the later one wins.
    """
    covered = [(span.start, span.end) for span in doubles]

    def inside_double(index: int) -> bool:
        return any(a <= index < b for a, b in covered)

    found: list[QuoteSpan] = []
    for start, end in paragraphs:
        index = start
        while True:
            open_at = text.find(_SINGLE_OPEN, index, end)
            if open_at < 0:
                break
            index = open_at + 1
            if inside_double(open_at) or not _can_open(text, open_at):
                continue
            next_open = text.find(_SINGLE_OPEN, open_at + 1, end)
            limit = end if next_open < 0 else next_open
            candidates = [
                i
                for i in range(open_at + 1, limit)
                if text[i] == _SINGLE_CLOSE and _can_close(text, i) and i > open_at + 1
            ]
            if not candidates:
                continue
            close = candidates[0]
            for candidate in candidates:
                close = candidate
                following = text[candidate + 1 : candidate + 3]
                possessive = text[candidate - 1] in "sS" and following[:1] == " " and following[1:2].islower()
                if not (possessive and candidate != candidates[-1]):
                    break
            span = _make_span(text, open_at, close + 1, [(open_at + 1, close)], closed=True, single=True)
            if span is not None:
                found.append(span)
            index = close + 1
    return found
