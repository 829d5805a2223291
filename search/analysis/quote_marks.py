"""Finding quotations: pairing the marks, then telling quotations from scare quotes and titles.

Deciding which marks open and close a quotation is the part of quote finding that must never
fail: real text has apostrophes that look like closing single quotes ("Korea’s", "the US’
tech"), inch marks (5' 10"), quotations left unclosed by a typo, quotations nested with the
wrong marks, and the journalistic convention of continuing a quotation into the next
paragraph by reopening it without closing the previous one. A mismatched pair shifts every
later pair out of phase, so the pairing looks at each mark's neighbours (which side the space
is on) rather than counting marks, and every paragraph is handled whatever its count. That
part is pure string work.

A pair of marks holds a quotation when its words are someone's: a clause, a stretch of five
or more words (four with a verb), or a whole utterance next to a reporting verb. Single
words, short noun phrases, terms ("dual circulation" strategy) and titles (the theme
"Building a Sustainable Tomorrow...") are left out; that part reads the spaCy parse of the
``Doc`` it is given (spaCy itself is never imported here). Who said a quotation is decided by
``search.analysis.speakers``, which shares the reporting-verb lists defined here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "CORE_CUES",
    "CUE_FORMS",
    "EXTENDED_CUES",
    "SUBJECT_DEPS",
    "QuoteSpan",
    "find_quote_spans",
    "is_cue",
    "is_cue_form",
    "is_quotation",
    "lemma_in",
    "negated",
    "sentence_starts",
]

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
            marks = [i for i in range(start, end) if self.text[i] in _DOUBLE]
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


# --- which spans hold a quotation ------------------------------------------------------------

CORE_CUES = frozenset(
    """
    say tell add note warn explain insist argue claim state declare announce admit acknowledge
    ask reply respond answer stress emphasise emphasize observe remark comment conclude continue
    write recall agree suggest predict concede confirm deny complain urge promise pledge vow
    caution reiterate laugh joke quip shout cry whisper boast maintain contend assert mutter
    reveal report beam lament bemoan tweet testify estimate advise order demand wonder
    """.split()
)
"""Reporting verbs that introduce or follow a quotation ("X said", "said X")."""

EXTENDED_CUES = CORE_CUES | frozenset(
    """
    believe think feel hope fear accuse criticise criticize describe welcome praise attack
    dismiss condemn hail brand call expect decline refuse
    """.split()
)
"""Also verbs whose clause can hold a partial quotation (X believes they could be "...")."""

CUE_FORMS = frozenset(
    """
    said says saying told tells telling added adds adding noted notes noting warned warns
    explained explains insisted insists argued argues claimed claims stated states declared
    declares asked asks replied replies stressed stresses observed observes concluded concludes
    wrote writes recalled recalls acknowledged acknowledges admitted admits
    """.split()
)
"""Inflected cues the tagger sometimes reads as nouns ("the Joint Statement ... notes that")."""

_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "thought": "think", "felt": "feel", "spoke": "speak", "spoken": "speak", "made": "make",
    "gave": "give", "given": "give", "men": "man", "women": "woman", "people": "person",
}  # fmt: skip
"""Irregular forms the fallback de-inflection in ``_lemma`` cannot undo."""

_TITLE_NOUNS = frozenset(
    """
    theme title slogan motto song album single film movie book novel show series programme
    program play musical opera poem column campaign phrase term word label nickname catchphrase
    tagline banner brand concept strategy doctrine initiative tune track hit documentary sitcom
    drama magazine exhibition festival maxim adage saying proverb mantra name day headline
    """.split()
)
"""A quotation right after one of these ("adopted the theme "...""; "the phrase "..."") is a
title or a term, not someone's words."""

_SAYING_NOUNS = frozenset("maxim adage saying proverb motto slogan mantra catchphrase".split())
"""Title nouns that still mark a saying when a colon follows ("the old maxim: "...")."""

_NAMING_WORDS = frozenset(
    "called named entitled titled dubbed branded labelled labeled nicknamed billed styled "
    "renamed so-called".split()
)

_CLITICS = frozenset(
    {"'s", "’s", "n't", "n’t", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'m", "’m", "'d", "’d"}
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


def is_quotation(doc: Doc, span: QuoteSpan) -> bool:
    """False for scare quotes, terms, titles and names; True for someone's words."""
    inner = doc.char_span(span.inner_start, span.inner_end, alignment_mode="expand")
    if inner is None or not len(inner):
        return False
    words = [t for t in inner if _WORD.search(t.text) and t.text.lower() not in _CLITICS]
    if not words:
        return False
    count = len([w for w in span.text.split() if _WORD.search(w)])
    if _titled(doc, span, words):
        return False
    if count >= 5:
        return True
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in inner)
    if count == 4 and has_verb:
        return True
    if _is_clause(inner):
        return True
    return _directly_attributed(doc, span)

def _titled(doc: Doc, span: QuoteSpan, words: list[Token]) -> bool:
    """A title, a name or a term: introduced as one, title-cased, or modifying a noun."""
    before = doc.char_span(max(0, span.start - 60), span.start, alignment_mode="contract")
    previous = [t for t in before if not t.is_space] if before is not None else []
    colon = bool(previous) and previous[-1].text == ":"
    if previous and previous[-1].text in (":", ","):
        previous = previous[:-1]
    if previous:
        last = previous[-1]
        nouns = _SAYING_NOUNS if colon else _TITLE_NOUNS
        if last.lower_ in nouns or last.lower_.rstrip("s") in nouns:
            return True
        if last.lower_ in _NAMING_WORDS or (
            last.lower_ == "as" and len(previous) > 1 and previous[-2].lower_ in ("known", "billed")
        ):
            return True
    if len(words) <= 10 and _title_cased(words) and not _directly_attributed(doc, span):
        return True
    after = doc.char_span(span.end, min(len(doc.text), span.end + 30), alignment_mode="contract")
    ends_clause = span.text.rstrip().endswith((",", ".", "?", "!"))
    if after is not None and len(after) and len(words) < 5 and not ends_clause:
        first = after[0]
        if first.pos_ in ("NOUN", "PROPN") and not first.is_punct and first.text[:1].islower():
            return True  # "dual circulation" strategy
    return False

def _directly_attributed(doc: Doc, span: QuoteSpan) -> bool:
    """True for a whole utterance next to a reporting verb: '"No," he said' / 'X said: "No."'."""
    before = doc.text[max(0, span.start - 80) : span.start].rstrip()
    starts_sentence = not before or before.endswith((".", "?", "!", ":", "\n")) or before[-1] in '"”'
    if before.endswith((":", ",")):
        pre = doc.char_span(max(0, span.start - 80), span.start, alignment_mode="contract")
        tokens = [t for t in pre if not t.is_space] if pre is not None else []
        tokens = tokens[:-1]
        if tokens and tokens[-1].lower_ == "only":  # 'saying only: "..."'
            tokens = tokens[:-1]
        if tokens and is_cue(tokens[-1], CORE_CUES):
            return True
        if before.endswith(":") and tokens:
            return any(is_cue(t, CORE_CUES) for t in tokens[-8:])
    if not starts_sentence or not span.text.rstrip().endswith((",", "?", "!", ".")):
        return False
    post = doc.char_span(span.end, min(len(doc.text), span.end + 80), alignment_mode="contract")
    if post is None:
        return False
    tokens = [t for t in post if not t.is_space][:6]
    return any(is_cue(t, CORE_CUES) for t in tokens)


def is_cue(token: Token, lemmas: frozenset[str]) -> bool:
    """A reporting verb: by lemma when tagged as a verb, or by its inflected form."""
    lemma = lemma_in(token, lemmas | {"point"})
    if token.pos_ in ("VERB", "AUX") and lemma is not None:
        return lemma != "point" or any(c.lower_ == "out" for c in token.children)
    return is_cue_form(token) and token.pos_ in ("NOUN", "PROPN") and _followed_by_speech(token)


def lemma_in(token: Token, words: frozenset[str]) -> str | None:
    """The member of ``words`` that ``token`` is a form of, if any.

    Uses spaCy's lemma when the pipeline has a lemmatizer, else undoes the regular English
    endings (and the few irregular reporting verbs), so quotes work with or without one.
    """
    lemma = token.lemma_.lower()
    if lemma and lemma != token.lower_:
        return lemma if lemma in words else None
    word = token.lower_
    candidates = [word, _IRREGULAR.get(word, "")]
    for ending, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""),
                                ("ed", "e"), ("ing", ""), ("ing", "e"), ("d", "")):  # fmt: skip
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)] + replacement
            candidates += [base, base[:-1] if len(base) > 3 and base[-1] == base[-2] else ""]
    return next((c for c in candidates if c and c in words), None)


def is_cue_form(token: Token) -> bool:
    """An inflected reporting verb, whatever the tagger made of it."""
    return token.lower_ in CUE_FORMS


def _followed_by_speech(token: Token) -> bool:
    """"notes that", "notes:", "said," - a cue form the tagger took for a noun."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return following is not None and (following.lower_ in ("that", ":", ",") or following.text in '"“')


def negated(token: Token) -> bool:
    """"did not say": a reporting verb that reports nothing."""
    return any(c.dep_ == "neg" for c in token.children)


def _is_clause(inner: Span) -> bool:
    """A sentence or a clause: a finite verb with a subject of its own, or a question."""
    for token in inner:
        if token.tag_ in _FINITE_TAGS or (token.tag_ == "VB" and token.i == inner.start):
            if token.tag_ == "VB" and token.i == inner.start:
                # an imperative: "Keep it blogged."
                words = [t for t in inner if _WORD.search(t.text)]
                return len(words) >= 2 and token.text[:1].isupper() and inner.text.rstrip()[-1:] in ".!"
            if any(c.dep_ in SUBJECT_DEPS | {"expl"} and c.i >= inner.start for c in token.children):
                return True
            if any(t.dep_ in SUBJECT_DEPS for t in inner if t.head == token):
                return True
    return inner.text.rstrip().endswith("?") and len(inner) >= 3


def _title_cased(words: list[Token]) -> bool:
    """Every content word capitalised, as in the title of a work ("Free Mojtaba and Arash Day")."""
    content = [w for w in words if not w.is_stop or w.i == words[0].i]
    if len(content) < 2:
        return False
    return all(w.text[:1].isupper() for w in content)
