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


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    """Parse ``text`` or raise ``QueryError`` with a one-line reason."""
    stripped = text.strip()
    if not stripped:
        raise QueryError("empty query")
    if stripped.count('"') % 2:
        raise QueryError('unbalanced quotation mark: close the phrase with "')
    depth = 0
    for char in stripped:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("unbalanced parenthesis: ')' without '('")
    if depth:
        raise QueryError("unbalanced parenthesis: '(' without ')'")
    try:
        parsed = parser.parse(stripped)
    except Exception as error:  # Whoosh raises many types for odd input; all mean "malformed".
        raise QueryError(f"cannot parse query: {error}") from None
    if parsed is query.NullQuery or isinstance(parsed, query.NullQuery.__class__):
        raise QueryError("nothing to search: common words like \"the\" are not indexed")
    return parsed


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
    parsed = resolve(parse_query(parser, text))
    with index.searcher() as searcher:
        try:
            results = searcher.search(parsed, limit=max(1, limit), terms=True)
        except Exception as error:  # e.g. a phrase on a field without positions
            raise QueryError(f"cannot run query: {error}") from None
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
            word = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            if fieldname in TEXT_FIELDS:
                words.add(word)
            elif fieldname in ENTITY_FIELDS:
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
