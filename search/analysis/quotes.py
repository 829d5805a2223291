"""Direct quotations and who said them.

``quote_marks`` finds the quotations (pairs the marks, leaves out scare quotes, terms and
titles); this module finds the speaker the text gives each one, in the order a reader would
look: a reporting verb next to the quotation ("...," said X; X told reporters: "..."), one
further back in the same sentence (X warned that firms would "..."), a statement or proposal
named before it (X made four proposals. One was to "..."), and finally the speaker of the
quotation or reported speech just before (journalists quote one speaker over several
sentences and paragraphs). Pronouns and descriptions ("he", "the 28-year-old", "the firm") are
resolved to the nearest fitting named entity. Speakers are the canonical names of the
document's entity mentions, so "President Lee noted" gives "Lee Jae-myung".

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from search.analysis.names import entity_key, is_title_word, strip_title
from search.analysis.quote_marks import (
    CORE_CUES,
    EXTENDED_CUES,
    SUBJECT_DEPS,
    QuoteSpan,
    find_quote_spans,
    is_cue,
    is_cue_form,
    is_quotation,
    lemma_in,
    negated,
    sentence_starts,
)
from search.analysis.results import EntityMention, QuoteFound

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["extract_quotes"]

# --- word lists ------------------------------------------------------------------------------

_STATEMENT_NOUNS = frozenset(
    """
    proposal statement declaration remark comment speech message letter report communique
    pledge promise vow appeal warning assessment viewpoint view verdict conclusion note text
    wording answer reply response word address testimony tweet post editorial column headline
    argument claim vision plan resolution recommendation suggestion call question observation
    """.split()
)
"""Nouns that name what someone said or wrote: a quotation may be given as their content."""

_ORG_NOUNS = frozenset(
    """
    company firm group agency bank club paper newspaper daily magazine organisation
    organization body network broadcaster retailer airline carrier maker giant operator ministry
    department council committee union association federation party team side regulator
    watchdog monopoly government administration board charity institute commission court
    """.split()
)
"""Heads of descriptions that refer back to an organisation ("the firm said")."""

_MALE_WORDS = frozenset(
    "mr sir lord king prince father son brother husband boyfriend man boy actor chairman "
    "spokesman uncle nephew duke earl baron".split()
)
_FEMALE_WORDS = frozenset(
    "ms mrs miss lady dame queen princess mother daughter sister wife girlfriend woman girl "
    "actress chairwoman spokeswoman aunt niece duchess baroness".split()
)

_PRONOUNS: dict[str, str] = {
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

_UNNAMED_ROLES = frozenset(
    "spokesman spokeswoman spokesperson official source aide insider analyst expert".split()
)
"""The unnamed people who stay unnamed even with "the" ("the spokesman said"); "the man"
points back to someone named."""

_PERSON_LABELS = frozenset({"PERSON"})
_BODY_LABELS = frozenset({"ORG", "NORP", "GPE", "LAW", "WORK_OF_ART", "FAC", "PRODUCT", "EVENT"})
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")

_CONFIDENCE_ADJACENT = 0.9
_CONFIDENCE_SENTENCE = 0.8
_CONFIDENCE_PRONOUN = 0.7
_CONFIDENCE_DESCRIPTION = 0.6
_CONFIDENCE_CONTINUED = 0.6
_CONFIDENCE_STATEMENT = 0.5
_CONFIDENCE_UNNAMED = 0.4
_CONFIDENCE_NONE = 0.3
_SALIENCE_PARAGRAPHS = 3
"""How many paragraphs back a pronoun or description may look for its entity."""


_Earlier = list[tuple[int, "_Speaker | None"]]
"""(offset of the opening mark, speaker) of the quotations already attributed."""


@dataclass(frozen=True)
class _Speaker:
    """A speaker found for one quotation, or an entity a pronoun or description refers to."""

    name: str
    """Canonical name; "" for a speaker the text does not name ("a spokesman said")."""
    cue: str | None
    confidence: float
    label: str
    """Entity label of the speaker ("PERSON", "ORG", ...; "" when not from a mention)."""


# --- the entry point -------------------------------------------------------------------------


def extract_quotes(doc: Doc, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    """Direct quotations in document order.

    ``doc.text`` is the cleaned document text (paragraphs separated by "\\n\\n"); offsets in
    ``QuoteFound`` are into it: ``start`` at the opening mark, ``end`` just past the closing
    mark; ``QuoteFound.text`` is the words inside, without the marks. Scare quotes, terms and
    titles are left out. ``mentions`` are the document's entity mentions, already joined
    (``entities.extract_mentions``): speakers are their canonical names.
    """
    spans = find_quote_spans(doc.text)
    if not spans:
        return []
    reader = _Reader(doc, mentions, spans)
    kept = [span for span in spans if is_quotation(doc, span)]
    reader.set_quotes(kept)
    found: list[QuoteFound] = []
    speakers: _Earlier = []
    for index, span in enumerate(kept):
        attributed = reader.fullest(reader.attribute(index, speakers))
        speaker = attributed if attributed is not None and attributed.name else None
        speakers.append((span.start, speaker))
        found.append(
            QuoteFound(
                start=span.start,
                end=span.end,
                text=span.text,
                speaker=speaker.name if speaker else None,
                speaker_key=entity_key(speaker.name) if speaker else None,
                cue=attributed.cue if attributed else None,
                confidence=attributed.confidence if attributed else _CONFIDENCE_NONE,
            )
        )
    return found


# --- the reader ------------------------------------------------------------------------------


class _Reader:
    """One document's text, parse and mentions, indexed for the questions quotes ask."""

    def __init__(self, doc: Doc, mentions: Sequence[EntityMention], spans: list[QuoteSpan]) -> None:
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.mention_of_token: dict[int, EntityMention] = {}
        self.mentions = [m for m in self.mentions if m.label in _PERSON_LABELS | _BODY_LABELS | {"LOC"}]
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

    def fullest(self, speaker: _Speaker | None) -> _Speaker | None:
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
            if m.label in _PERSON_LABELS and " " in m.name and m.name.split()[-1].casefold() == word
        }
        if len(fuller) != 1:
            return speaker
        return _Speaker(fuller.pop(), speaker.cue, speaker.confidence, "PERSON")

    # -- attribution --

    def set_quotes(self, quotes: list[QuoteSpan]) -> None:
        """Remember the quotations kept: they bound contexts and hide mentions inside them."""
        self.quotes = quotes
        self._sentence_cache = None
        self.gender = self._genders()

    def attribute(self, index: int, earlier: _Earlier) -> _Speaker | None:
        """The speaker of quotation ``index``, given the speakers of those before it."""
        span = self.quotes[index]
        pre, post = self._contexts(index)
        speaker = self._post_adjacent(span, post, earlier)
        if speaker is None:
            speaker = self._pre_adjacent(pre, earlier)
        if speaker is None:
            speaker = self._in_sentence(pre, span, earlier)
        if speaker is None:
            speaker = self._statement(pre, earlier)
        if speaker is None:
            speaker = self._continued(span, earlier)
        return speaker

    def _contexts(self, index: int) -> tuple[Span | None, Span | None]:
        """The narrative before the quotation (since its sentence began) and after it (to its end)."""
        span = self.quotes[index]
        para_start, para_end = self._paragraph(span.start)
        pre_start = para_start
        if index > 0 and self.quotes[index - 1].end > para_start:
            pre_start = max(pre_start, self.quotes[index - 1].end)
        for begin in sentence_starts(self.text, pre_start, span.start):
            if not self._inside_span(begin):
                pre_start = begin
        post_end = para_end
        if index + 1 < len(self.quotes) and self.quotes[index + 1].start < para_end:
            post_end = min(post_end, self.quotes[index + 1].start)
        post_start = min(span.end, post_end)
        for begin in sentence_starts(self.text, post_start, post_end):
            if not self._inside_span(begin):
                post_end = begin
                break
        return self._span(pre_start, span.start), self._span(post_start, post_end)

    def _span(self, start: int, end: int) -> Span | None:
        """The tokens wholly inside [start, end), or None."""
        if end <= start:
            return None
        return self.doc.char_span(start, end, alignment_mode="contract")

    def _post_adjacent(self, span: QuoteSpan, post: Span | None, earlier: _Earlier) -> _Speaker | None:
        """'"...," said X' / '"...," X told reporters' / '"...", according to X'."""
        if post is None:
            return None
        tokens = [t for t in post if not t.is_space]
        while tokens and tokens[0].is_punct and tokens[0].text not in "(":
            tokens = tokens[1:]
        last = span.text.rstrip()[-1:]
        ends_clause = last in ",?!…-—" or post.text.lstrip()[:1] in ",;"
        if last == "." and tokens and tokens[0].text[:1].isupper() and not is_cue(tokens[0], CORE_CUES):
            ends_clause = False  # '"...." President Lee noted' starts a new sentence
        elif last == ".":
            ends_clause = True
        if not tokens or not ends_clause or tokens[-1].text == ":":
            return None  # 'Said Mr Fogg: "..."' introduces the next quotation
        for position, token in enumerate(tokens[:12]):
            if token.text == "(" or (token.is_punct and token.text not in (",",)):
                if token.text != ",":
                    break
            following = tokens[position + 1].lower_ if position + 1 < len(tokens) else ""
            if token.lower_ == "according" and following == "to":
                found = self._speaker_after(tokens[position + 2 :], "according to", earlier)
                return found or _unnamed("according to")
            if not is_cue(token, CORE_CUES):
                continue
            cue = token.lower_
            before = [t for t in tokens[:position] if not t.is_punct and t.pos_ not in ("ADV", "AUX", "PART")]
            if not before:
                return self._speaker_after(tokens[position + 1 :], cue, earlier) or _unnamed(cue)
            subject = self._subject_of(token) or _first_nominal(tokens[:position])
            if subject is None:
                return None
            return self._speaker_from(subject, cue, earlier, _CONFIDENCE_ADJACENT) or _unnamed(cue)
        return self._statement_after(tokens, earlier)

    def _pre_adjacent(self, pre: Span | None, earlier: _Earlier) -> _Speaker | None:
        """'X said: "..."' / 'X noted, "..."' / 'X said that "..."' / 'X: "..."'."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        if not tokens:
            return None
        colon = tokens[-1].text == ":"
        tail = tokens[:-1] if tokens[-1].text in (":", ",") else tokens
        if tail and tail[-1].lower_ in ("that", "only"):
            tail = tail[:-1]
        if tail and (is_cue(tail[-1], CORE_CUES) or is_cue_form(tail[-1])):
            found = self._speaker_of_cue(tail[-1], tokens, earlier, _CONFIDENCE_ADJACENT)
            return found or _unnamed(tail[-1].lower_)
        if tail and tail[-1].lower_ == "to" and len(tail) > 1 and tail[-2].lower_ == "according":
            return None
        if not colon:
            return None
        cues = [t for t in tail if is_cue(t, CORE_CUES) or is_cue_form(t)]
        if cues:
            found = self._speaker_of_cue(cues[-1], tokens, earlier, _CONFIDENCE_ADJACENT)
            return found or _unnamed(cues[-1].lower_)
        statement = self._statement_in(tail, earlier)
        if statement is not None:
            return statement
        agents = [i for i, t in enumerate(tail) if t.lower_ == "by"]
        if agents:
            found = self._speaker_after(tail[agents[-1] + 1 :], ":", earlier, _CONFIDENCE_SENTENCE)
            if found is not None:
                return found
        if len(tail) <= 6:
            subject = _first_nominal(tail)
            if subject is not None:
                return self._speaker_from(subject, ":", earlier, _CONFIDENCE_ADJACENT)
        root = tail[-1].sent.root if tail else None
        if root is not None:
            subject = next((c for c in root.children if c.dep_ in SUBJECT_DEPS and c.i >= tail[0].i), None)
            if subject is not None:
                return self._speaker_from(subject, ":", earlier, _CONFIDENCE_DESCRIPTION)
        return None

    def _in_sentence(self, pre: Span | None, span: QuoteSpan, earlier: _Earlier) -> _Speaker | None:
        """A reporting verb earlier in the sentence whose clause holds the quotation."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        cues = [t for t in tokens if is_cue(t, EXTENDED_CUES) and not negated(t)]
        if not cues:
            return None
        first_inside = self.doc.char_span(span.inner_start, span.inner_end, alignment_mode="expand")
        ancestors = set()
        if first_inside is not None and len(first_inside):
            ancestors = {a.i for a in first_inside[0].ancestors}
        ordered = [c for c in cues if c.i in ancestors] + [c for c in cues if c.i not in ancestors]
        for cue in ordered:
            found = self._speaker_of_cue(cue, tokens, earlier, _CONFIDENCE_SENTENCE)
            if found is not None:
                return found
        return None

    def _statement(self, pre: Span | None, earlier: _Earlier) -> _Speaker | None:
        """The quotation given as the content of a named statement, proposal or declaration."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        return self._statement_in(tokens, earlier, look_back=True)

    def _statement_in(
        self, tokens: list[Token], earlier: _Earlier, look_back: bool = False
    ) -> _Speaker | None:
        """Who made the statement named among ``tokens`` (rightmost statement noun first)."""
        for token in reversed(tokens):
            if token.pos_ != "NOUN" or lemma_in(token, _STATEMENT_NOUNS) is None:
                continue
            found = self._maker_of(token, earlier)
            if found is not None:
                return found
            if look_back:
                found = self._earlier_maker(token, earlier)
                if found is not None:
                    return found
        return None

    def _maker_of(self, noun: Token, earlier: _Earlier) -> _Speaker | None:
        """The owner of a statement noun: "his report", "the statement by X", "X made proposals"."""
        for child in noun.children:
            if child.dep_ == "poss":
                return self._speaker_from(child, noun.text.lower(), earlier, _CONFIDENCE_STATEMENT)
            if child.dep_ == "prep" and child.lower_ in ("by", "of", "from"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and (objects[0].i in self.mention_of_token or objects[0].pos_ == "PROPN"):
                    return self._speaker_from(objects[0], noun.text.lower(), earlier, _CONFIDENCE_STATEMENT)
        if noun.dep_ in ("dobj", "attr", "pobj") and noun.head.pos_ in ("VERB", "AUX"):
            verb = noun.head
            subject = self._subject_of(verb) or self._named_before(verb)
            if subject is not None:
                return self._speaker_from(
                    subject, verb.text.lower(), earlier, _CONFIDENCE_STATEMENT, named_only=True
                )
        return None

    def _named_before(self, verb: Token) -> Token | None:
        """The nearest named entity before a verb the parser left without a subject.

        "the Gyeongju Declaration, like in previous years, includes a statement": the small
        model attaches the name elsewhere; the nearest name not governed by a preposition is
        the subject a reader sees.
        """
        for token in reversed(verb.doc[verb.sent.start : verb.i]):
            mention = self.mention_of_token.get(token.i)
            if mention is None or self._inside_quote(token.idx):
                continue
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and span.root.dep_ != "pobj":
                return span.root
        return None

    def _earlier_maker(self, noun: Token, earlier: _Earlier) -> _Speaker | None:
        """"One of four proposals was to "..."": who made the proposals, a few sentences back."""
        lemma = lemma_in(noun, _STATEMENT_NOUNS)
        window_start = self._paragraph_start_back(noun.idx, 1)
        for token in reversed(self.doc[: noun.i]):
            if token.idx < window_start:
                break
            if lemma_in(token, _STATEMENT_NOUNS) == lemma and not self._inside_quote(token.idx):
                found = self._maker_of(token, earlier)
                if found is not None:
                    return found
        return None

    def _statement_after(self, tokens: list[Token], earlier: _Earlier) -> _Speaker | None:
        """'"...," is the assessment of X' after the quotation."""
        for position, token in enumerate(tokens[:8]):
            if token.pos_ == "NOUN" and lemma_in(token, _STATEMENT_NOUNS) is not None:
                rest = tokens[position + 1 :]
                if rest and rest[0].lower_ in ("of", "by", "from"):
                    return self._speaker_after(rest[1:], token.text.lower(), earlier, _CONFIDENCE_SENTENCE)
        return None

    def _continued(self, span: QuoteSpan, earlier: _Earlier) -> _Speaker | None:
        """The speaker of the latest quotation or reported speech before this one, if recent."""
        window_start = self._paragraph_start_back(span.start, 1)
        latest: tuple[int, _Speaker] | None = None
        for position, speaker in reversed(earlier):
            if position < window_start:
                break
            if speaker is not None:
                latest = (position, speaker)
                break
            return None  # the quotation just before had no speaker: do not skip over it
        reported = self._latest_reported(window_start, span.start, earlier)
        if reported is not None and (latest is None or reported[0] > latest[0]):
            latest = reported
        if latest is None:
            return None
        speaker = latest[1]
        return _Speaker(speaker.name, None, min(speaker.confidence, _CONFIDENCE_CONTINUED), speaker.label)

    def _latest_reported(self, start: int, end: int, earlier: _Earlier) -> tuple[int, _Speaker] | None:
        """The last sentence of reported speech ("She said new mothers...") in [start, end)."""
        window = self.doc.char_span(start, end, alignment_mode="contract")
        if window is None:
            return None
        for token in reversed(window):
            if self._inside_quote(token.idx) or not is_cue(token, EXTENDED_CUES) or negated(token):
                continue
            subject = self._subject_of(token)
            if subject is None or self._inside_quote(subject.idx):
                continue
            found = self._speaker_from(subject, token.lower_, earlier, _CONFIDENCE_CONTINUED)
            if found is not None:
                return token.idx, found
        return None

    # -- from a cue or a subject to a named speaker --

    def _speaker_of_cue(
        self, cue: Token, context: list[Token], earlier: _Earlier, confidence: float
    ) -> _Speaker | None:
        """The speaker of a reporting verb: its subject (or passive agent) in the parse."""
        for child in cue.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return self._speaker_from(objects[0], cue.lower_, earlier, confidence)
        subject = self._subject_of(cue)
        if subject is None:
            before = [t for t in context if t.i < cue.i]
            after = [t for t in context if t.i > cue.i]
            subject = _first_nominal(_clause_tail(before)) or _first_nominal(after)
        if subject is None or self._inside_quote(subject.idx):
            return None
        return self._speaker_from(subject, cue.lower_, earlier, confidence)

    def _speaker_after(
        self, tokens: list[Token], cue: str, earlier: _Earlier, confidence: float = _CONFIDENCE_ADJACENT
    ) -> _Speaker | None:
        """The speaker named right after a cue ("said Mr Smith, the director")."""
        phrase: list[Token] = []
        for token in tokens:
            if token.is_punct and token.text not in ("-", "'", "’", "."):
                break
            if token.pos_ in ("VERB",) and phrase:
                break
            phrase.append(token)
        # the head names the speaker: "said Nottingham City Councillor Brian Parbutt",
        # "says the Waterford man" (a description, not the place)
        head = _first_nominal(phrase)
        if head is not None:
            found = self._speaker_from(head, cue, earlier, confidence)
            if found is not None:
                return found
        named = [self.mention_of_token[t.i] for t in phrase if t.i in self.mention_of_token]
        people = [m for m in named if m.label in _PERSON_LABELS] or named
        return _Speaker(people[0].name, cue, confidence, people[0].label) if people else None

    def _subject_of(self, verb: Token) -> Token | None:
        """The subject of ``verb``, climbing through participles and conjoined verbs."""
        current = verb
        for _ in range(4):
            subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
            if subjects:
                # the nearest: a heading glued on by the parser may bring a second "subject"
                before = [c for c in subjects if c.i < current.i]
                return before[-1] if before else subjects[0]
            if current.dep_ == "acl" and current.head.pos_ in ("PROPN", "NOUN", "PRON"):
                return current.head  # "Writer Neil Coppendale, from West Sussex, asked:"
            climbable = ("conj", "advcl", "xcomp", "pcomp", "ccomp")
            if current.dep_ in climbable and current.head is not current:
                if current.dep_ == "ccomp" and current.tag_ in ("VBD", "VBZ", "VBP", "MD"):
                    return None
                current = current.head
                continue
            if current.dep_ == "pobj" and current.head.dep_ == "prep":
                current = current.head.head
                continue
            break
        return None

    def _speaker_from(
        self, subject: Token, cue: str | None, earlier: _Earlier, confidence: float, named_only: bool = False
    ) -> _Speaker | None:
        """A named speaker for a subject token: its mention, apposition, owner, or referent."""
        mention = self.mention_of_token.get(subject.i)
        if mention is not None and _demonym_description(subject, mention):
            resolved = self._resolve(subject.idx, "person", earlier)
            if resolved is None:
                return None
            return _Speaker(resolved.name, cue, _CONFIDENCE_DESCRIPTION, resolved.label)
        if mention is not None:
            return _Speaker(mention.name, cue, confidence, mention.label)
        for child in subject.children:
            # "The Shadow Secretary, Theresa May, said": the apposition is the name itself
            found = self.mention_of_token.get(child.i) if child.dep_ == "appos" else None
            if found is not None and found.label in _PERSON_LABELS | _BODY_LABELS:
                return _Speaker(found.name, cue, confidence, found.label)
        lower = subject.lower_
        if lower in _PRONOUNS:
            resolved = self._resolve(subject.idx, _PRONOUNS[lower], earlier)
            if resolved is None:
                return None
            return _Speaker(resolved.name, cue, min(confidence, _CONFIDENCE_PRONOUN), resolved.label)
        if subject.pos_ == "NOUN" or (subject.pos_ == "PROPN" and subject.text.islower()):
            if lemma_in(subject, _STATEMENT_NOUNS) is not None:
                # "his report said", "the Kok report said", "the letter from the Home Office says"
                for owner in subject.children:
                    if owner.dep_ in ("poss", "compound"):
                        found = self._speaker_from(owner, cue, earlier, confidence)
                        if found is not None:
                            return found
                if named_only:
                    return None
                found = self._maker_of(subject, earlier)
                return found if found is None or cue is None else replace(found, cue=cue)
            if named_only:
                return None
            return self._described(subject, cue, earlier)
        if subject.pos_ == "PROPN" and _demonym_token(subject):
            resolved = self._resolve(subject.idx, "person", earlier)
            if resolved is None:
                return None
            return _Speaker(resolved.name, cue, _CONFIDENCE_DESCRIPTION, resolved.label)
        if subject.pos_ == "PROPN":
            people = [
                self.mention_of_token[t.i]
                for t in subject.subtree
                if t.i in self.mention_of_token and self.mention_of_token[t.i].label in _PERSON_LABELS
            ]
            if people:
                return _Speaker(people[-1].name, cue, confidence, "PERSON")
            name = _name_after_titles(subject) or _proper_phrase(subject)
            if name:
                return _Speaker(name, cue, confidence, "")
        return None

    def _described(self, head: Token, cue: str | None, earlier: _Earlier) -> _Speaker | None:
        """'the firm', 'the 28-year-old', 'the Arsenal boss': the entity a description points to."""
        determiners = [c for c in head.children if c.dep_ in ("det", "poss")]
        if not determiners or determiners[0].lower_ not in ("the", "this", "that"):
            return None
        noun = lemma_in(head, _UNNAMED_ROLES | _ORG_NOUNS) or head.lower_
        if noun in _UNNAMED_ROLES:
            return None  # "the spokesman said": a role the article does not name
        if noun in _ORG_NOUNS:
            resolved = self._resolve(head.idx, "body", earlier)
        else:
            resolved = self._titled_person(noun, head.idx)
            resolved = resolved or self._resolve(head.idx, _noun_gender(noun), earlier)
        if resolved is None:
            return None
        return _Speaker(resolved.name, cue, _CONFIDENCE_DESCRIPTION, resolved.label)

    def _titled_person(self, noun: str, before: int) -> _Speaker | None:
        """The person an office names ("the prime minister" -> "Prime Minister Tony Blair")."""
        best: EntityMention | None = None
        for mention in self.mentions:
            if mention.start >= before:
                break
            if mention.label not in _PERSON_LABELS or self._inside_quote(mention.start):
                continue
            preceding = self.text[max(0, mention.start - 40) : mention.start].lower().split()
            if noun in mention.text.lower().split() or noun in preceding[-3:]:
                best = mention
        return None if best is None else _Speaker(best.name, None, _CONFIDENCE_DESCRIPTION, best.label)

    def _resolve(self, position: int, kind: str, earlier: _Earlier) -> _Speaker | None:
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
        for sentence in reversed(sentences):
            limit = min(sentence.end_char, position)
            for start, speaker in reversed(earlier):
                if sentence.start_char <= start < limit and speaker is not None:
                    if self._fits(speaker.label, speaker.name, kind):
                        return speaker
            linked = False
            for subject in self._main_subjects(sentence, limit):
                mention = self.mention_of_token.get(subject.i)
                if mention is not None:
                    if self._fits(mention.label, mention.name, kind):
                        return _Speaker(mention.name, None, _CONFIDENCE_PRONOUN, mention.label)
                    continue
                if subject.lower_ in _PRONOUNS and _PRONOUNS[subject.lower_] == kind:
                    linked = True
                    break
                unnamed = lemma_in(subject, _UNNAMED_PEOPLE) is not None
                if unnamed and kind in ("male", "female", "person") and not chained:
                    return None
            if linked:
                chained = True
                continue
            if chained:
                continue
            named = [
                m
                for m in self._mentions_between(sentence.start_char, limit)
                if self._fits(m.label, m.name, kind) and not self._inside_quote(m.start)
            ]
            prominent = self._most_prominent(self._outermost(named), sentence)
            if prominent is not None:
                return _Speaker(prominent.name, None, _CONFIDENCE_PRONOUN, prominent.label)
        for mention in reversed(self._mentions_between(window_start, position)):
            if self._fits(mention.label, mention.name, kind) and not self._inside_quote(mention.start):
                return _Speaker(mention.name, None, _CONFIDENCE_PRONOUN, mention.label)
        return None

    def _fits(self, label: str, name: str, kind: str) -> bool:
        """Whether an entity can be what a pronoun or description of ``kind`` refers to."""
        if not label:
            return kind not in ("group", "thing", "body")
        if kind in ("male", "female", "person"):
            gender = self.gender.get(entity_key(name))
            if label not in _PERSON_LABELS:
                # the small model tags some surnames as nationalities ("Campese"); a pronoun
                # seen referring to one shows it is a person
                return label == "NORP" and gender is not None and (kind == "person" or gender == kind)
            return kind == "person" or gender is None or gender == kind
        if kind == "group":
            return label in ("ORG", "NORP")
        return label in _BODY_LABELS and label != "GPE"

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
            if mention.label not in _PERSON_LABELS and mention.label != "NORP":
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
                gender = _PRONOUNS.get(token.lower_) if token.lower_ in ("he", "his", "she") else None
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


# --- token helpers ---------------------------------------------------------------------------


def _unnamed(cue: str) -> _Speaker:
    """A quotation attributed by a reporting verb to someone the text does not name."""
    return _Speaker("", cue, _CONFIDENCE_UNNAMED, "")


def _first_nominal(tokens: list[Token]) -> Token | None:
    """The head of the first noun phrase or pronoun among ``tokens``."""
    for token in tokens:
        if is_cue_form(token):
            continue
        if token.pos_ == "PRON" and token.lower_ in _PRONOUNS:
            return token
        if token.pos_ in ("PROPN", "NOUN"):
            head = token
            modifiers = ("compound", "amod", "nmod", "flat")
            while head.head.i != head.i and head.head in tokens and head.dep_ in modifiers:
                head = head.head
            return head
    return None


def _clause_tail(tokens: list[Token]) -> list[Token]:
    """The tokens after the last comma that is not part of an apposition."""
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].text in (",", ";", "(") and index < len(tokens) - 1:
            rest = tokens[index + 1 :]
            if rest[0].pos_ != "ADP" and any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in rest):
                return rest
    return tokens


def _proper_phrase(head: Token) -> str:
    """The name a proper-noun subject spells: its compounds and a following "of/by" phrase."""
    left = head
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "nmod") or (child.pos_ == "PROPN"):
            left = child
            break
    right = head
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "by", "for"):
            right = max(child.subtree, key=lambda t: t.i)
            break
    tokens = [t for t in head.doc[left.i : right.i + 1]]
    while tokens and (tokens[0].pos_ == "DET" or tokens[0].is_punct):
        tokens = tokens[1:]
    for index, token in enumerate(tokens):
        if token.is_punct and token.text not in ("-", "&", "."):
            tokens = tokens[:index]
            break
    name = "".join(t.text_with_ws for t in tokens).strip()
    if not name or not any(t.text[:1].isupper() for t in tokens):
        return ""
    return strip_title(name)


def _name_after_titles(head: Token) -> str:
    """A person's name at the end of a run of proper nouns that starts with their office.

    "Nottingham City Councillor Brian Parbutt" -> "Brian Parbutt", when the model found no
    name there; "" when the run holds no title word.
    """
    run = [head]
    while run[0].i > 0:
        left = head.doc[run[0].i - 1]
        if left.pos_ != "PROPN" or left.head.i not in {t.i for t in run}:
            break
        run.insert(0, left)
    titles = [index for index, token in enumerate(run) if is_title_word(token.text)]
    if not titles or titles[-1] == len(run) - 1 or titles[-1] == 0:
        return ""
    return " ".join(t.text for t in run[titles[-1] + 1 :])


def _governed_by(token: Token, governor: Token) -> bool:
    """True when ``token`` sits in an apposition or a prepositional phrase of ``governor``."""
    current, crossed = token, False
    while current.head.i != current.i:
        crossed = crossed or current.dep_ in ("appos", "prep", "pobj", "relcl", "acl")
        current = current.head
        if current.i == governor.i:
            return crossed
    return False


def _demonym_description(subject: Token, mention: EntityMention) -> bool:
    """"the ex-Wallaby", "the Dutchman": a singular nationality standing for a person."""
    if mention.label != "NORP" or subject.tag_ in ("NNPS", "NNS"):
        return False
    before = subject.doc[max(0, subject.i - 3) : subject.i]
    return any(t.lower_ in ("the", "ex") for t in before) or any(
        c.dep_ == "det" and c.lower_ == "the" for c in subject.children
    )


def _demonym_token(subject: Token) -> bool:
    """A lone proper noun standing for a person: "the ex-Wallaby", "the Welshman"."""
    if any(c.dep_ == "compound" for c in subject.children):
        return False
    before = subject.doc[max(0, subject.i - 3) : subject.i]
    if not any(t.lower_ == "the" for t in before):
        return False
    return any(t.lower_ == "ex" for t in before) or subject.lower_.endswith(("man", "woman"))


def _noun_gender(noun: str) -> str:
    if noun in _MALE_WORDS:
        return "male"
    if noun in _FEMALE_WORDS:
        return "female"
    return "person"
