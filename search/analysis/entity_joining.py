"""Entity mentions joined within a document: one entity per real-world name.

``search/analysis/entities.py`` cleans spaCy's spans into ``CleanMention`` records; here the
cleaned mentions of a whole document (all of its pieces, when it was analysed in pieces) are
joined: the shorter and titled forms of a person's name ("President Lee", "Lee") under its
fullest form ("Lee Jae-myung"), an acronym under the name it abbreviates, and each entity
given one label and one display name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from search.analysis.names import alias_label, display_name, entity_key, strip_title
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

    def shifted(self, offset: int) -> CleanMention:
        """The same mention in a text where this one's text begins at ``offset``."""
        return replace(self, start=self.start + offset, end=self.end + offset)


def join_mentions(mentions: Sequence[CleanMention]) -> list[EntityMention]:
    """One entity per real-world name within a document: every mention gets its full name.

    A person's shorter or titled forms ("President Lee", "Lee") join the fuller name that
    contains them ("Lee Jae-myung"), the nearest one before (else after) when two people share a
    surname; a lone word tagged as a place or organisation that is part of a person's name
    becomes that person. An acronym defined in brackets joins the name it abbreviates. Equal
    keys are one entity, whose label is the most common one among its mentions.
    """
    untitled = [strip_title(m.text) if m.label in NAME_LABELS else m.text for m in mentions]
    labels = [m.label for m in mentions]
    forms = [u if m.label == "PERSON" else m.text for m, u in zip(mentions, untitled)]
    keys = [entity_key(f) for f in forms]
    people = _People(mentions, forms, keys)
    joined = list(keys)
    for i, mention in enumerate(mentions):
        if mention.label not in NAME_LABELS:
            continue
        if mention.label == "PERSON":
            fuller = people.fuller(_parts(forms[i]), mention.start, keys[i])
            joined[i] = fuller or people.resolve(keys[i])
            continue
        parts = _parts(untitled[i])
        if len(parts) != 1 or alias_label(entity_key(untitled[i])) or not _may_be_person(mention):
            continue
        fuller = people.fuller(parts, mention.start, "")
        if fuller is not None:
            joined[i], labels[i], forms[i] = fuller, "PERSON", untitled[i]
    acronyms = _acronyms(mentions, keys)
    for i, mention in enumerate(mentions):
        owner = acronyms.get(joined[i])
        if owner is not None and mention.label in NAME_LABELS and labels[i] != "PERSON":
            joined[i], labels[i] = owner

    groups: dict[str, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        group = joined[i] if labels[i] in NAME_LABELS else f"{labels[i]}\0{joined[i]}"
        groups[group].append(i)
    result: list[EntityMention] = []
    for members in groups.values():
        label = _best_label([labels[i] for i in members])
        name = _best_name([forms[i] for i in members], label in NAME_LABELS)
        key = entity_key(name)
        name = display_name(key) or name
        for i in members:
            m = mentions[i]
            result.append(EntityMention(m.start, m.end, m.text, label, key, name))
    result.sort(key=lambda m: (m.start, m.end))
    return result


class _People:
    """The full (two or more word) person names of a document, indexed by name part."""

    def __init__(self, mentions: Sequence[CleanMention], forms: list[str], keys: list[str]) -> None:
        self.parts: dict[str, frozenset[str]] = {}
        self.starts: dict[str, list[int]] = defaultdict(list)
        self.by_part: dict[str, set[str]] = defaultdict(set)
        for mention, form, key in zip(mentions, forms, keys):
            if mention.label != "PERSON":
                continue
            parts = _parts(form)
            if len(parts) < 2:
                continue
            self.starts[key].append(mention.start)
            if key not in self.parts:
                self.parts[key] = frozenset(parts)
                for part in parts:
                    self.by_part[part].add(key)
        self._resolved: dict[str, str] = {}

    def fuller(self, parts: tuple[str, ...], position: int, own: str) -> str | None:
        """The key of the fuller name containing ``parts`` nearest ``position``, resolved."""
        if not parts or not self.parts:
            return None
        candidates = set.intersection(*(self.by_part.get(p, set()) for p in parts))
        candidates = {k for k in candidates if k != own and len(self.parts[k]) > len(set(parts))}
        if not candidates:
            return None
        return self.resolve(self._nearest(candidates, position))

    def resolve(self, key: str) -> str:
        """Follow a full name to a yet fuller one: "Lee Jae" -> "Lee Jae-myung"."""
        if key not in self.parts:
            return key
        if key not in self._resolved:
            self._resolved[key] = key  # guards against cycles while resolving
            parts = tuple(self.parts[key])
            fuller = self.fuller(parts, self.starts[key][0], key)
            self._resolved[key] = fuller or key
        return self._resolved[key]

    def _nearest(self, candidates: set[str], position: int) -> str:
        """The candidate mentioned last before ``position``, else the first one after it."""
        best_before: tuple[int, str] | None = None
        best_after: tuple[int, str] | None = None
        for key in candidates:
            starts = self.starts[key]
            index = bisect_right(starts, position)
            if index and (best_before is None or starts[index - 1] > best_before[0]):
                best_before = (starts[index - 1], key)
            if index < len(starts) and (best_after is None or starts[index] < best_after[0]):
                best_after = (starts[index], key)
        chosen = best_before or best_after
        assert chosen is not None
        return chosen[1]


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
        return max(counts, key=lambda f: (len(f.split()), len(f), counts[f], first[f]))
    return max(counts, key=lambda f: (counts[f], f[:1].islower(), first[f]))


def _best_label(labels: list[str]) -> str:
    """The most common label; PERSON wins a tie, since a joined name is a person's."""
    counts = Counter(labels)
    return max(counts, key=lambda lab: (counts[lab], lab == "PERSON"))
