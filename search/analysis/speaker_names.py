"""From a reporting verb or a subject token to a named speaker.

A reporting verb's subject (or passive agent) names its speaker; the subject may be an entity
mention, an apposition ("The Shadow Secretary, Theresa May, said"), a statement with an owner
("his report said", "the Kok report"), a pronoun or a description ("the firm", "the
28-year-old", "the ex-Wallaby") resolved through ``Referents``, or a proper noun the model did
not label ("Nottingham City Councillor Brian Parbutt"). A quotation can also be given as the
content of a named statement or proposal; ``SpeakerNames`` finds who made it.

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

import re

from dataclasses import replace
from typing import TYPE_CHECKING

from search.analysis.names import is_title_word, strip_title
from search.analysis.quote_kinds import SUBJECT_DEPS, is_cue_form, lemma_in
from search.analysis.referents import (
    BODY_LABELS,
    CONFIDENCE_ADJACENT,
    CONFIDENCE_DESCRIPTION,
    CONFIDENCE_PRONOUN,
    CONFIDENCE_SENTENCE,
    CONFIDENCE_STATEMENT,
    CONFIDENCE_UNNAMED,
    PERSON_LABELS,
    PRONOUNS,
    Earlier,
    Referents,
    Speaker,
    noun_gender,
)
from search.analysis.results import EntityMention
from search.analysis.speaker_kinds import ORG_NOUNS, indefinite_role

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["STATEMENT_NOUNS", "SpeakerNames", "first_nominal", "unnamed"]

STATEMENT_NOUNS = frozenset(
    """
    proposal statement declaration remark comment speech message letter report communique
    pledge promise vow appeal warning assessment viewpoint view verdict conclusion note text
    wording answer reply response word address testimony tweet post editorial column headline
    argument claim vision plan resolution recommendation suggestion call question observation
    """.split()
)
"""Nouns that name what someone said or wrote: a quotation may be given as their content."""

_UNNAMED_ROLES = frozenset(
    "spokesman spokeswoman spokesperson official source aide insider analyst expert".split()
)
"""The unnamed people who stay unnamed even with "the" ("the spokesman said"); "the man"
points back to someone named."""


class SpeakerNames(Referents):
    """Named speakers for reporting verbs, subjects and statements."""

    # -- from a cue or a subject to a named speaker --

    def _speaker_of_cue(
        self, cue: Token, context: list[Token], earlier: Earlier, confidence: float
    ) -> Speaker | None:
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
            subject = first_nominal(_clause_tail(before)) or first_nominal(after)
        if subject is None or self._inside_quote(subject.idx):
            return None
        return self._speaker_from(subject, cue.lower_, earlier, confidence)

    def _speaker_after(
        self, tokens: list[Token], cue: str, earlier: Earlier, confidence: float = CONFIDENCE_ADJACENT
    ) -> Speaker | None:
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
        office = _trailing_office(phrase)
        if office and not _is_person(self, phrase[-1]):
            # "says Ruritania's Prime Minister": the office speaks through whoever holds it
            holder = self._office_holder(office)
            if holder is not None:
                return replace(holder, cue=cue, confidence=min(confidence, holder.confidence))
        head = first_nominal(phrase)
        if head is not None and (indefinite_role(head) or head.lower_ in _UNNAMED_ROLES):
            # "said a spokeswoman for Acme, Jane Doe": the name after the comma; without one
            # the role names nobody, not the body it works for
            return self._appositive_name(tokens[len(phrase) :], cue, confidence)
        if head is not None:
            found = self._speaker_from(head, cue, earlier, confidence)
            if found is not None:
                return found
        named = [self.mention_of_token[t.i] for t in phrase if t.i in self.mention_of_token]
        people = [m for m in named if m.label in PERSON_LABELS] or named
        return Speaker(people[0].name, cue, confidence, people[0].label) if people else None

    def _appositive_name(self, tokens: list[Token], cue: str, confidence: float) -> Speaker | None:
        """The person named right after a comma that follows a role ("..., Jane Doe")."""
        if len(tokens) < 2 or tokens[0].text != ",":
            return None
        mention = self.mention_of_token.get(tokens[1].i)
        if mention is None or mention.label not in PERSON_LABELS or mention.start != tokens[1].idx:
            return None
        return Speaker(mention.name, cue, confidence, mention.label)

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
        self, subject: Token, cue: str | None, earlier: Earlier, confidence: float, named_only: bool = False
    ) -> Speaker | None:
        """A named speaker for a subject token: its mention, apposition, owner, or referent."""
        if subject.dep_ == "appos" and subject.head.i in self.mention_of_token:
            subject = subject.head  # "Pike, a 61-year-old baker, told": the name, not the role
        mention = self.mention_of_token.get(subject.i)
        if mention is not None and _demonym_description(subject, mention):
            resolved = self._resolve(subject.idx, "person", earlier)
            if resolved is None:
                return None
            return Speaker(resolved.name, cue, CONFIDENCE_DESCRIPTION, resolved.label)
        if mention is not None:
            mention = self.person_named_later(subject, mention)
            if mention.label in PERSON_LABELS | {"ORG"} and is_title_word(mention.name.split()[-1]):
                # the model's "person" "Supreme Leader" is an office: its holder speaks
                holder = self._office_holder(mention.name)
                if holder is not None:
                    return replace(holder, cue=cue)
            return Speaker(mention.name, cue, confidence, mention.label)
        for child in subject.children:
            # "The Shadow Secretary, Theresa May, said": the apposition is the name itself
            found = self.mention_of_token.get(child.i) if child.dep_ == "appos" else None
            if found is not None and found.label in PERSON_LABELS | BODY_LABELS:
                return Speaker(found.name, cue, confidence, found.label)
        if indefinite_role(subject):
            # "one Green Party MP said": a role names nobody, unless a name stands beside it
            for child in subject.children:
                found = self.mention_of_token.get(child.i) if child.dep_ == "appos" else None
                if found is not None and found.label in PERSON_LABELS:
                    return Speaker(found.name, cue, confidence, found.label)
            return None
        lower = subject.lower_
        if lower in PRONOUNS:
            resolved = self._resolve(subject.idx, PRONOUNS[lower], earlier)
            if resolved is None:
                return None
            return Speaker(resolved.name, cue, min(confidence, CONFIDENCE_PRONOUN), resolved.label)
        if subject.pos_ == "NOUN" or (subject.pos_ == "PROPN" and subject.text.islower()):
            if lemma_in(subject, STATEMENT_NOUNS) is not None:
                # "his report said", "the Kok report said", "the letter from the Home Office says"
                for owner in subject.children:
                    if owner.dep_ in ("poss", "compound"):
                        found = self._speaker_from(owner, cue, earlier, confidence)
                        if found is not None:
                            return replace(found, document=True)
                if named_only:
                    return None
                found = self._maker_of(subject, earlier) or self._statement_referent(subject, earlier)
                if found is None:
                    return None
                return replace(found, cue=cue or found.cue, document=True)
            if named_only:
                return None
            return self._described(subject, cue, earlier)
        if subject.pos_ == "PROPN" and _demonym_token(subject):
            resolved = self._resolve(subject.idx, "person", earlier)
            if resolved is None:
                return None
            return Speaker(resolved.name, cue, CONFIDENCE_DESCRIPTION, resolved.label)
        if subject.pos_ == "PROPN" and subject.i not in self.mention_of_token:
            known = self.person_by_surname(subject)
            if known is not None:
                return Speaker(known.name, cue, confidence, known.label)
        if subject.pos_ == "PROPN":
            people = [
                self.mention_of_token[t.i]
                for t in subject.subtree
                if t.i in self.mention_of_token and self.mention_of_token[t.i].label in PERSON_LABELS
            ]
            if people:
                return Speaker(people[-1].name, cue, confidence, "PERSON")
            name = _name_after_titles(subject) or _proper_phrase(subject)
            if name and is_title_word(name.split()[-1]):
                # "says Iran's Supreme Leader": an office, spoken for by the one who holds it
                holder = self._office_holder(name)
                return None if holder is None else replace(holder, cue=cue)
            if name:
                return Speaker(name, cue, confidence, "")
        return None

    def _office_holder(self, office: str) -> Speaker | None:
        """The person the article names right after ``office`` ("Supreme Leader Ayatollah Ali
        Khamenei"), anywhere outside quotations: a headline's office is named in the body."""
        wanted = re.compile(rf"\b{re.escape(office)}\s+(?:[A-Z][\w.-]*\s+)?$")
        for mention in self.mentions:
            if mention.label not in PERSON_LABELS or self._inside_quote(mention.start):
                continue
            before = self.text[max(0, mention.start - len(office) - 30) : mention.start]
            if wanted.search(before):
                return Speaker(mention.name, None, CONFIDENCE_DESCRIPTION, mention.label)
        return None

    def _statement_referent(self, noun: Token, earlier: Earlier) -> Speaker | None:
        """"the statement said": whoever made the statement named before, else the body meant.

        A definite statement noun with no owner of its own points back: to the maker of the
        same kind of statement a paragraph or so earlier ("the club said in its statement ...
        the statement said"), else to the nearest organisation that fits ("the report said"
        after "the National Audit Office found").
        """
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in noun.children):
            return None
        found = self._earlier_maker(noun, earlier)
        if found is not None:
            return found
        resolved = self._resolve(noun.idx, "body", earlier)
        if resolved is None:
            return None
        return Speaker(resolved.name, None, CONFIDENCE_DESCRIPTION, resolved.label)

    def _described(self, head: Token, cue: str | None, earlier: Earlier) -> Speaker | None:
        """'the firm', 'the 28-year-old', 'the Arsenal boss': the entity a description points to."""
        determiners = [c for c in head.children if c.dep_ in ("det", "poss")]
        if not determiners or determiners[0].lower_ not in ("the", "this", "that"):
            return None
        noun = lemma_in(head, _UNNAMED_ROLES | ORG_NOUNS) or head.lower_
        if noun in _UNNAMED_ROLES:
            return None  # "the spokesman said": a role the article does not name
        if noun in ORG_NOUNS:
            resolved = self._resolve(head.idx, "body", earlier)
        else:
            resolved = self._titled_person(noun, head.idx)
            resolved = resolved or self._resolve(head.idx, noun_gender(noun), earlier)
        if resolved is None:
            return None
        return Speaker(resolved.name, cue, CONFIDENCE_DESCRIPTION, resolved.label)

    def _statement_in(
        self, tokens: list[Token], earlier: Earlier, look_back: bool = False
    ) -> Speaker | None:
        """Who made the statement named among ``tokens`` (rightmost statement noun first)."""
        for token in reversed(tokens):
            if token.pos_ != "NOUN" or lemma_in(token, STATEMENT_NOUNS) is None:
                continue
            found = self._maker_of(token, earlier)
            if found is not None:
                return found
            if look_back:
                found = self._earlier_maker(token, earlier)
                if found is not None:
                    return found
        return None

    def _maker_of(self, noun: Token, earlier: Earlier) -> Speaker | None:
        """The owner of a statement noun: "his report", "the statement by X", "X made proposals"."""
        for child in noun.children:
            if child.dep_ == "poss":
                return self._speaker_from(child, noun.text.lower(), earlier, CONFIDENCE_STATEMENT)
            owner = self.mention_of_token.get(child.i) if child.dep_ == "compound" else None
            if owner is not None and owner.label in PERSON_LABELS | BODY_LABELS:
                # "a U.S. Embassy report", "the Kok report": the body or person who wrote it
                return Speaker(owner.name, noun.text.lower(), CONFIDENCE_STATEMENT, owner.label, True)
            if child.dep_ == "prep" and child.lower_ in ("by", "of", "from"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and (objects[0].i in self.mention_of_token or objects[0].pos_ == "PROPN"):
                    return self._speaker_from(objects[0], noun.text.lower(), earlier, CONFIDENCE_STATEMENT)
        if noun.dep_ in ("dobj", "attr", "pobj") and noun.head.pos_ in ("VERB", "AUX"):
            verb = noun.head
            subject = self._subject_of(verb) or self._named_before(verb)
            if subject is not None:
                return self._speaker_from(
                    subject, verb.text.lower(), earlier, CONFIDENCE_STATEMENT, named_only=True
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

    def _earlier_maker(self, noun: Token, earlier: Earlier) -> Speaker | None:
        """"One of four proposals was to "..."": who made the proposals, a few sentences back."""
        lemma = lemma_in(noun, STATEMENT_NOUNS)
        window_start = self._paragraph_start_back(noun.idx, 4)
        for token in reversed(self.doc[: noun.i]):
            if token.idx < window_start:
                break
            if lemma_in(token, STATEMENT_NOUNS) == lemma and not self._inside_quote(token.idx):
                found = self._maker_of(token, earlier)
                if found is not None:
                    return found
        return None

    def _statement_after(self, tokens: list[Token], earlier: Earlier) -> Speaker | None:
        """'"...," is the assessment of X' after the quotation."""
        for position, token in enumerate(tokens[:8]):
            if token.pos_ == "NOUN" and lemma_in(token, STATEMENT_NOUNS) is not None:
                rest = tokens[position + 1 :]
                if rest and rest[0].lower_ in ("of", "by", "from"):
                    return self._speaker_after(rest[1:], token.text.lower(), earlier, CONFIDENCE_SENTENCE)
        return None

# --- token helpers ---------------------------------------------------------------------------


def unnamed(cue: str) -> Speaker:
    """A quotation attributed by a reporting verb to someone the text does not name."""
    return Speaker("", cue, CONFIDENCE_UNNAMED, "")


def first_nominal(tokens: list[Token]) -> Token | None:
    """The head of the first noun phrase or pronoun among ``tokens``."""
    for token in tokens:
        if is_cue_form(token):
            continue
        if token.pos_ == "PRON" and token.lower_ in PRONOUNS:
            return token
        if token.pos_ in ("PROPN", "NOUN"):
            head = token
            modifiers = ("compound", "amod", "nmod", "flat")
            while head.head.i != head.i and head.head in tokens and head.dep_ in modifiers:
                head = head.head
            return head
    return None


def _is_person(names: SpeakerNames, token: Token) -> bool:
    """True when ``token`` lies in a person's mention ("says King" is Jason King, no king)."""
    mention = names.mention_of_token.get(token.i)
    return mention is not None and mention.label in PERSON_LABELS


def _trailing_office(phrase: list[Token]) -> str:
    """The capitalised office a phrase ends with ("Ruritania's Prime Minister" -> "Prime
    Minister"), or "" when its last word is no title or a name follows the office."""
    if not phrase or not phrase[-1].text[:1].isupper() or not is_title_word(phrase[-1].text):
        return ""
    words: list[str] = []
    for token in reversed(phrase):
        if not token.text[:1].isupper() or token.pos_ != "PROPN" and not is_title_word(token.text):
            break
        words.insert(0, token.text)
    return " ".join(words)


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


