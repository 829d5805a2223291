"""``search.ranking`` ranks as Whoosh's own collector does, and the lean codec's blocks read
back as Whoosh's.

The corpus is random text from a small vocabulary, so common words have posting lists of many
blocks; it is indexed by two worker processes (several segments) and then partly rewritten
(deleted documents in old segments), which is where a hand-made scorer would go wrong.
"""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import pytest
from whoosh.collectors import TopCollector
from whoosh.support.levenshtein import damerau_levenshtein

import search.indexing as indexing
from search import Library
from search import ranking
from search.codec import JoinedValues, PackedValues, PicklingArray
from search.querying import parse_query
from search.vocabulary import terms_within

WORDS = (
    "harbour strike tariffs steel imports exported chips memory prices council budget voted "
    "government minister election economy growth markets shares prime rates interest human "
    "rights world cup final oil gas"
).split()

QUERIES = [
    "harbour",
    "price",
    "oil gas",
    "interest rates rise",
    '"interest rates"',
    '"world cup final"',
    '"prime minister" OR budget',
    "title:report",
    "title:17",
    "oil OR gas OR steel",
    "oil NOT gas",
    "(oil OR gas) AND NOT steel",
    "NOT harbour",
    "oil^3 gas",
    "(oil gas)^2 OR steel",
    "gov*",
    "ma*",
    "markts~",
    "goverment~2",
    '"interest rates"~3',
    "zeppelin",
    "harbour zeppelin",
]


def random_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    rng = random.Random(11)
    folder = tmp_path_factory.mktemp("ranking")
    corpus = folder / "news.jsonl"
    lines = [
        json.dumps({"id": f"n{n}", "title": f"Report {n}", "text": random_text(rng, rng.randint(5, 300))})
        for n in range(900)
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(indexing, "PROCESSES", 2)
    patch.setattr(indexing, "PARALLEL_MIN_BYTES", 1)
    try:
        library = Library.open(corpus, index_dir=folder / "index")
        library.refresh()
        for n in range(0, 900, 7):  # rewritten: the old copies are deleted in their segments
            lines[n] = json.dumps({"id": f"n{n}", "title": f"Report {n}", "text": random_text(rng, 50)})
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        library.refresh()
    finally:
        patch.undo()
    return library


def whoosh_top(searcher: object, parsed: object, limit: int) -> tuple[list[tuple[float, int]], int]:
    collector = TopCollector(limit=limit, usequality=False, replace=0)
    searcher.search_with_collector(parsed, collector)  # type: ignore[attr-defined]
    results = collector.results()
    return [(hit.score, hit.docnum) for hit in results], len(results)


def same_ranking(got: list[tuple[float, int]], expected: list[tuple[float, int]]) -> bool:
    """The same documents with the same scores in the same order, where documents whose
    scores differ only by float rounding (summed in another order) may swap places."""
    if len(got) != len(expected):
        return False
    for (score, number), (whoosh_score, whoosh_number) in zip(got, expected):
        if abs(score - whoosh_score) > 1e-9:
            return False
        if number != whoosh_number and not any(
            n == number and abs(s - whoosh_score) < 1e-9 for s, n in expected
        ):
            return False
    return True


def test_the_index_has_what_the_comparison_needs(library: Library) -> None:
    with library._searchers.searcher() as searcher:
        leaves = [leaf.reader() for leaf, _offset in searcher.leaf_searchers()]
        assert len(leaves) >= 2
        assert any(reader.has_deletions() for reader in leaves)
        assert searcher.doc_frequency("body", "harbour") > 300  # several blocks of postings


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [5, 1000])
def test_ranking_is_whooshs(library: Library, text: str, limit: int) -> None:
    with library._searchers.searcher() as searcher:
        parsed = parse_query(library._parser, text, searcher.reader())
        ranked = ranking.rank(searcher, parsed, limit)
        assert ranked is not None, "every query the parser makes is ranked here"
        expected, total = whoosh_top(searcher, parsed, limit)
        assert ranked[1] == total
        assert same_ranking(ranked[0], expected), (ranked[0][:5], expected[:5])


def test_search_results_come_from_the_fast_ranking(library: Library) -> None:
    result = library.search('"interest rates"', limit=10)
    assert result.total > 10 and len(result.hits) == 10
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all("interest" in hit.snippet.lower() and hit.highlights for hit in result.hits)


def test_an_unknown_query_shape_is_left_to_whoosh(library: Library) -> None:
    from whoosh import query

    with library._searchers.searcher() as searcher:
        odd = query.Or([query.Term("body", "oil"), query.Term("body", "gas")], scale=0.5)
        assert ranking.rank(searcher, odd, 10) is None


def test_lean_blocks_pickle_as_bytes_and_read_back() -> None:
    ids = PicklingArray("I", [3, 1, 4, 1, 5])
    weights = PicklingArray("f", [1.0, 2.0, 0.5])
    values = PackedValues.pack([b"Hab", b"", b"H\x01\x00"])
    data = pickle.dumps((ids, weights, values), 2)
    assert b"\x8a" not in data[:2]  # no list of numbers: the arrays went as bytes
    back_ids, back_weights, back_values = pickle.loads(data)
    assert list(back_ids) == [3, 1, 4, 1, 5] and list(back_weights) == [1.0, 2.0, 0.5]
    assert list(back_values) == [b"Hab", b"", b"H\x01\x00"]
    assert back_values[-1] == b"H\x01\x00" and len(back_values) == 3
    with pytest.raises(IndexError):
        back_values[3]
    joined = JoinedValues()
    joined.add(back_values)
    joined.add((b"x", b"yz"))
    assert [joined[i] for i in range(len(joined))] == [b"Hab", b"", b"H\x01\x00", b"x", b"yz"]


def test_two_edit_fuzzy_terms_are_every_term_within_two_edits(library: Library) -> None:
    with library._searchers.searcher() as searcher:
        reader = searcher.reader()
        lexicon = [t.decode("utf-8") for t in reader.lexicon("body")]
        for word in ("goverment", "markts", "intrest", "hu", "oli"):
            found = {t.decode("utf-8") for t in terms_within(reader, "body", word, 2, 0)}
            expected = {t for t in lexicon if t[:1] == word[:1] and damerau_levenshtein(t, word) <= 2}
            assert found == expected, word


def test_entity_sets_combine_as_in_whoosh(library: Library) -> None:
    from whoosh import query

    from search.entity_filter import DocumentSet

    ids = frozenset(f"news.jsonl#n{n}" for n in range(0, 900, 3))
    with library._searchers.searcher() as searcher:
        oil = parse_query(library._parser, "oil", searcher.reader())
        for parsed in (
            DocumentSet("person", "someone", ids),
            query.And([DocumentSet("person", "someone", ids), oil]),
            query.Or([DocumentSet("org", "somewhere", ids, boost=2.0), oil]),
        ):
            ranked = ranking.rank(searcher, parsed, 50)
            assert ranked is not None
            expected, total = whoosh_top(searcher, parsed, 50)
            assert ranked[1] == total > 0
            assert same_ranking(ranked[0], expected)
