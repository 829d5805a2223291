"""Queries: parse the Whoosh query language, rank, cut snippets, suggest corrections.

The query language is Whoosh's: terms are ANDed, with ``OR``, ``NOT``, parentheses,
``"phrases"``, proximity ``"a b"~5``, wildcards ``tax*``, fuzzy ``word~`` and field queries
(``title:``, ``person:``, ``org:``, ``place:``, ``speaker:``, ``entity:``). Ranking is BM25F.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from whoosh import qparser, query
from whoosh.collectors import TopCollector
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search import vocabulary
from search.errors import QueryError, SearchCancelled
from search.records import Hit, SearchResult
from search.schema import ENTITY_FIELDS
from search.searchers import SearcherPool
from search.snippets import snippet, stem_finder

DEFAULT_FIELDS = ("title", "body")
"""Fields a bare term searches."""
TEXT_FIELDS = frozenset({"title", "body"})
"""Fields whose matches show in the document text as words."""
SUGGEST_BELOW = 3
"""Offer "did you mean" when a query finds fewer documents than this."""
_WORD = re.compile(r"(?<![\w:*?~\"'])([A-Za-z][A-Za-z'’-]{2,})(?![\w:*?~])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def matched_stems(parsed: query.Query) -> set[str]:
    """Stems of the text terms a document matching ``parsed`` can contain: every leaf on a
    text field except those under ``NOT`` (wildcards and fuzzy terms already expanded by
    ``parse_query``)."""
    stems: set[str] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if not node.is_leaf():
            for child in node.children():
                walk(child)
            return
        if node.field() not in TEXT_FIELDS:
            return
        for fieldname, value in node.terms(phrases=True):
            if fieldname in TEXT_FIELDS:
                stems.add(value.decode("utf-8") if isinstance(value, bytes) else str(value))

    walk(parsed)
    return stems


def make_parser(index: Index) -> qparser.QueryParser:
    """The query parser: AND by default, fuzzy terms enabled, every field addressable."""
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), index.schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


MAX_QUERY_CHARS = 1000
"""Longer queries are refused: parsing and matching grow with every term."""
MAX_NESTING = 32
"""Deepest parenthesis nesting accepted (Whoosh parses and matches recursively)."""
MAX_FUZZY_DISTANCE = 2
"""``word~3`` and beyond match nearly every short word of a corpus."""
MAX_EXPANDED_TERMS = 256
"""Words that the wildcards, fuzzy terms and ranges of one query may stand for, together.
Whoosh matches each of them separately, so ``a*`` over a large vocabulary would take minutes."""
MAX_EXPANDED_POSTINGS = 200_000
"""...and the (document, word) pairs those words occur in, together."""


def parse_query(
    parser: qparser.QueryParser, text: str, reader: IndexReader | None = None
) -> query.Query:
    """Parse ``text`` or raise ``QueryError`` with a one-line reason.

    With a ``reader``, wildcards, fuzzy terms and ranges are expanded here, once, into the
    words they stand for; a query standing for too many words is refused, because matching
    them all would hang the search.
    """
    stripped = text.strip()
    if not stripped:
        raise QueryError("empty query")
    if len(stripped) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(stripped):,} characters; at most {MAX_QUERY_CHARS:,})")
    if stripped.count('"') % 2:
        raise QueryError('unbalanced quotation mark: close the phrase with "')
    depth = deepest = 0
    for char in stripped:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
        if depth < 0:
            raise QueryError("unbalanced parenthesis: ')' without '('")
    if depth:
        raise QueryError("unbalanced parenthesis: '(' without ')'")
    if deepest > MAX_NESTING:
        raise QueryError(f"parentheses nested too deeply ({deepest} levels; at most {MAX_NESTING})")
    _check_fields(parser, stripped)
    try:
        parsed = parser.parse(stripped)
    except RecursionError:
        raise QueryError("query nested too deeply") from None
    except Exception as error:  # Whoosh raises many types for odd input; all mean "malformed".
        raise QueryError(f"cannot parse query: {_error_line(error)}") from None
    if parsed is query.NullQuery or isinstance(parsed, query.NullQuery.__class__):
        raise QueryError(
            'nothing to search: common words like "the" are not indexed, '
            "and a field needs a value it can hold"
        )
    for leaf in parsed.leaves():
        if isinstance(leaf, query.FuzzyTerm):
            if leaf.maxdist > MAX_FUZZY_DISTANCE:
                raise QueryError(
                    f"fuzzy distance {leaf.maxdist} is too far: at most {MAX_FUZZY_DISTANCE}, as in word~2"
                )
            leaf.prefixlength = max(0, min(leaf.prefixlength, len(leaf.text)))
    if reader is not None:
        parsed = _expand(parsed, reader)
    return parsed


_FIELD_PREFIX = re.compile(r"(?<![\w:])(\w+):")
_PHRASE = re.compile(r'"[^"]*"')


def _check_fields(parser: qparser.QueryParser, text: str) -> None:
    """Refuse ``size:10`` and the like: fields that are stored but not indexed cannot be
    searched, and Whoosh's own complaint names an internal class."""
    schema = parser.schema
    names = set(schema.names())
    for name in _FIELD_PREFIX.findall(_PHRASE.sub(" ", text)):
        if name in names and not schema[name].indexed:
            searchable = ", ".join(n for n in schema.names() if schema[n].indexed and n != "id")
            raise QueryError(f"the field '{name}' cannot be searched (fields: {searchable})")


def _expand(parsed: query.Query, reader: IndexReader) -> query.Query:
    """Replace every wildcard, fuzzy term, range and bare ``*`` on a text field by the words
    it stands for, refusing the query when they are too many (see ``MAX_EXPANDED_TERMS``)."""
    terms = postings = 0

    def replace(node: query.Query) -> query.Query:
        nonlocal terms, postings
        if not isinstance(node, (query.MultiTerm, query.Every)):
            return node
        fieldname = node.field()
        if fieldname in ENTITY_FIELDS or not fieldname or fieldname == "*":
            return node  # entity fields are answered from the catalog; Every() is cheap
        if isinstance(node, query.Every):
            words = reader.lexicon(fieldname) if fieldname in reader.indexed_field_names() else ()
        elif isinstance(node, query.FuzzyTerm) and node.maxdist == 1:
            # What Whoosh's automaton finds (and swaps it misses), 5-20x faster.
            words = vocabulary.terms_one_edit_away(reader, fieldname, node.text, node.prefixlength)
        elif isinstance(node, query.FuzzyTerm):
            words = vocabulary.terms_within(reader, fieldname, node.text, node.maxdist, node.prefixlength)
        else:
            words = node._btexts(reader)
        found: list[bytes | str] = []
        for word in words:
            found.append(word)
            terms += 1
            postings += reader.doc_frequency(fieldname, word)
            if terms > MAX_EXPANDED_TERMS or postings > MAX_EXPANDED_POSTINGS:
                advice = "narrow it" if isinstance(node, query.TermRange) else "use more letters"
                raise QueryError(
                    f"{_pattern(node)} matches too many different words: {advice} "
                    f"(at most {MAX_EXPANDED_TERMS} words per query)"
                )
        if not found:
            return query.NullQuery
        ored = query.Or([query.Term(fieldname, word) for word in found], boost=node.boost)
        if isinstance(node, query.Every) or getattr(node, "constantscore", False):
            return query.ConstantScoreQuery(ored, node.boost)
        return ored

    try:
        return parsed.accept(replace)
    except QueryError:
        raise
    except Exception as error:  # a leaf Whoosh cannot expand on this field
        raise QueryError(f"cannot run query: {_error_line(error)}") from None


def _pattern(node: query.Query) -> str:
    """How a user wrote (roughly) an expanding leaf, for an error message."""
    if isinstance(node, query.Every):
        return "'*'"
    if isinstance(node, query.Prefix):
        return f"'{node.text}*'"
    if isinstance(node, query.FuzzyTerm):
        return f"'{node.text}~{node.maxdist}'"
    if isinstance(node, query.Wildcard):
        return f"'{node.text}'"
    return "a range"


def _error_line(error: BaseException) -> str:
    """An exception as one short printable line (Whoosh's messages may quote the query)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(error)).split())
    text = text or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def run_search(
    searchers: SearcherPool,
    parser: qparser.QueryParser,
    text: str,
    limit: int,
    resolve: Callable[[query.Query], query.Query] = lambda parsed: parsed,
    stale: Callable[[], bool] | None = None,
) -> SearchResult:
    """Ranked hits with snippets for ``text``. Raises ``QueryError``, or ``SearchCancelled``
    when ``stale()`` turns true between stages.

    ``resolve`` rewrites the parsed query before it runs (entity fields become document sets).
    ``stale`` is asked between parsing, ranking and each hit's stored fields and snippet: the
    explorer searches on every keystroke, and a thread cannot be stopped from outside, so a
    search the next key made stale stops itself instead of taking the interpreter from the
    search that replaced it.
    """
    started = time.perf_counter()
    _check(stale)
    with searchers.searcher() as searcher:
        parsed = resolve(parse_query(parser, text, searcher.reader()))
        _check(stale)
        top, total = _rank(searcher, parsed, max(1, limit))
        find = stem_finder(matched_stems(parsed))
        hits = []
        for score, number in top:
            _check(stale)
            stored = searcher.stored_fields(number)
            body = stored.get("body", "")
            passage, marks = snippet(body, find(body) if find else [])
            hits.append(
                Hit(
                    document=stored["id"],
                    title=stored.get("title", ""),
                    score=round(float(score or 0.0), 4),
                    snippet=passage,
                    highlights=marks,
                )
            )
        _check(stale)
        suggestion = suggest(searcher, text) if total < SUGGEST_BELOW else None
    return SearchResult(
        query=text,
        hits=tuple(hits),
        total=total,
        elapsed=time.perf_counter() - started,
        suggestion=suggestion,
    )


def _check(stale: Callable[[], bool] | None) -> None:
    if stale is not None and stale():
        raise SearchCancelled("a newer search replaced this one")


def _rank(searcher: Searcher, parsed: query.Query, limit: int) -> tuple[list[tuple[float, int]], int]:
    """The ``limit`` best (score, document number) pairs and how many documents match.

    ``search.ranking`` scores every match over whole posting lists with NumPy (imported on
    the first query, not at launch); what it cannot rank exactly as Whoosh does goes through
    Whoosh's collector, in one pass that also scores every match, so that it counts them:
    Whoosh's default skips blocks that cannot reach the top and then miscounts across
    segments (its matcher "replacement" drops documents), or counts them in a second pass.
    """
    from search import ranking

    try:
        ranked = ranking.rank(searcher, parsed, limit)
        if ranked is not None:
            return ranked
        collector = TopCollector(limit=limit, usequality=False, replace=0)
        searcher.search_with_collector(parsed, collector)
        results = collector.results()
        return [(hit.score, hit.docnum) for hit in results], len(results)
    except Exception as error:  # e.g. a phrase on a field without positions
        raise QueryError(f"cannot run query: {_error_line(error)}") from None


def suggest(searcher: Searcher, text: str) -> str | None:
    """A corrected query when some of its plain words are unknown to the corpus.

    A correction is a real word one edit away whose stem the corpus uses most
    (``vocabulary.correction``).
    """
    reader = searcher.reader()
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS:
            return word
        stem = vocabulary.stem_of(word)
        if not stem or reader.doc_frequency(vocabulary.FIELD, stem) > 0:
            return word
        better = vocabulary.correction(searcher, word)
        if better is None or better == word.lower():
            return word
        changed = True
        return better

    corrected = _WORD.sub(replace, text)
    return corrected if changed and corrected != text else None


def query_words(parsed: query.Query, reader: IndexReader) -> tuple[set[str], set[str]]:
    """(text terms, entity keys) the query matches, with wildcards and fuzzy terms expanded.

    Whoosh's own ``Query.existing_terms`` skips every leaf after the first when fields differ
    (it reuses its ``fieldname`` argument as a loop variable), so the leaves are walked here.
    """
    words: set[str] = set()
    keys: set[str] = set()
    for leaf in parsed.leaves():
        if leaf.field() in ENTITY_FIELDS:
            keys.add(str(getattr(leaf, "text", "") or "".join(getattr(leaf, "words", ()))))
            continue
        try:
            terms = list(leaf.expanded_terms(reader, phrases=True))
        except Exception:  # a leaf Whoosh cannot expand has nothing to highlight
            continue
        for fieldname, value in terms:
            if fieldname not in TEXT_FIELDS and fieldname not in ENTITY_FIELDS:
                continue  # numbers and ids are not words (nor always UTF-8)
            word = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            if fieldname in TEXT_FIELDS:
                words.add(word)
            else:
                keys.add(word)
    return words, keys


def word_spans(index: Index, text: str, words: set[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose analysed form is one of ``words`` (stems, as the index has them)."""
    if not words:
        return []
    analyzer = index.schema["body"].analyzer
    return [
        (token.startchar, token.endchar)
        for token in analyzer(text, chars=True, removestops=False, mode="index")
        if token.text in words
    ]
