"""Queries: parse the Whoosh query language, rank, cut snippets, suggest corrections.

The query language is Whoosh's: terms are ANDed, with ``OR``, ``NOT``, parentheses,
``"phrases"``, proximity ``"a b"~5``, wildcards ``tax*``, fuzzy ``word~`` and field queries
(``title:``, ``person:``, ``org:``, ``place:``, ``speaker:``, ``entity:``). Ranking is BM25F.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from whoosh import qparser, query
from whoosh.highlight import ContextFragmenter, Formatter, Fragment
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from search.errors import QueryError
from search.records import Hit, SearchResult
from search.schema import ENTITY_FIELDS

DEFAULT_FIELDS = ("title", "body")
"""Fields a bare term searches."""
TEXT_FIELDS = frozenset({"title", "body"})
"""Fields whose matches show in the document text as words."""
SNIPPET_CHARS = 220
SUGGEST_BELOW = 3
"""Offer "did you mean" when a query finds fewer documents than this."""
_WORD = re.compile(r"(?<![\w:*?~\"'])([A-Za-z][A-Za-z'’-]{2,})(?![\w:*?~])")
_BREAK = re.compile(r"[ \t]*\n\s*")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


class _SpanFormatter(Formatter):
    """Turns Whoosh fragments into plain text plus the spans that matched."""

    between = " … "

    def format(  # type: ignore[override]
        self, fragments: Sequence[Fragment], replace: bool = False
    ) -> tuple[str, tuple[tuple[int, int], ...]]:
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        length = 0
        for number, fragment in enumerate(fragments):
            if number:
                parts.append(self.between)
                length += len(self.between)
            text = fragment.text
            index = fragment.startchar
            for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
                if token.startchar is None or token.startchar < index:
                    continue
                before = _one_line(text[index : token.startchar])
                matched = _one_line(text[token.startchar : token.endchar])
                parts.append(before)
                length += len(before)
                spans.append((length, length + len(matched)))
                parts.append(matched)
                length += len(matched)
                index = token.endchar
            tail = _one_line(text[index : fragment.endchar])
            parts.append(tail)
            length += len(tail)
        return "".join(parts), tuple(spans)


def _one_line(text: str) -> str:
    """Snippets are one line: a paragraph break becomes one space."""
    return _BREAK.sub(" ", text)


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


def _snippet(hit: WhooshHit, fallback: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    try:
        result = hit.highlights("body", top=2)
    except KeyError:
        result = ("", ())
    if isinstance(result, tuple) and result[0]:
        return result
    return _one_line(fallback[:SNIPPET_CHARS]).strip(), ()


def run_search(
    index: Index,
    parser: qparser.QueryParser,
    text: str,
    limit: int,
    resolve: Callable[[query.Query], query.Query] = lambda parsed: parsed,
) -> SearchResult:
    """Ranked hits with snippets for ``text``. Raises ``QueryError``.

    ``resolve`` rewrites the parsed query before it runs (entity fields become document sets).
    """
    started = time.perf_counter()
    with index.searcher() as searcher:
        parsed = resolve(parse_query(parser, text, searcher.reader()))
        try:
            results = searcher.search(parsed, limit=max(1, limit), terms=True)
        except Exception as error:  # e.g. a phrase on a field without positions
            raise QueryError(f"cannot run query: {_error_line(error)}") from None
        results.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        results.formatter = _SpanFormatter()
        hits = []
        for whoosh_hit in results:
            body = whoosh_hit.get("body", "")
            snippet, spans = _snippet(whoosh_hit, body)
            hits.append(
                Hit(
                    document=whoosh_hit["id"],
                    title=whoosh_hit.get("title", ""),
                    score=round(float(whoosh_hit.score or 0.0), 4),
                    snippet=snippet,
                    highlights=spans,
                )
            )
        total = len(results)
        suggestion = None
        if total < SUGGEST_BELOW:
            suggestion = suggest(searcher, text)
    return SearchResult(
        query=text,
        hits=tuple(hits),
        total=total,
        elapsed=time.perf_counter() - started,
        suggestion=suggestion,
    )


def suggest(searcher: Searcher, text: str) -> str | None:
    """A corrected query when some of its plain words are unknown to the corpus.

    Corrections come from the unstemmed ``words`` field, so they are real words.
    """
    reader = searcher.reader()
    corrector = searcher.corrector("words")
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS:
            return word
        lowered = word.lower()
        if reader.doc_frequency("words", lowered) > 0:
            return word
        options = corrector.suggest(lowered, limit=1, maxdist=2)
        if not options or options[0] == lowered:
            return word
        changed = True
        return options[0]

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
