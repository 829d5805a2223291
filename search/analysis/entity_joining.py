"""Entity mentions joined within a document: one entity per real-world name.

``search/analysis/entities.py`` cleans spaCy's spans into ``CleanMention`` records; here the
cleaned mentions of a whole document (all of its pieces, when it was analysed in pieces) are
joined: the shorter and titled forms of a person's name ("President Lee", "Lee") under its
fullest form ("Lee Jae-myung"), an acronym under the name it abbreviates, and each entity
given one label and one display name.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from search.analysis.names import GENERATIONS, alias_label, display_name, entity_key, strip_title
from search.analysis.results import EntityMention

NAME_LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE".split()
)
"""Labels of names, as opposed to amounts and dates; only names are joined and relabelled."""


@dataclass(frozen=True)
class CleanMention:
    """One cleaned span before joining: what ``join_mentions`` needs to know about it."""

    start: int
    end: int
    text: str
    label: str
    acronym: str | None = None
    """An acronym defined right after this name ("World Trade Organization (WTO)")."""
    titled: bool = False
    """A title comes right before the name or starts it ("President Lee", "Mr Blair")."""
    headline: bool = False
    """The mention is in a headline (``headlines.py``): it may join a name of the body but
    never names or absorbs one."""
    title_case: bool = False
    """The headline is in title case, where capitals prove nothing: the mention is kept only
    as far as names of the body support it."""
    ruled: bool = False
    """A label rule (``label_rules.py``) decided the label: it outweighs the model's guesses
    on the other mentions of the name."""

    def shifted(self, offset: int) -> CleanMention:
        """The same mention in a text where this one's text begins at ``offset``."""
        return replace(self, start=self.start + offset, end=self.end + offset)


def join_mentions(mentions: Sequence[CleanMention]) -> list[EntityMention]:
    """One entity per real-world name within a document: every mention gets its full name.

    A person's shorter or titled forms ("President Lee", "Lee") join the one fuller name that
    contains them ("Lee Jae-myung"); a form that fits several people ("Kim" beside "Kim
    Hong-kyun" and "Kim Jong-un") stays an entity of its own, since guessing would hand one
    person's words to another. "Jr."/"Sr."/"II" make another person: "Ann Lee Jr." never takes
    "Ann Lee"'s mentions nor gives her its own. A lone word tagged as a place or organisation
    that is part of a person's name becomes that person. An acronym defined in brackets joins
    the name it abbreviates. Headline mentions are cut to the name of the body they contain
    and never name an entity the body names. Equal keys are one entity, whose label is the
    most common one among its mentions.
    """
    mentions = _fit_headlines(mentions)
    untitled = [strip_title(m.text) if m.label in NAME_LABELS else m.text for m in mentions]
    labels = [m.label for m in mentions]
    ruled = [m.ruled for m in mentions]
    forms = [u if m.label == "PERSON" else m.text for m, u in zip(mentions, untitled)]
    keys = [entity_key(f) for f in forms]
    people = _People(mentions, forms, keys)
    joined = list(keys)
    for i, mention in enumerate(mentions):
        if mention.label not in NAME_LABELS:
            continue
        if mention.label == "PERSON":
            fuller = people.fuller(_parts(forms[i]), keys[i])
            joined[i] = fuller or people.resolve(keys[i])
            continue
        parts = _parts(untitled[i])
        if len(parts) != 1 or alias_label(entity_key(untitled[i])) or not _may_be_person(mention):
            continue
        fuller = people.fuller(parts, "")
        if fuller is not None:
            joined[i], labels[i], forms[i] = fuller, "PERSON", untitled[i]
            ruled[i] = False
    acronyms = _acronyms(mentions, keys)
    for i, mention in enumerate(mentions):
        owner = acronyms.get(joined[i])
        if owner is not None and mention.label in NAME_LABELS and labels[i] != "PERSON":
            joined[i], labels[i] = owner
            ruled[i] = False

    groups: dict[str, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        group = joined[i] if labels[i] in NAME_LABELS else f"{labels[i]}\0{joined[i]}"
        groups[group].append(i)
    result: list[EntityMention] = []
    for members in groups.values():
        decided = [labels[i] for i in members if ruled[i]]
        label = _best_label(decided or [labels[i] for i in members])
        body = [i for i in members if not mentions[i].headline] or members
        name = _best_name([forms[i] for i in body], label in NAME_LABELS)
        key = entity_key(name)
        name = display_name(key) or name
        for i in members:
            m = mentions[i]
            result.append(EntityMention(m.start, m.end, m.text, label, key, name))
    result.sort(key=lambda m: (m.start, m.end))
    return result


def _fit_headlines(mentions: Sequence[CleanMention]) -> list[CleanMention]:
    """Title-case headline mentions cut to what the body's names support, or dropped.

    "Hammered Ann Lee Hits Back" -> "Ann Lee" when the body names "Ann Lee" (the longest run of
    words one name of the body contains); a mention each of whose words some name of the body
    has stays whole ("Ann Lee" when the body says "Ann" and "Mrs Lee"); a mention the body
    does not support at all is dropped ("Halts Funding For Clean Water").
    """
    if not any(m.title_case for m in mentions):
        return list(mentions)
    names = {
        frozenset(_parts(strip_title(m.text)))
        for m in mentions
        if not m.headline and m.label in NAME_LABELS
    }
    names.discard(frozenset())
    known = frozenset().union(*names) if names else frozenset()
    fitted = []
    for mention in mentions:
        if mention.title_case and mention.label in NAME_LABELS:
            fit = _fit_one(mention, names, known)
            if fit is None:
                continue
            mention = fit
        fitted.append(mention)
    return fitted


_JOINING_WORDS = frozenset({"of", "for", "the", "and", "in", "on", "at", "to", "a", "an", "de"})
"""Words inside names ("Bank of England") that never begin or end one."""


def _fit_one(
    mention: CleanMention, names: set[frozenset[str]], known: frozenset[str]
) -> CleanMention | None:
    words = [
        (m.start(), m.end(), entity_key(m.group())) for m in re.finditer(r"\S+", mention.text)
    ]
    keys = {k for _, _, k in words if k}
    if keys and keys <= known:
        return mention
    best: tuple[int, int] | None = None
    for i in range(len(words)):
        if words[i][2] in _JOINING_WORDS:
            continue
        for j in range(len(words), i, -1):
            if best is not None and j - i <= best[1] - best[0]:
                break
            if words[j - 1][2] in _JOINING_WORDS:
                continue
            run = {k for _, _, k in words[i:j] if k}
            if run and any(run <= name for name in names):
                best = (i, j)
                break
    if best is None:
        return None
    start, end = words[best[0]][0], words[best[1] - 1][1]
    return replace(
        mention,
        start=mention.start + start,
        end=mention.start + end,
        text=mention.text[start:end],
    )


class _People:
    """The full (two or more word) person names of a document's body, indexed by name part.

    Headline mentions are left out: "Ann Lee Wins" in a title must not become the fuller name
    of every "Ann Lee" of the body.
    """

    def __init__(self, mentions: Sequence[CleanMention], forms: list[str], keys: list[str]) -> None:
        self.parts: dict[str, frozenset[str]] = {}
        self.by_part: dict[str, set[str]] = defaultdict(set)
        self.shouted: set[str] = set()
        """Names only ever written in capitals ("HALTS TRUMP"), often a heading's words run on."""
        written: set[str] = set()
        for mention, form, key in zip(mentions, forms, keys):
            if mention.label != "PERSON" or mention.headline:
                continue
            parts = _parts(form)
            if len(parts) < 2:
                continue
            if not form.isupper():
                written.add(key)
            if key not in self.parts:
                self.parts[key] = frozenset(parts)
                for part in parts:
                    self.by_part[part].add(key)
        self.shouted = set(self.parts) - written
        self._resolved: dict[str, str] = {}

    def fuller(self, parts: tuple[str, ...], own: str) -> str | None:
        """The key of the one person whose fuller name contains ``parts``, resolved; None when
        there is no such name, or when several people have one ("Kim" of "Kim Jong-un" and
        "Kim Hong-kyun"): then the form stays ambiguous, an entity of its own.

        A form of two words or more without "Jr."/"Sr." never joins a name with one: "Ann Lee"
        is not "Ann Lee Jr.". A lone word ("Lee") may: it names the son when he is the only Lee.
        """
        if not parts or not self.parts:
            return None
        wanted = set(parts)
        candidates = set.intersection(*(self.by_part.get(p, set()) for p in wanted))
        candidates = {k for k in candidates if k != own and len(self.parts[k]) > len(wanted)}
        if len(wanted) > 1 and not wanted & GENERATIONS:
            candidates = {k for k in candidates if not self.parts[k] & GENERATIONS}
        if len(candidates) > 1 and candidates - self.shouted:
            candidates -= self.shouted
        people = {self.resolve(k) for k in candidates}
        if len(people) != 1:
            return None
        return people.pop()

    def resolve(self, key: str) -> str:
        """Follow a full name to a yet fuller one: "Lee Jae" -> "Lee Jae-myung"."""
        if key not in self.parts:
            return key
        if key not in self._resolved:
            self._resolved[key] = key  # guards against cycles while resolving
            fuller = self.fuller(tuple(self.parts[key]), key)
            self._resolved[key] = fuller or key
        return self._resolved[key]


def _may_be_person(mention: CleanMention) -> bool:
    """Whether a lone word tagged as something else may be a person's name part.

    Organisations and products are often surnames the model misread; a place only when a
    title says otherwise ("President Lee"), since "England" in "Tudor England" is a place.
    """
    return mention.titled or mention.label not in {"GPE", "LOC", "NORP", "LANGUAGE"}


def _parts(name: str) -> tuple[str, ...]:
    return tuple(k for k in (entity_key(word) for word in name.split()) if k)


def _acronyms(mentions: Sequence[CleanMention], keys: list[str]) -> dict[str, tuple[str, str]]:
    """Acronym key -> (key, label) of the name it was defined after, within this document."""
    defined: dict[str, tuple[str, str]] = {}
    for mention, key in zip(mentions, keys):
        if mention.acronym and mention.label in NAME_LABELS and mention.label != "PERSON":
            acronym = entity_key(mention.acronym)
            if acronym != key and acronym not in defined:
                defined[acronym] = (key, mention.label)
    return defined


def _best_name(forms: list[str], fullest: bool) -> str:
    """A name's fullest form (most words, then longest), then its most frequent one.

    Amounts and dates have no fullest form: the most frequent wins, and a lowercase one
    beats a capital that only starts a sentence ("last year", not "Last year").
    """
    counts = Counter(forms)
    first = {form: -i for i, form in reversed(list(enumerate(forms)))}
    if fullest:
        return max(
        counts, key=lambda f: (len(f.split()), len(f), not f.isupper(), counts[f], first[f])
    )
    return max(counts, key=lambda f: (counts[f], f[:1].islower(), first[f]))


def _best_label(labels: list[str]) -> str:
    """The most common label; PERSON wins a tie, since a joined name is a person's."""
    counts = Counter(labels)
    return max(counts, key=lambda lab: (counts[lab], lab == "PERSON"))
