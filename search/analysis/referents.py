"""The document as speaker finding reads it, and what pronouns and descriptions refer to.

``Referents`` indexes one document for the questions attribution asks: which entity mention
covers a token, where paragraphs and sentences begin (by punctuation, not by the parser, which
splits at odd places around quotation marks), whether a position lies inside a quotation, and
the gender each person's mentions show. On that index it resolves a pronoun or a description
("he", "the firm") to the nearest fitting named entity, reading backwards sentence by sentence.
``search.analysis.speaker_names`` and ``search.analysis.speakers`` build on it.

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.analysis.names import entity_key
from search.analysis.quote_kinds import CORE_CUES, SUBJECT_DEPS, is_cue, lemma_in
from search.analysis.quote_marks import QuoteSpan, sentence_starts
from search.analysis.results import EntityMention
from search.analysis.speaker_kinds import speaking_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "BODY_LABELS",
    "PERSON_LABELS",
    "PRONOUNS",
    "Earlier",
    "Referents",
    "Speaker",
    "noun_gender",
]

# --- word lists ------------------------------------------------------------------------------

_MALE_WORDS = frozenset(
    "mr sir lord king prince father son brother husband boyfriend man boy actor chairman "
    "spokesman uncle nephew duke earl baron".split()
)
_FEMALE_WORDS = frozenset(
    "ms mrs miss lady dame queen princess mother daughter sister wife girlfriend woman girl "
    "actress chairwoman spokeswoman aunt niece duchess baroness".split()
)

PRONOUNS: dict[str, str] = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
    "they": "group", "them": "group", "their": "group",
    "it": "thing", "its": "thing",
}  # fmt: skip

_UNNAMED_PEOPLE = frozenset(
    """
    spokesman spokeswoman spokesperson official analyst source aide expert observer witness
    insider executive person people man woman fan critic campaigner resident worker
    """.split()
)
"""Heads of subjects that stand for a person the article does not name ("a spokesman said")."""

PERSON_LABELS = frozenset({"PERSON"})
BODY_LABELS = frozenset({"ORG", "NORP", "GPE", "LAW", "WORK_OF_ART", "FAC", "PRODUCT", "EVENT"})
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")

CONFIDENCE_ADJACENT = 0.9
CONFIDENCE_SENTENCE = 0.8
CONFIDENCE_PRONOUN = 0.7
CONFIDENCE_CONTINUED = 0.65
CONFIDENCE_DESCRIPTION = 0.45
"""Below records.LOW_CONFIDENCE (0.5): on the dev sets (BBC dev, heldout, heldout_b and
news_dev) a speaker found through a description ("the nominee said") was right 12 times in
20, a continued quotation's 180 in 199, an adjacent cue's 180 in 184: descriptions are shown
as guesses."""
CONFIDENCE_STATEMENT = 0.5
CONFIDENCE_UNNAMED = 0.4
CONFIDENCE_NONE = 0.3
_SALIENCE_PARAGRAPHS = 3
"""How many paragraphs back a pronoun or description may look for its entity."""


Earlier = list[tuple[int, "Speaker | None"]]
"""(offset of the opening mark, speaker) of the quotations already attributed."""


@dataclass(frozen=True)
class Speaker:
    """A speaker found for one quotation, or an entity a pronoun or description refers to."""

    name: str
    """Canonical name; "" for a speaker the text does not name ("a spokesman said")."""
    cue: str | None
    confidence: float
    label: str
    """Entity label of the speaker ("PERSON", "ORG", ...; "" when not from a mention)."""
    document: bool = False
    """The source is a document (a statement, a report, a declaration) standing for its maker."""


class Referents:
    """One document's text, parse and mentions, indexed for the questions quotes ask."""

    def __init__(self, doc: Doc, mentions: Sequence[EntityMention], spans: list[QuoteSpan]) -> None:
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.mention_of_token: dict[int, EntityMention] = {}
        labelled = [m for m in self.mentions if m.label in PERSON_LABELS | BODY_LABELS | {"LOC"}]
        self.mentions = speaking_mentions(doc, labelled)
        for mention in self.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                self.mention_of_token.setdefault(token.i, mention)
        self.gender: dict[str, str] = {}
        self.paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(self.text)]
        self.quotes: list[QuoteSpan] = []
        self.all_spans = spans
        """Every pair of marks, scare quotes included: no sentence ends inside one."""
        self._sentence_cache: list[Span] | None = None

    def fullest(self, speaker: Speaker | None) -> Speaker | None:
        """A one-word speaker name as the one fuller person name ending with it, if unique.

        Mentions arrive joined, but a surname the model labelled differently from the full
        name ("Campese" as a nationality) can stay apart; one full name that ends with it
        ("David Campese") is the same person.
        """
        if speaker is None or not speaker.name or " " in speaker.name.strip():
            return speaker
        word = speaker.name.strip().casefold()
        fuller = {
            m.name
            for m in self.mentions
            if m.label in PERSON_LABELS and " " in m.name and m.name.split()[-1].casefold() == word
        }
        if len(fuller) != 1:
            return speaker
        return Speaker(fuller.pop(), speaker.cue, speaker.confidence, "PERSON")

    # -- attribution --

    def set_quotes(self, quotes: list[QuoteSpan]) -> None:
        """Remember the quotations kept: they bound contexts and hide mentions inside them."""
        self.quotes = quotes
        self._sentence_cache = None
        self.gender = self._genders()

    def _span(self, start: int, end: int) -> Span | None:
        """The tokens wholly inside [start, end), or None."""
        if end <= start:
            return None
        return self.doc.char_span(start, end, alignment_mode="contract")

    def _titled_person(self, noun: str, before: int) -> Speaker | None:
        """The person an office names ("the prime minister" -> "Prime Minister Tony Blair")."""
        best: EntityMention | None = None
        for mention in self.mentions:
            if mention.start >= before:
                break
            if mention.label not in PERSON_LABELS or self._inside_quote(mention.start):
                continue
            preceding = self.text[max(0, mention.start - 40) : mention.start].lower().split()
            if noun in mention.text.lower().split() or noun in preceding[-3:]:
                best = mention
        return None if best is None else Speaker(best.name, None, CONFIDENCE_DESCRIPTION, best.label)

    def _resolve(self, position: int, kind: str, earlier: Earlier) -> Speaker | None:
        """The entity a pronoun or description at ``position`` refers to, reading backwards.

        Sentence by sentence: a fitting speaker of a quotation, else a fitting main-clause
        subject, else the only fitting entity named. A fitting pronoun as main subject links
        to the sentence before ("He pointed out that Franz Ferdinand..." does not make the
        band the next "he"); an unnamed person as main subject ("the spokesman") ends the
        search with no name.
        """
        window_start = self._paragraph_start_back(position, _SALIENCE_PARAGRAPHS - 1)
        sentences = [s for s in self._sentences() if s.start_char < position and s.end_char > window_start]
        chained = False
        horizon = position
        for sentence in reversed(sentences):
            limit = min(sentence.end_char, position)
            for start, speaker in reversed(earlier):
                if sentence.start_char <= start < limit and speaker is not None:
                    if self._fits(speaker.label, speaker.name, kind):
                        return speaker
            linked = False
            for subject in self._main_subjects(sentence, limit):
                mention = (
                    self.mention_of_token.get(subject.i)
                    or self._apposed(subject)
                    or self.person_by_surname(subject)
                )
                if mention is not None:
                    mention = self.person_named_later(subject, mention)
                    if self._fits(mention.label, mention.name, kind):
                        return Speaker(mention.name, None, CONFIDENCE_PRONOUN, mention.label)
                    continue
                if subject.lower_ in PRONOUNS and PRONOUNS[subject.lower_] == kind:
                    linked = True
                    break
                unnamed = lemma_in(subject, _UNNAMED_PEOPLE) is not None
                if unnamed and kind in ("male", "female", "person") and not chained:
                    return None
            if linked:
                # the pronoun's referent is the linked pronoun's: read on before its sentence
                chained = True
                horizon = sentence.start_char
                continue
            named = [
                m
                for m in self._mentions_between(sentence.start_char, limit)
                if self._fits(m.label, m.name, kind) and not self._inside_quote(m.start)
            ]
            prominent = self._most_prominent(self._outermost(named), sentence)
            if prominent is not None:
                return Speaker(prominent.name, None, CONFIDENCE_PRONOUN, prominent.label)
        for mention in reversed(self._mentions_between(window_start, horizon)):
            if self._fits(mention.label, mention.name, kind) and not self._inside_quote(mention.start):
                return Speaker(mention.name, None, CONFIDENCE_PRONOUN, mention.label)
        return None

    def _apposed(self, subject: Token) -> EntityMention | None:
        """The name set beside an office: "The Minister for Europe, Ana Ruiz, said" -> Ana Ruiz."""
        for child in subject.children:
            if child.dep_ == "appos" and child.i in self.mention_of_token:
                return self.mention_of_token[child.i]
        return None

    def person_named_later(self, subject: Token, mention: EntityMention) -> EntityMention:
        """The person a run of names before the verb ends with, when the parse picked a work.

        "Only Fools and Horses star David Jason criticised": the model reads "Fools" as the
        subject (and as a person); a person named later in the same unbroken phrase, before the
        verb, is the one who acts. Any punctuation in between ends the phrase.
        """
        verb = subject.head
        if verb.i <= subject.i:
            return mention
        chosen = mention
        for token in subject.doc[subject.i + 1 : verb.i]:
            if token.is_punct:
                return mention
            later = self.mention_of_token.get(token.i)
            if later is not None and later is not mention and later.label in PERSON_LABELS:
                chosen = later
        return chosen

    def person_by_surname(self, token: Token) -> EntityMention | None:
        """The one person whose name ends with ``token``, a proper noun the model left unlabelled.

        The small model misses some repeats of a surname ("Richards also points out"); when
        exactly one person of the document has that last name, the token is that person.
        """
        if token.pos_ != "PROPN" or not token.text[:1].isupper():
            return None
        word = token.text.casefold()
        people = {
            m.name: m
            for m in self.mentions
            if m.label in PERSON_LABELS and len(m.name.split()) > 1 and m.name.split()[-1].casefold() == word
        }
        return next(iter(people.values())) if len(people) == 1 else None

    def _fits(self, label: str, name: str, kind: str) -> bool:
        """Whether an entity can be what a pronoun or description of ``kind`` refers to."""
        if not label:
            return kind not in ("group", "thing", "body")
        if kind in ("male", "female", "person"):
            gender = self.gender.get(entity_key(name))
            if label not in PERSON_LABELS:
                # the small model tags some surnames as nationalities ("Campese"); a pronoun
                # seen referring to one shows it is a person
                return label == "NORP" and gender is not None and (kind == "person" or gender == kind)
            return kind == "person" or gender is None or gender == kind
        if kind == "group":
            return label in ("ORG", "NORP")
        return label in BODY_LABELS and label != "GPE"

    def _sentences(self) -> list[Span]:
        """The text's sentences by punctuation, not by the parser (which splits at odd places
        around quotation marks); a boundary inside quotation marks is not one."""
        if self._sentence_cache is None:
            found: list[Span] = []
            for start, end in self.paragraphs:
                starts = sentence_starts(self.text, start, end)
                bounds = [start] + [b for b in starts if not self._inside_span(b)]
                for begin, finish in zip(bounds, bounds[1:] + [end]):
                    span = self.doc.char_span(begin, finish, alignment_mode="contract")
                    if span is not None and len(span):
                        found.append(span)
            self._sentence_cache = found
        return self._sentence_cache

    def _main_subjects(self, sentence: Span, limit: int) -> list[Token]:
        """Subjects of the sentence's roots and reporting verbs, outside quotations, nearest first."""
        roots = [t for t in sentence if t.head.i == t.i or not sentence.start <= t.head.i < sentence.end]
        verbs = list(roots)
        verbs += [t for r in roots for t in r.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")]
        verbs += [t for t in sentence if is_cue(t, CORE_CUES) and not self._inside_quote(t.idx)]
        found: list[Token] = []
        for verb in verbs:
            for child in verb.children:
                if child.dep_ in SUBJECT_DEPS and child.idx < limit and not self._inside_quote(child.idx):
                    if child not in found:
                        found.append(child)
        return sorted(found, key=lambda t: -t.i)

    def _outermost(self, mentions: list[EntityMention]) -> list[EntityMention]:
        """Mentions not inside another's phrase ("Brian Gammage, an analyst at Gartner" -> Gammage)."""
        heads = {}
        for mention in mentions:
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None:
                heads[id(mention)] = span.root
        kept = []
        for mention in mentions:
            root = heads.get(id(mention))
            if root is None:
                continue
            inside = any(
                other is not mention and id(other) in heads and _governed_by(root, heads[id(other)])
                for other in mentions
            )
            if not inside:
                kept.append(mention)
        return kept

    def _most_prominent(self, mentions: list[EntityMention], sentence: Span) -> EntityMention | None:
        """The entity a reader takes as the sentence's topic: a subject, else the first named.

        English puts the subject first; the parse of a long sentence is less reliable than
        that order, so the parse only promotes a mention it reads as a subject.
        """
        if not mentions:
            return None
        for mention in mentions:
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in SUBJECT_DEPS:
                return mention
        return mentions[0]

    def _mentions_between(self, start: int, end: int) -> list[EntityMention]:
        return [m for m in self.mentions if start <= m.start < end]

    def _genders(self) -> dict[str, str]:
        """Entity key -> "male"/"female", from honorifics, gendered nouns and later pronouns.

        An honorific or a noun next to a mention ("Mr", "his wife Sharon") decides; otherwise
        the first personal pronoun after a person's mention in the same sentence votes.
        """
        decided: dict[str, str] = {}
        votes: dict[str, int] = {}
        for mention in self.mentions:
            if mention.label not in PERSON_LABELS and mention.label != "NORP":
                continue
            key = entity_key(mention.name)
            before = re.split(r"[.!?;:\n\"“”]", self.text[max(0, mention.start - 25) : mention.start])[-1]
            words = before.lower().replace(",", " ").split()[-1:]
            words += mention.text.lower().replace(".", "").split()[:1]
            for word in words:
                if word in _MALE_WORDS:
                    decided.setdefault(key, "male")
                elif word in _FEMALE_WORDS:
                    decided.setdefault(key, "female")
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or span.root.dep_ not in SUBJECT_DEPS:
                continue
            for token in span.sent:
                if token.i < span.end or self._inside_span(token.idx):
                    continue
                gender = PRONOUNS.get(token.lower_) if token.lower_ in ("he", "his", "she") else None
                if gender in ("male", "female"):
                    votes[key] = votes.get(key, 0) + (1 if gender == "male" else -1)
                    break
        for key, vote in votes.items():
            if vote:
                decided.setdefault(key, "male" if vote > 0 else "female")
        return decided

    # -- positions --

    def _paragraph(self, position: int) -> tuple[int, int]:
        for start, end in self.paragraphs:
            if start <= position < end:
                return start, end
        return 0, len(self.text)

    def _paragraph_start_back(self, position: int, count: int) -> int:
        """Start of the paragraph ``count`` paragraphs before the one holding ``position``."""
        for index, (start, end) in enumerate(self.paragraphs):
            if start <= position < end:
                return self.paragraphs[max(0, index - count)][0]
        return 0

    def _inside_quote(self, position: int) -> bool:
        return any(q.inner_start <= position < q.inner_end for q in self.quotes)

    def _inside_span(self, position: int) -> bool:
        return any(s.start < position < s.end for s in self.all_spans)


def _governed_by(token: Token, governor: Token) -> bool:
    """True when ``token`` sits in an apposition or a prepositional phrase of ``governor``."""
    current, crossed = token, False
    while current.head.i != current.i:
        crossed = crossed or current.dep_ in ("appos", "prep", "pobj", "relcl", "acl")
        current = current.head
        if current.i == governor.i:
            return crossed
    return False


def noun_gender(noun: str) -> str:
    if noun in _MALE_WORDS:
        return "male"
    if noun in _FEMALE_WORDS:
        return "female"
    return "person"
