"""Entity field queries (``person:"Xi Jinping"``) answered from the catalog, not from Whoosh.

Analysis finds entities after the text index exists. Writing them into Whoosh would mean
re-adding every analysed document: twice the indexing work, and deleted copies that skew
Whoosh's term statistics until segments merge. Instead the parser still knows the entity
fields (their analyzer turns a name into its entity key), and before a search every leaf on
an entity field is replaced by ``DocumentSet``: the documents the catalog says mention that
entity (or quote that speaker), matched with a constant score inside any boolean query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from whoosh import query
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

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
