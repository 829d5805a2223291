"""Which mentions can be speakers, and what kind of source a speaker is.

A quotation's speaker is a person, an organisation, or a document standing for its maker
("the declaration said"). The model's mentions also hold adjectives ("Scottish", "Democratic"),
fragments of foreign text it took for names ("wil Amsterdam") and roles ("Green Party MP"):
attribution must never hand a quotation to one of those, so they are fixed or dropped here,
once per document, before any rule looks at a mention.

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from search.analysis.names import entity_key
from search.analysis.results import EntityMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ORG_NOUNS",
    "ROLE_NOUNS",
    "indefinite_role",
    "source_label",
    "speaking_mentions",
]

ORG_NOUNS = frozenset(
    """
    company firm group agency bank club paper newspaper daily magazine organisation
    organization body network broadcaster retailer airline carrier maker giant operator ministry
    department council committee union association federation party team side regulator
    watchdog monopoly government administration board charity institute commission court
    """.split()
)
"""Heads of descriptions that refer back to an organisation ("the firm said")."""

ROLE_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson spokespeople official officials source sources aide aides
    insider analyst analysts expert experts mp mps lawmaker lawmakers legislator diplomat
    diplomats representative executive employee worker resident residents witness witnesses
    """.split()
)
"""Roles that name nobody: "one Green Party MP said", "a senior U.S. Official replied"."""

_PARTICLES = frozenset("de van von da di le la al el bin ibn ter den der du dos das del".split())
"""Lower-case words that may open a real name ("de Gaulle", "van Gaal")."""

_PERSON = frozenset({"PERSON"})
_ORG_LIKE = frozenset({"ORG", "NORP", "GPE", "FAC", "LAW", "WORK_OF_ART", "PRODUCT", "EVENT", "LOC"})


def speaking_mentions(doc: Doc, mentions: Sequence[EntityMention]) -> list[EntityMention]:
    """The mentions attribution may use, with "Scottish" + "government" joined into one body.

    A fragment (a name whose first word is lower case and no particle, as the model reads a
    Dutch tweet's "wil Amsterdam") is dropped. A one-word nationality adjective right before an
    organisation noun ("the Norwegian government said") becomes that organisation, so the
    government, not the adjective, is the speaker.
    """
    kept: list[EntityMention] = []
    for mention in mentions:
        first = mention.name.split()[0] if mention.name.split() else ""
        if not first or (first[:1].islower() and first.casefold() not in _PARTICLES):
            continue
        if mention.label == "NORP":
            joined = _with_org_noun(doc, mention)
            if joined is not None:
                kept.append(joined)
                continue
        kept.append(mention)
    return kept


def _with_org_noun(doc: Doc, mention: EntityMention) -> EntityMention | None:
    """"Scottish" in "the Scottish government" as the body "Scottish government", else None."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or len(span) != 1 or span.end >= len(doc):
        return None
    noun = doc[span.end]
    if span[0].head.i != noun.i or noun.lower_ not in ORG_NOUNS:
        return None
    name = f"{mention.text} {noun.text}"
    return EntityMention(
        start=mention.start,
        end=noun.idx + len(noun.text),
        text=name,
        label="ORG",
        key=entity_key(name),
        name=name,
    )


def indefinite_role(head: Token) -> bool:
    """A role with "a", "an", "one" or no article: "a senior U.S. Official", "one Green Party MP"."""
    if head.lower_ not in ROLE_NOUNS:
        return False
    articles = [c.lower_ for c in head.children if c.dep_ in ("det", "nummod")]
    return not articles or articles[0] in ("a", "an", "one", "another", "two", "three")


def source_label(label: str, document: bool) -> str | None:
    """"PERSON", "ORG" or "DOCUMENT" for a speaker's entity label (None: no kind known)."""
    if document:
        return "DOCUMENT"
    if label in _PERSON:
        return "PERSON"
    if label in _ORG_LIKE:
        return "ORG"
    return None
