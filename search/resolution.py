"""Corpus-level entity resolution: which stored entity keys are one real-world entity.

Analysis joins the names of one document ("Donald Trump", "Mr Trump", "Trump" in one article
are one person) and stores each mention with its entity key. Across documents equal keys
meet, but nothing more: "Mary K. Jones" and "Mary Jones" stayed two people, a bare "Jones"
in an article that never gives her first name a third, and one key tagged PERSON here and ORG
there two entities with two labels. This module decides, once per analysis generation, over
the distinct (key, label, name) groups rather than the mentions (a few hundred thousand rows
for 40,000 news articles, not millions):

- full names with and without middle initials are one person, titles aside ("Mary K. Jones",
  "Mary Jones", "Dr Mary Jones"); two different middles ("George W." and "George H. W.")
  stay apart, and the bare "George Bush" joins one of them only when it clearly dominates;
- "Jr."/"Sr." and numerals are part of the identity: "Ann Lee Jr." never joins "Ann Lee";
- a bare surname joins a full name only when one person clearly dominates that surname in
  the corpus (``SURNAME_SHARE`` of its full-name mentions, and nobody else above
  ``SURNAME_OTHERS``); a surname several people share stays its own, ambiguous, entity;
- the label is voted by every mention of the entity, one label everywhere, and marked
  ``disputed`` when the minority is large (``DISPUTE_SHARE`` and ``DISPUTE_MENTIONS``).

Pure data work, no SQL and no spaCy: ``Catalog.resolution`` feeds it and caches the answer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from search.analysis.names import alias_label, display_name, entity_key, strip_title

SURNAME_SHARE = 0.85
"""A bare surname joins the full name holding at least this share of the full-name mentions
of people of that surname..."""
SURNAME_OTHERS = 0.1
"""...when no other person of that surname has more than this share of the dominant one's
mentions (nor more than ``SURNAME_FEW`` mentions, whichever is larger). "Clinton" in US news:
Hillary 3,000, Bill 500, so it stays ambiguous; "Trump": Donald 5,000, Donald Jr. 50, joined;
"Obama": Barack 141, Michelle 9, joined (at 0.05 it stayed apart, 114 mentions of "Obama")."""
SURNAME_FEW = 3
MIDDLE_SHARE = 0.85
"""A full name without middle initials joins the one variant with them that holds this share
of the variants' mentions, when several variants exist ("George W. Bush" and "George H. W.")."""
DISPUTE_SHARE = 0.2
"""A label is disputed when the mentions voting otherwise are at least this share..."""
DISPUTE_MENTIONS = 3
"""...and at least this many."""

_SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}
"""Generational suffixes: part of who a person is, never dropped to join a name."""
_INITIAL = re.compile(r"[^\W\d_]\.?|(?:[^\W\d_]\.){2,}", re.UNICODE)
"""A middle initial ("K.", "K") or a run of them ("H.W.")."""


class ResolvedEntity(NamedTuple):
    """One entity of the corpus: the keys its mentions are stored under, and what it is.

    A named tuple: a corpus has one per distinct key or so (170,000 for 40,000 news
    articles), and a frozen dataclass took three times as long to make."""

    key: str
    """Its identity: the entity key of its main name."""
    name: str
    label: str
    keys: frozenset[str]
    """The stored mention keys that are this entity."""
    count: int
    """Mentions in the whole corpus."""
    disputed: bool = False
    votes: tuple[tuple[str, int], ...] = ()
    """(label, mentions), most first, when disputed."""
    curated: bool = False
    extra_aliases: tuple[str, ...] = ()
    """Names a correction brought (a merged entity's, a renamed one's old name)."""
    hidden: bool = False
    """The user hid it as junk: gone from every list, count and field query."""


@dataclass
class Resolution:
    """Every entity of the corpus, and which entity each stored mention key belongs to."""

    entities: dict[str, ResolvedEntity] = field(default_factory=dict)
    """By entity key."""
    owner: dict[str, str] = field(default_factory=dict)
    """Stored mention key -> entity key."""
    key_counts: dict[str, int] = field(default_factory=dict)
    """Mentions of each stored key in the whole corpus."""
    curated_keys: set[str] = field(default_factory=set)
    """Entities a correction changed: the only ones whose names may not be stored keys."""

    def entity_of(self, key: str | None) -> ResolvedEntity | None:
        """The entity a stored mention key (or a speaker key) belongs to."""
        if not key:
            return None
        owner = self.owner.get(key)
        return self.entities.get(owner) if owner else None

    def named(self, key: str) -> list[ResolvedEntity]:
        """Entities a name's key stands for directly: a stored key of theirs, or the key of
        their (possibly renamed) name. Hidden ones included: the caller decides."""
        found: dict[str, ResolvedEntity] = {}
        entity = self.entity_of(key)
        if entity is not None:
            found[entity.key] = entity
        for candidate in self._by_name().get(key, ()):
            found.setdefault(candidate.key, candidate)
        return list(found.values())

    def _by_name(self) -> dict[str, list[ResolvedEntity]]:
        """Entities by the keys of names a correction gave them (a new name, a merged
        entity's): automatic names are found through ``owner``, their keys being stored."""
        index: dict[str, list[ResolvedEntity]] = defaultdict(list)
        for entity_key_ in self.curated_keys:
            entity = self.entities.get(entity_key_)
            if entity is None:
                continue
            for name in (entity.name, *entity.extra_aliases):
                index[entity_key(name)].append(entity)
        return index

    def copy(self) -> Resolution:
        """A copy whose entities and owners can be changed (by curations) without touching
        the cached automatic resolution (a copy of 170,000 entities takes about 20 ms)."""
        return Resolution(
            dict(self.entities), dict(self.owner), self.key_counts, set(self.curated_keys)
        )

    def put(self, entity: ResolvedEntity) -> None:
        """Add or replace ``entity`` and point its keys at it."""
        self.entities[entity.key] = entity
        for key in entity.keys:
            self.owner[key] = entity.key
        if entity.curated or entity.extra_aliases:
            self.curated_keys.add(entity.key)


class _KeyFacts:
    """What the stored groups say about one mention key: its label votes and names (plain
    dicts: there are as many of these as distinct keys, 170,000 for 40,000 news articles)."""

    __slots__ = ("votes", "names", "total")

    def __init__(self) -> None:
        self.votes: dict[str, int] = {}
        self.names: dict[str, int] = {}
        self.total = 0

    def add(self, label: str, name: str, count: int) -> None:
        self.votes[label] = self.votes.get(label, 0) + count
        self.names[name] = self.names.get(name, 0) + count
        self.total += count


@dataclass(frozen=True)
class _PersonName:
    """A person's name split for joining: ("mary", "k", "jones", "") for "Mary K. Jones"."""

    first: str
    middle: str
    """Initials only, as a key ("hw"); "" without."""
    last: str
    suffix: str
    """"Jr." and the like, as a key; "" without."""
    plain: bool
    """The middle is initials or nothing: the name may join its variants."""
    words: int


def resolve(groups: Iterable[tuple[str, str, str, int]]) -> Resolution:
    """Resolve the corpus' entities from its (key, label, name, mentions) groups."""
    facts: dict[str, _KeyFacts] = {}
    for key, label, name, count in groups:
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = _KeyFacts()
        fact.add(label, name, count)
    resolution = Resolution(key_counts={key: fact.total for key, fact in facts.items()})

    people: dict[str, _PersonName] = {}
    for key, fact in facts.items():
        if "PERSON" in fact.votes and _majority(key, fact.votes) == "PERSON":
            parsed = _person(max(fact.names.items(), key=lambda item: (item[1], item[0]))[0])
            if parsed is not None:
                people[key] = parsed
    groups_of: dict[str, set[str]] = {}
    root: dict[str, str] = {}

    def join(into: str, key: str) -> None:
        a, b = root.get(into, into), root.get(key, key)
        if a == b:
            return
        merged = groups_of.setdefault(a, {a})
        merged |= groups_of.pop(b, {b})
        for member in merged:
            root[member] = a

    _join_full_names(people, facts, join)
    _join_surnames(people, facts, root, groups_of, join)

    entities = resolution.entities
    owner = resolution.owner
    for key, fact in facts.items():
        if key in root:
            continue  # one of several keys of an entity: made below
        entity = _single(key, fact)
        entities[key] = entity
        owner[key] = key
    for members in groups_of.values():
        resolution.put(_entity(members, facts))
    return resolution


def _majority(key: str, votes: dict[str, int]) -> str:
    fixed = alias_label(key)
    if fixed:
        return fixed
    if len(votes) == 1:
        return next(iter(votes))
    return min(votes.items(), key=lambda item: (-item[1], item[0]))[0]


def _person(name: str) -> _PersonName | None:
    """A person's name split into parts, or None for something that is not one."""
    words = strip_title(name).replace(",", " ").split()
    suffix = ""
    if len(words) > 1 and words[-1].casefold().rstrip(".") in _SUFFIXES:
        suffix = words.pop().casefold().rstrip(".")
    if not words:
        return None
    if len(words) == 1:
        return _PersonName("", "", entity_key(words[0]), suffix, True, 1)
    middle = words[1:-1]
    plain = all(_INITIAL.fullmatch(word) for word in middle)
    return _PersonName(
        entity_key(words[0]),
        entity_key("".join(middle)) if plain else entity_key(" ".join(middle)),
        entity_key(words[-1]),
        suffix,
        plain,
        len(words),
    )


def _join_full_names(
    people: dict[str, _PersonName], facts: dict[str, _KeyFacts], join
) -> None:
    """Join the keys of one full name written with and without middle initials or a title."""
    variants: dict[tuple[str, str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, person in people.items():
        if person.words >= 2 and person.plain:
            variants[(person.first, person.last, person.suffix)][person.middle].append(key)
    for by_middle in variants.values():
        for keys in by_middle.values():
            for key in keys[1:]:
                join(keys[0], key)  # same first, middle, last: titles or spelling aside
        middles = [m for m in by_middle if m]
        bare = by_middle.get("", [])
        if not middles:
            continue
        if len(middles) == 1:
            if bare:
                join(by_middle[middles[0]][0], bare[0])
            continue
        counts = {m: sum(facts[k].total for k in by_middle[m]) for m in middles}
        best = max(middles, key=lambda m: (counts[m], m))
        if bare and counts[best] >= MIDDLE_SHARE * sum(counts.values()):
            join(by_middle[best][0], bare[0])


def _join_surnames(
    people: dict[str, _PersonName],
    facts: dict[str, _KeyFacts],
    root: dict[str, str],
    groups_of: dict[str, set[str]],
    join,
) -> None:
    """Join a bare surname (a one-word person key, titles aside) to the one full name that
    clearly dominates that surname in the corpus; leave it alone when several people share it."""
    holders: dict[str, Counter[str]] = defaultdict(Counter)
    first_names: Counter[str] = Counter()
    for key, person in people.items():
        if person.words >= 2:
            # Whole people: a person's variants were joined above.
            holders[person.last][root.get(key, key)] += facts[key].total
            first_names[person.first] += facts[key].total
    for key, person in people.items():
        if person.words != 1 or person.suffix:
            continue
        totals = holders.get(person.last)
        if not totals:
            continue
        ranked = totals.most_common()
        best, best_count = ranked[0]
        others = ranked[1][1] if len(ranked) > 1 else 0
        few = max(SURNAME_FEW, SURNAME_OTHERS * best_count)
        if first_names[person.last] > few:
            # "Bill" alone is not "Kill Bill": a word that is other people's first name as
            # often as that is no surname. Rarer uses are the model's junk ("Trump White
            # House" as a person) and must not keep "Trump" from Donald Trump.
            continue
        if best_count >= SURNAME_SHARE * sum(totals.values()) and others <= few:
            join(best, key)


def _single(key: str, fact: _KeyFacts) -> ResolvedEntity:
    """The entity of one key alone: most keys of a corpus (the quick path of ``_entity``)."""
    if len(fact.votes) == 1 and len(fact.names) == 1 and alias_label(key) is None:
        label = next(iter(fact.votes))
        name = next(iter(fact.names))
        if label == "PERSON":
            name = strip_title(name)
        return ResolvedEntity(key, name, label, frozenset((key,)), fact.total)
    return _entity({key}, {key: fact})


def _entity(members: set[str], facts: dict[str, _KeyFacts]) -> ResolvedEntity:
    """One resolved entity from its keys: label voted by every mention, fullest common name;
    its identity is its name's key, or its most mentioned key when the name's is not stored."""
    votes: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for key in members:
        votes.update(facts[key].votes)
        names.update(facts[key].names)
    main = max(members, key=lambda k: (facts[k].total, len(k), k))
    fixed = alias_label(main)
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    label = fixed or ranked[0][0]
    total = sum(votes.values())
    minority = total - votes.get(label, 0)
    disputed = fixed is None and minority >= DISPUTE_MENTIONS and minority >= DISPUTE_SHARE * total
    name = display_name(main) or _best_name(names, label)
    named = entity_key(name)
    return ResolvedEntity(
        key=named if named in members else main,
        name=name,
        label=label,
        keys=frozenset(members),
        count=total,
        disputed=disputed,
        votes=tuple(ranked) if disputed else (),
    )


def _best_name(names: Counter[str], label: str) -> str:
    """The fullest common form: the name used most often (a person's with at least two words
    when there is one, titles stripped); among equally common ones the one with most words."""
    forms: Counter[str] = Counter()
    for name, count in names.items():
        forms[strip_title(name) if label == "PERSON" else name] += count
    if label == "PERSON":
        full = Counter({name: n for name, n in forms.items() if len(name.split()) >= 2})
        forms = full or forms
    return max(forms.items(), key=lambda item: (item[1], len(item[0].split()), len(item[0]), item[0]))[0]


def with_entity(resolution: Resolution, entity: ResolvedEntity, **changes: object) -> ResolvedEntity:
    """``entity`` changed, put back into ``resolution`` under its (possibly new) key."""
    changed = entity._replace(**changes)
    resolution.put(changed)
    return changed
