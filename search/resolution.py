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
from dataclasses import dataclass, field, replace

from search.analysis.names import alias_label, display_name, entity_key, strip_title

SURNAME_SHARE = 0.85
"""A bare surname joins the full name holding at least this share of the full-name mentions
of people of that surname..."""
SURNAME_OTHERS = 0.05
"""...when no other person of that surname has more than this share of the dominant one's
mentions (nor more than ``SURNAME_FEW`` mentions, whichever is larger). "Clinton" in US news:
Hillary 3,000, Bill 500, so it stays ambiguous; "Trump": Donald 5,000, Donald Jr. 50, joined."""
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


@dataclass(frozen=True)
class ResolvedEntity:
    """One entity of the corpus: the keys its mentions are stored under, and what it is."""

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


@dataclass
class Resolution:
    """Every entity of the corpus, and which entity each stored mention key belongs to."""

    entities: dict[str, ResolvedEntity] = field(default_factory=dict)
    """By entity key."""
    owner: dict[str, str] = field(default_factory=dict)
    """Stored mention key -> entity key."""
    key_counts: dict[str, int] = field(default_factory=dict)
    """Mentions of each stored key in the whole corpus."""

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
        index = self.__dict__.get("_name_index")
        if index is None:
            index = defaultdict(list)
            for entity in self.entities.values():
                index[entity_key(entity.name)].append(entity)
                for alias in entity.extra_aliases:
                    index[entity_key(alias)].append(entity)
            self.__dict__["_name_index"] = index
        return index

    def copy(self) -> Resolution:
        """A copy whose entities and owners can be changed (by curations) without touching
        the cached automatic resolution."""
        return Resolution(dict(self.entities), dict(self.owner), self.key_counts)

    def put(self, entity: ResolvedEntity) -> None:
        """Add or replace ``entity`` and point its keys at it."""
        self.__dict__.pop("_name_index", None)
        self.entities[entity.key] = entity
        for key in entity.keys:
            self.owner[key] = entity.key


@dataclass
class _KeyFacts:
    """What the stored groups say about one mention key."""

    votes: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.votes.values())


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
    facts: dict[str, _KeyFacts] = defaultdict(_KeyFacts)
    for key, label, name, count in groups:
        facts[key].votes[label] += count
        facts[key].names[name] += count
    resolution = Resolution(key_counts={key: fact.total for key, fact in facts.items()})

    label_of = {key: _majority(key, fact.votes) for key, fact in facts.items()}
    people = {
        key: parsed
        for key, fact in facts.items()
        if label_of[key] == "PERSON" and (parsed := _person(fact.names.most_common(1)[0][0]))
    }
    groups_of: dict[str, set[str]] = {key: {key} for key in facts}
    root: dict[str, str] = {key: key for key in facts}

    def join(into: str, key: str) -> None:
        a, b = root[into], root[key]
        if a == b:
            return
        groups_of[a] |= groups_of.pop(b)
        for member in groups_of[a]:
            root[member] = a

    _join_full_names(people, facts, join)
    _join_surnames(people, facts, root, groups_of, join)

    for members in groups_of.values():
        resolution.put(_entity(members, facts, label_of))
    return resolution


def _majority(key: str, votes: Counter[str]) -> str:
    fixed = alias_label(key)
    if fixed:
        return fixed
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
        elif person.words == 1 and person.suffix:
            continue
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
    for key, person in people.items():
        if person.words >= 2:
            holders[person.last][root[key]] += facts[key].total
    for key, person in people.items():
        if person.words != 1 or person.suffix:
            continue
        # Count whole groups: a person's variants were joined above.
        totals = Counter(
            {
                group: sum(facts[k].total for k in groups_of[group])
                for group in holders.get(person.last, ())
                if group in groups_of
            }
        )
        if not totals:
            continue
        ranked = totals.most_common()
        best, best_count = ranked[0]
        others = ranked[1][1] if len(ranked) > 1 else 0
        if best_count >= SURNAME_SHARE * sum(totals.values()) and others <= max(
            SURNAME_FEW, SURNAME_OTHERS * best_count
        ):
            join(best, key)


def _entity(
    members: set[str], facts: dict[str, _KeyFacts], label_of: dict[str, str]
) -> ResolvedEntity:
    """One resolved entity from its keys: label voted by every mention, fullest common name."""
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
    return ResolvedEntity(
        key=entity_key(name) if entity_key(name) in members else main,
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
    changed = replace(entity, **changes)
    resolution.put(changed)
    return changed
