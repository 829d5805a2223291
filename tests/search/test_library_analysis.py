"""Analysis through the Library on the seeds: entities, quotes, statistics and field queries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search import Library
from tests.conftest import SEEDS

FIRST = "000_dee7f317bebf9e16.txt"
SECOND = "004_8c6d034b33b3b9e9.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seeds")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, root / seed.name)
    return root


@pytest.fixture(scope="module")
def library(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Library:
    lib = Library.open(corpus, index_dir=tmp_path_factory.mktemp("index"))
    lib.refresh()
    report = lib.analyse()
    assert report.analysed == 2
    assert report.words > 2000
    assert report.words_per_second > 0
    return lib


def test_the_five_people_are_person_entities(library: Library) -> None:
    people = {entity.name: entity for entity in library.entities(label="PERSON")}
    for name in ("Xi Jinping", "Lee Jae-myung", "Yoon Suk Yeol", "Kim Hong-kyun", "Sun Weidong"):
        assert name in people, name


def test_yoon_is_one_entity_in_both_documents(library: Library) -> None:
    yoon = [e for e in library.entities(label="PERSON") if e.name.startswith("Yoon")]
    assert len(yoon) == 1
    assert set(yoon[0].documents) == {FIRST, SECOND}
    assert "Yoon Suk-yeol" in yoon[0].aliases


def test_money_is_one_mention(library: Library) -> None:
    money = [e.name for e in library.entities(label="MONEY")]
    assert "$328.08 billion" in money


def test_mentions_point_into_the_cleaned_text(library: Library) -> None:
    texts = {doc_id: library.document(doc_id).text for doc_id in (FIRST, SECOND)}
    for entity in library.entities():
        for mention in entity.mentions:
            assert texts[mention.document][mention.start : mention.end] == mention.text


def test_entities_most_mentioned_first_and_scoped(library: Library) -> None:
    everything = library.entities()
    counts = [e.count for e in everything]
    assert counts == sorted(counts, reverse=True)
    only_second = library.entities(documents=[SECOND])
    assert only_second and all(set(e.documents) == {SECOND} for e in only_second)
    assert library.entities(documents=[]) == []


def test_entity_overview_keeps_the_most_mentioned_of_each_label(library: Library) -> None:
    everything = library.entities()
    by_label: dict[str, list[str]] = {}
    for entity in everything:  # most mentioned first, ties by key as in the overview
        by_label.setdefault(entity.label, []).append(entity.name)
    overview = library.entity_overview(per_label=2)
    assert overview.totals == {label: len(names) for label, names in by_label.items()}
    kept: dict[str, list[str]] = {}
    for entity in overview.entities:
        kept.setdefault(entity.label, []).append(entity.name)
    assert kept == {label: names[:2] for label, names in by_label.items()}
    counts = [e.count for e in overview.entities]
    assert counts == sorted(counts, reverse=True)
    full = {(e.label, e.name): e for e in everything}
    assert all(full[(e.label, e.name)] == e for e in overview.entities), "same entities, whole"
    scoped = library.entity_overview(documents=[SECOND], per_label=1000)
    assert {(e.label, e.name) for e in scoped.entities} == {
        (e.label, e.name) for e in library.entities(documents=[SECOND])
    }
    assert library.entity_overview(documents=[]).entities == ()


def test_four_quotes_with_their_speakers_and_no_scare_quotes(library: Library) -> None:
    quotes = library.quotes(documents=[FIRST])
    found = {q.text[:30]: q.speaker for q in quotes}
    assert len(quotes) == 4, [q.text for q in quotes]
    assert found["deepen mutually beneficial coo"] == "Xi Jinping"
    assert found["The ROK is ready to enhance mu"] == "Lee Jae-myung"
    assert found["with the goal of realizing an "] == "Gyeongju Declaration"
    assert found["we acknowledge the agreed upon"].startswith("Joint Statement")
    texts = " | ".join(q.text for q in quotes)
    for scare in ("value diplomacy", "dual circulation", "Building a Sustainable Tomorrow"):
        assert scare not in texts
    text = library.document(FIRST).text
    for quote in quotes:
        assert quote.text in text[quote.start : quote.end]
        assert 0.0 < quote.confidence <= 1.0


def test_quotes_by_speaker_accept_aliases(library: Library) -> None:
    by_name = library.quotes(speaker="Lee Jae-myung")
    assert [q.speaker for q in by_name] == ["Lee Jae-myung"]
    assert library.quotes(speaker="President Lee") == by_name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('person:"Xi Jinping"', {FIRST}),
        ('person:"Yoon Suk-yeol"', {FIRST, SECOND}),
        ('person:"Yoon Suk Yeol"', {FIRST, SECOND}),
        ('person:"President Lee"', {FIRST}),
        ("org:APEC", {FIRST}),
        ("place:Busan", {FIRST}),
        ('speaker:"Lee Jae-myung"', {FIRST}),
        ('place:"U.S." AND place:"United States"', {FIRST, SECOND}),
        ("person:yoon* AND pivotal", {SECOND}),
        ('person:"Xi Jinping" OR person:"Sun Weidong"', {FIRST, SECOND}),
        ('semiconductors NOT person:"Xi Jinping"', {SECOND}),
        ("person:nobody", set()),
    ],
)
def test_entity_field_queries(library: Library, query: str, expected: set[str]) -> None:
    assert {hit.document for hit in library.search(query).hits} == expected


def test_match_spans_of_an_entity_query_are_its_mentions(library: Library) -> None:
    text = library.document(FIRST).text
    spans = library.match_spans(FIRST, 'person:"Lee Jae-myung"')
    assert spans
    assert {text[s:e] for s, e in spans} <= {"Lee Jae-myung", "Lee", "President Lee"}


def test_document_and_corpus_statistics(library: Library) -> None:
    stats = library.document_stats(SECOND)
    assert stats.words > 500
    assert stats.sentences > 15
    assert stats.paragraphs >= 10
    assert 0 < stats.type_token_ratio < 1
    assert 10 < stats.mean_sentence_length < 40
    assert 0 < stats.readability < 60
    assert stats.grade_level > 10
    assert stats.reading_time_minutes > 1
    assert stats.distinctive_terms
    corpus = library.corpus_stats(top=10)
    assert corpus.documents == 2
    assert corpus.analysed == 2
    assert corpus.words == sum(d.words for d in corpus.per_document)
    assert corpus.vocabulary > 500
    terms = [t.term for t in corpus.top_terms]
    assert "korea" in terms and "the" not in terms and "has" not in terms
    assert corpus.entity_counts["PERSON"] == 5
    assert corpus.top_speakers


def test_analysis_is_incremental(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(corpus, folder)
    lib = Library.open(folder, index_dir=tmp_path / "index")
    lib.refresh()
    assert lib.analyse().analysed == 2
    assert lib.pending_analysis() == 0
    again = Library.open(folder, index_dir=tmp_path / "index")
    again.refresh()
    assert again.analyse().analysed == 0
    path = folder / SECOND
    path.write_text(path.read_text(encoding="utf-8") + "\n\nKim Jong Un said nothing.\n", encoding="utf-8")
    again.refresh()
    assert again.pending_analysis() == 1
    assert again.analyse().analysed == 1
    assert any(e.name.startswith("Kim Jong") for e in again.entities(label="PERSON"))
