"""Thousands of random and malformed queries: the only outcomes are results or a one-line
``QueryError``; nothing hangs.

Hypothesis throws two kinds of strings at ``Library.search`` and ``Library.match_spans``:
any text at all, and soups of the query language's own pieces (operators, brackets, quotes,
wildcards, fuzzy marks, field names, ranges, escapes). The corpus is small and fixed, so a
run is quick; the pathological patterns that would hang a large index (``*``, ``*a*``,
``word~5``, deep nesting, huge queries) are checked separately on an index with a large
vocabulary, with a time limit.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import Library, QueryError
from tests.robustness.conftest import run_cli, small_corpus, write

PIECES = [
    " ", " ", " ", "(", ")", '"', "*", "?", "~", "~2", "~9", "/3", "^", "^2", ":", "[", "]", "{", "}",
    "<", ">", "-", "+", "!", "\\", "'", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO",
    "title:", "body:", "person:", "org:", "place:", "speaker:", "entity:", "id:", "path:",
    "size:", "modified:", "meta:", "nosuch:", "tariff", "steel", "harbour", "docmark0001",
    "the", "a", "é", "ß", "中文", "\x00", "\x1b[31m", "\n", "\t", "\u202e", "1", "2020", "-5",
    "1e400", "nan", "[a TO z]", "{1 TO 9}", "*a*", "ta*", "?a", "x~", "\"a b\"~3",
]
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
)
DOC = "part1/doc0001.txt"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    corpus = small_corpus(tmp_path_factory.mktemp("corpus"), 30)
    lib = Library.open(corpus, index_dir=tmp_path_factory.mktemp("index"))
    lib.refresh()
    return lib


def _check_error(error: QueryError) -> None:
    message = str(error)
    assert message and "\n" not in message and message.isprintable(), repr(message)
    assert len(message) <= 200, message


@settings(max_examples=1200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=QUERIES)
def test_search_gives_results_or_a_one_line_error(library: Library, text: str) -> None:
    started = time.monotonic()
    try:
        result = library.search(text, limit=5)
    except QueryError as error:
        _check_error(error)
    else:
        assert len(result.hits) <= 5 and result.total >= len(result.hits)
    assert time.monotonic() - started < 2.0, text


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=QUERIES)
def test_match_spans_gives_spans_inside_the_text(library: Library, text: str) -> None:
    length = len(library.document(DOC).text)
    spans = library.match_spans(DOC, text)
    assert all(0 <= start < end <= length for start, end in spans)


# --- pathological queries on a large vocabulary -----------------------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """200 documents over 10,000 distinct invented words: enough for ``*`` to mean thousands."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(10000)})
    root = tmp_path_factory.mktemp("wide")
    for number in range(200):
        words = " ".join(rng.choice(vocabulary) for _ in range(500))
        write(root / f"w{number:03d}.txt", f"Wide document {number}\n\n{words} economy.\n")
    lib = Library.open(root, index_dir=tmp_path_factory.mktemp("wide-index"))
    lib.refresh()
    return lib


@pytest.mark.parametrize(
    "text",
    ["*", "*a*", "a*", "?*", "body:*", "body:*e*", "[a TO z]", "*a* *e* *i*", "a* OR b* OR c*"],
)
def test_broad_patterns_are_refused_quickly(wide: Library, text: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError, match="matches too many different words") as caught:
        wide.search(text)
    _check_error(caught.value)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("text", ["x~2", "ab~2", "ab~2/0"])
def test_short_two_edit_fuzzy_terms_keep_their_first_letter_and_answer_quickly(
    wide: Library, text: str
) -> None:
    started = time.monotonic()
    result = wide.search(text, limit=1000)
    assert time.monotonic() - started < 2.0
    with wide._searchers.searcher() as searcher:
        for hit in result.hits:
            stored = searcher.document(id=hit.document)
            words = {w for w in stored["body"].lower().split() if w[:1] == text[0]}
            assert words, hit.document


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("economy~9", "fuzzy distance 9 is too far"),
        ("(" * 40 + "economy" + ")" * 40, "nested too deeply"),
        ("(" * 3000 + "economy" + ")" * 3000, "too long"),
        ("economy " * 400, "too long"),
        ("NOT NOT NOT", "cannot parse query"),
        ('"unclosed', "unbalanced quotation mark"),
        ("size:abc", "the field 'size' cannot be searched"),
        ("meta:x", "the field 'meta' cannot be searched"),
        ("the", "nothing to search"),
    ],
)
def test_malformed_queries_say_why_in_one_line(wide: Library, text: str, words: str) -> None:
    with pytest.raises(QueryError, match=words) as caught:
        wide.search(text)
    _check_error(caught.value)


@pytest.mark.parametrize("text", ["economy", "econ*", "economy~1", "economy~2/3", "econom?", "*conomy", "economy~1/99"])
def test_narrow_patterns_still_search(wide: Library, text: str) -> None:
    started = time.monotonic()
    assert wide.search(text).total == 200
    assert time.monotonic() - started < 2.0
    assert wide.match_spans("w000.txt", text)


def test_numeric_fields_do_not_break_match_spans(wide: Library) -> None:
    for text in ("modified:nan", "modified:inf", "size:[0 TO 100]", "size:>5"):
        assert isinstance(wide.match_spans("w000.txt", text), list)


def test_the_command_line_reports_a_broad_pattern_in_one_line(
    capsys: pytest.CaptureFixture[str], wide: Library
) -> None:
    code, out, err = run_cli(capsys, "search", "*", "--corpus", str(wide.corpus), "--index-dir", str(wide.index_dir))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "matches too many different words" in err
