"""The query language on a small corpus written for it: every feature the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import Library, QueryError

DOCUMENTS = {
    "trade.txt": "Trade war\n\nThe United States imposed new tariffs on steel imports. "
    "Officials said the tariff would protect jobs.",
    "chips.txt": "Chip boom\n\nSemiconductor exports from South Korea reached a record. "
    "The chip industry expects strong demand for memory.",
    "climate.txt": "Climate talks\n\nDelegates discussed carbon markets and green finance. "
    "The climate summit ended without a deal on coal.",
    "football.txt": "Cup final\n\nThe final whistle blew and the home team lifted the cup. "
    "Fans celebrated in the streets of the city.",
    "memory.txt": "Memory prices\n\nPrices of memory chips fell as demand for phones slowed.",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("corpus")
    for name, text in DOCUMENTS.items():
        (root / name).write_text(text, encoding="utf-8")
    lib = Library.open(root, index_dir=tmp_path_factory.mktemp("index"))
    lib.refresh()
    return lib


def ids(library: Library, query: str) -> set[str]:
    return {hit.document for hit in library.search(query).hits}


def test_terms_are_anded(library: Library) -> None:
    assert ids(library, "memory chips") == {"chips.txt", "memory.txt"}
    assert ids(library, "memory phones") == {"memory.txt"}


def test_or_not_and_parentheses(library: Library) -> None:
    assert ids(library, "coal OR cup") == {"climate.txt", "football.txt"}
    assert ids(library, "memory NOT phones") == {"chips.txt"}
    assert ids(library, "(coal OR steel) NOT tariffs") == {"climate.txt"}


def test_stemming_finds_other_forms(library: Library) -> None:
    assert ids(library, "tariff") == {"trade.txt"}
    assert ids(library, "imported") == {"trade.txt"}


def test_phrase_and_proximity(library: Library) -> None:
    assert ids(library, '"memory chips"') == {"memory.txt"}
    assert ids(library, '"chip memory"') == set()
    assert ids(library, '"exports record"') == set()
    assert ids(library, '"exports record"~5') == {"chips.txt"}


def test_wildcard_and_fuzzy(library: Library) -> None:
    assert ids(library, "semicond*") == {"chips.txt"}
    assert ids(library, "climte~") == {"climate.txt"}


def test_field_query(library: Library) -> None:
    assert ids(library, "title:memory") == {"memory.txt"}
    assert ids(library, "title:chip") == {"chips.txt"}


def test_ranking_puts_the_denser_document_first(library: Library) -> None:
    hits = library.search("memory").hits
    assert hits[0].document == "memory.txt"
    assert hits[0].score >= hits[-1].score


def test_snippets_are_plain_text_with_highlight_spans(library: Library) -> None:
    hit = library.search("tariffs").hits[0]
    assert "\n" not in hit.snippet
    assert hit.highlights
    assert all(hit.snippet[start:end].lower().startswith("tariff") for start, end in hit.highlights)


def test_did_you_mean(library: Library) -> None:
    result = library.search("semiconductr")
    assert result.total == 0
    assert result.suggestion == "semiconductor"
    assert library.search("memory").suggestion is None


@pytest.mark.parametrize("bad", ['"unclosed phrase', "(coal OR cup", "coal)", "", "   "])
def test_malformed_queries_raise_one_line_errors(library: Library, bad: str) -> None:
    with pytest.raises(QueryError) as error:
        library.search(bad)
    assert "\n" not in str(error.value)
    assert str(error.value)


def test_match_spans_find_every_form_in_the_text(library: Library) -> None:
    text = library.document("trade.txt").text
    spans = library.match_spans("trade.txt", "tariff")
    assert [text[s:e] for s, e in spans] == ["tariffs", "tariff"]
    assert library.match_spans("trade.txt", '"unclosed') == []


def test_results_limit_and_total(library: Library) -> None:
    with pytest.raises(QueryError, match="common words"):
        library.search("the")
    result = library.search("memory OR cup OR coal", limit=2)
    assert len(result.hits) == 2
    assert result.total == 4
