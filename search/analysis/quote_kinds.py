"""Which pairs of quotation marks hold someone's words, and the reporting verbs that tell.

A pair of marks holds a quotation when its words are someone's: a clause, a stretch of five
or more words (four with a verb), or a whole utterance next to a reporting verb. Single
words, short noun phrases, terms ("dual circulation" strategy) and titles (the theme
"Building a Sustainable Tomorrow...") are left out. This reads the spaCy parse of the ``Doc``
it is given (spaCy itself is never imported here). Who said a quotation is decided by
``search.analysis.speakers``, which shares the reporting-verb lists defined here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from search.analysis.quote_marks import QuoteSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "CORE_CUES",
    "CUE_FORMS",
    "EXTENDED_CUES",
    "SUBJECT_DEPS",
    "is_cue",
    "is_cue_form",
    "is_quotation",
    "lemma_in",
    "negated",
]

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
