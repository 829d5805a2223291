"""Entity field queries (``person:"Xi Jinping"``) answered from the catalog, not from Whoosh.

Analysis finds entities after the text index exists. Writing them into Whoosh would mean
re-adding every analysed document: twice the indexing work, and deleted copies that skew
Whoosh's term statistics until segments merge. Instead the parser still knows the entity
fields (their analyzer turns a name into its entity key), and before a search every leaf on
an entity field is replaced by ``DocumentSet``: the documents the catalog says mention that
entity (or quote that speaker), matched with a constant score inside any boolean query.

A name stands for the resolved entity it names (``search.resolution``), with the user's
corrections (``search.curation``): ``person:"Ann Lee"`` finds the articles that only say "Lee"
when the corpus joined them, never those of "Ann Lee Jr.", and nothing for a hidden entity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from whoosh import query
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from search.analysis.names import entity_key
from search.catalog import FIELD_LABELS, Catalog
from search.curation import Curated, find
from search.schema import ENTITY_FIELDS

Lookup = Callable[[str, str, str], frozenset[str]]
"""(field, entity key or pattern, kind: "exact" | "prefix" | "glob") -> document ids."""


class DocumentSet(query.Query):
    """Matches a fixed set of documents, named by their ids, each with the same score."""

    def __init__(self, fieldname: str, text: str, ids: frozenset[str], boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.text = text
        self.ids = ids
        self.boost = boost

    def __repr__(self) -> str:
        return f"DocumentSet({self.fieldname!r}, {self.text!r}, {len(self.ids)} documents)"

    def __unicode__(self) -> str:
        return f"{self.fieldname}:{self.text}"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DocumentSet)
            and (self.fieldname, self.text, self.ids) == (other.fieldname, other.text, other.ids)
        )

    def __hash__(self) -> int:
        return hash((self.fieldname, self.text, len(self.ids)))

    def field(self) -> str:
        return self.fieldname

    def terms(self, phrases: bool = False) -> Iterator[tuple[str, str]]:
        return iter(())

    def estimate_size(self, ixreader: object) -> int:
        return len(self.ids)

    def matcher(self, searcher: Searcher, context: object = None) -> object:
        reader = searcher.reader()
        numbers: list[int] = []
        for doc_id in self.ids:
            try:
                postings = reader.postings("id", doc_id)
            except TermNotFound:
                continue
            if postings.is_active():
                numbers.append(postings.id())
        if not numbers:
            return NullMatcher()
        numbers.sort()
        return ListMatcher(numbers, all_weights=self.boost)


def resolve_entity_fields(parsed: query.Query, lookup: Lookup) -> query.Query:
    """Replace every entity-field leaf of ``parsed`` by the documents it stands for."""

    def replace(node: query.Query) -> query.Query:
        fieldname = getattr(node, "fieldname", None)
        if fieldname not in ENTITY_FIELDS:
            return node
        if isinstance(node, query.Phrase):
            text = "".join(node.words)
            kind = "exact"
        elif isinstance(node, query.Prefix):
            text, kind = node.text, "prefix"
        elif isinstance(node, query.Wildcard):
            text, kind = node.text, "glob"
        else:
            text, kind = str(getattr(node, "text", "")), "exact"
        return DocumentSet(fieldname, text, lookup(fieldname, text, kind), node.boost)

    return parsed.accept(replace)


def documents_with_entities(
    catalog: Catalog, curated: Curated, field: str, text: str, kind: str
) -> frozenset[str]:
    """Documents that mention the entities a field term names (``person``/``org``/``place``/
    ``entity``) or quote them (``speaker``). ``text`` is an entity key (``kind`` "exact") or a
    key pattern ("prefix", "glob") matched against every stored key and alias."""
    resolution = curated.resolution
    if kind == "exact":
        entities = find(resolution, text, None, catalog.alias_owners)
    else:
        keys = _keys_matching(catalog, text, kind)
        owners = {resolution.owner[key] for key in keys if key in resolution.owner}
        entities = [resolution.entities[o] for o in owners if not resolution.entities[o].hidden]
    labels = FIELD_LABELS.get(field)
    if labels and field != "speaker":
        entities = [e for e in entities if e.label in labels]
    keys = {key for entity in entities for key in entity.keys}
    if field == "speaker":
        own = {text} if kind == "exact" else set()
        return _quoted(catalog, curated, {e.key for e in entities}, keys | own)
    found: set[str] = set()
    for chunk in _chunks(sorted(keys)):
        marks = ",".join("?" * len(chunk))
        found.update(
            row[0]
            for row in catalog.query(f"SELECT DISTINCT document FROM mentions WHERE key IN ({marks})", chunk)
        )
    return frozenset(found)


def _keys_matching(catalog: Catalog, text: str, kind: str) -> set[str]:
    if kind == "prefix":
        condition = "LIKE ? ESCAPE '\\'"
        pattern = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    else:
        condition = "GLOB ?"
        pattern = text.lower().replace("[", "[[]")
    rows = catalog.query(
        f"SELECT DISTINCT key FROM mentions WHERE key {condition} OR alias_key {condition}",
        (pattern, pattern),
    )
    return {row[0] for row in rows}


def _quoted(catalog: Catalog, curated: Curated, targets: set[str], keys: set[str]) -> frozenset[str]:
    """Documents quoting the target entities (or a speaker no entity holds, by its key), the
    user's speaker corrections applied."""
    found: set[str] = set()
    changed = curated.speakers
    for chunk in _chunks(sorted(keys)):
        marks = ",".join("?" * len(chunk))
        for document, quote_id in catalog.query(
            f"SELECT document, id FROM quotes WHERE speaker_key IN ({marks})", chunk
        ):
            if quote_id not in changed:
                found.add(document)
    for chunk in _chunks(sorted(changed)):
        marks = ",".join("?" * len(chunk))
        for document, quote_id in catalog.query(
            f"SELECT document, id FROM quotes WHERE id IN ({marks})", chunk
        ):
            name = changed[quote_id]
            if not name:
                continue
            named = find(curated.resolution, name)
            if any(e.key in targets for e in named) or (not named and entity_key(name) in keys):
                found.add(document)
    return frozenset(found)


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
