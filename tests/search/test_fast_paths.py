"""The faster engine paths give what the plain Whoosh paths gave.

Worker processes build the same index as one process; the fused analyzer makes the same tokens
as ``StemmingAnalyzer``; the term pool writes the same postings as Whoosh's pool; the fuzzy
lookup finds the same terms as Whoosh's automaton; pooled searchers see every commit and
nothing deleted; snippets mark the words the analyzer would.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.formats import Positions
from whoosh.writing import SegmentWriter

import search.indexing as indexing
from search import Library, aggregates
from search.codec import lean_writer
from search.schema import StemmedPositions, StemmingTokenizer, build_schema
from search.snippets import snippet, stem_finder
from search.vocabulary import terms_one_edit_away

WORDS = (
    "harbour strike tariffs tariff steel imports exported exporting chips memory prices "
    "council budget voted approves government governments minister ministers election "
    "elections elected economy economic growth markets market shares shared U.S. co-op "
    "don't it's 2004 1.5 A1 x"
).split()
TEXTS = [
    "The harbour strike left ships waiting. Tariffs on steel imports rose; the tariff hurt.",
    "Memory chips: prices fell as exports slowed. Exported chips, exporting memory.",
    "The council voted to approve the budget. Governments and ministers disagreed.",
    "U.S. markets and the co-op's shares. Don't panic: it's 2004, and 1.5% growth.",
    "",
    "the a of",
    "*wild* card.s and İstanbul",
]


def random_text(rng: random.Random, words: int) -> str:
    sentences = []
    while words > 0:
        length = rng.randint(4, 14)
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        words -= length
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


@pytest.fixture(scope="module")
def jsonl_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    lines = []
    for number in range(600):
        text = random_text(rng, rng.randint(40, 400))
        lines.append(json.dumps({"id": f"n{number}", "title": f"Report {number}", "text": text}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(corpus: Path, index_dir: Path, processes: int, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setattr(indexing, "PROCESSES", processes)
    monkeypatch.setattr(indexing, "PARALLEL_MIN_BYTES", 1)
    library = Library.open(corpus, index_dir=index_dir)
    library.refresh()
    return library


def test_worker_processes_index_what_one_process_indexes(
    jsonl_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = build(jsonl_corpus, tmp_path / "serial", 1, monkeypatch)
    parallel = build(jsonl_corpus, tmp_path / "parallel", 2, monkeypatch)
    assert len(parallel._index._segments()) >= 2  # the workers' segments, not a merge
    assert len(serial.documents()) == 600
    assert [d.id for d in parallel.documents()] == [d.id for d in serial.documents()]
    for query in ("harbour", "tariff", '"memory chips"', "govern*", "harbor~", "budget NOT council"):
        one, two = serial.search(query, limit=1000), parallel.search(query, limit=1000)
        assert two.total == one.total > 0, query
        assert {h.document for h in two.hits} == {h.document for h in one.hits}, query
    assert parallel.document("news.jsonl#n5").text == serial.document("news.jsonl#n5").text
    assert not any(p.name.startswith("building-") for p in (tmp_path / "parallel" / "whoosh").iterdir())


def test_an_early_commit_is_searchable_and_merged_at_the_end(
    jsonl_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = build(jsonl_corpus, tmp_path / "serial", 1, monkeypatch)
    monkeypatch.setattr(indexing, "BATCH_SECONDS", 0.0)  # the first commit comes at once
    commits: list[int] = []
    monkeypatch.setattr(indexing, "PROCESSES", 2)
    library = Library.open(jsonl_corpus, index_dir=tmp_path / "parallel")
    library.refresh(on_commit=lambda: commits.append(len(library._index._segments())))
    assert len(commits) == 2
    # The early segments (one per worker) are merged into one by the last commit.
    assert len(library._index._segments()) <= 3
    for query in ("harbour", '"memory chips"', "govern*", "budget NOT council"):
        assert library.search(query, limit=1000).total == serial.search(query, limit=1000).total
    assert len(library.documents()) == 600


def test_parallel_refresh_replaces_changed_documents(
    jsonl_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "news.jsonl"
    lines = jsonl_corpus.read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    library = build(corpus, tmp_path / "index", 2, monkeypatch)
    lines[3] = '{"id": "n3", "title": "Report 3", "text": "A zeppelin landed in the harbour."}'
    del lines[10]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = library.refresh()
    assert report.indexed == ("news.jsonl#n3",)
    assert report.removed == ("news.jsonl#n10",)
    assert [h.document for h in library.search("zeppelin").hits] == ["news.jsonl#n3"]
    assert library.search("report", limit=1000).total == 599


def test_fused_tokenizer_matches_stemming_analyzer() -> None:
    rng = random.Random(3)
    texts = TEXTS + [random_text(rng, 200) for _ in range(20)]
    old, new = StemmingAnalyzer(), StemmingTokenizer()
    for options in (
        {"positions": True, "chars": True},
        {"positions": True, "chars": True, "removestops": False},
        {"mode": "query"},
        {"tokenize": False, "chars": True},
        {"positions": True, "chars": True, "start_pos": 5, "start_char": 7},
    ):
        for text in texts:
            fields = ("text", "pos", "startchar", "endchar", "stopped")
            expected = [tuple(getattr(t, f, None) for f in fields) for t in old(text, **options)]
            got = [tuple(getattr(t, f, None) for f in fields) for t in new(text, **options)]
            assert got == expected, (options, text)
    plain, compact = Positions(), StemmedPositions()
    for text in texts:
        expected = sorted((w, n, weight) for w, n, weight, _v in plain.word_values(text, old, mode="index"))
        got = sorted(compact.word_values(text, new, mode="index"))
        assert [(w, n, weight) for w, n, weight, _v in got] == expected
        for _word, count, _weight, value in got:
            positions = compact.decode_positions(value)
            assert compact.decode_frequency(value) == count == len(positions)
            assert positions == sorted(positions)


def test_term_pool_writes_the_postings_whoosh_writes(tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = [random_text(rng, rng.randint(10, 300)) for _ in range(200)]
    readers = []
    for name, make in (("whoosh", lambda ix: SegmentWriter(ix)), ("lean", lean_writer)):
        folder = tmp_path / name
        folder.mkdir()
        index = whoosh_index.create_in(str(folder), build_schema())
        writer = make(index)
        for number, text in enumerate(texts):
            writer.add_document(id=f"d{number}", title=text[:30], body=text)
        writer.commit()
        readers.append(index.reader())
    whoosh_reader, lean_reader = readers
    assert list(lean_reader.all_terms()) == list(whoosh_reader.all_terms())
    for fieldname, term in whoosh_reader.all_terms():
        a = whoosh_reader.postings(fieldname, term)
        b = lean_reader.postings(fieldname, term)
        assert list(b.items_as("positions") if fieldname != "id" else b.all_ids()) == list(
            a.items_as("positions") if fieldname != "id" else a.all_ids()
        )


def osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), the slow textbook way."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def test_fuzzy_lookup_finds_every_term_one_edit_away(jsonl_corpus: Path, tmp_path: Path) -> None:
    """What Whoosh's automaton finds, and the swaps of the last two letters it misses."""
    library = Library.open(jsonl_corpus, index_dir=tmp_path / "index")
    library.refresh()
    with library._searchers.searcher() as searcher:
        reader = searcher.reader()
        lexicon = [t.decode("utf-8") for t in reader.lexicon("body")]
        for word in ("harbor", "tarif", "govern", "minist", "x", "chips", "budgte", "2005", "cihp", "hrabour", "tairff"):
            for keep in range(1, min(3, len(word) + 1)):  # Whoosh's own path serves prefix 0
                automaton = set(reader.terms_within("body", word, 1, prefix=keep))
                found = {t.decode("utf-8") for t in terms_one_edit_away(reader, "body", word, keep)}
                truth = {t for t in lexicon if t[:keep] == word[:keep] and osa_distance(t, word) <= 1}
                assert found == truth, (word, keep)
                assert automaton <= found, (word, keep)


def test_pooled_searchers_see_commits_and_not_deleted_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha\n\nThe harbour was calm.", encoding="utf-8")
    library = Library.open(corpus, index_dir=tmp_path / "index")
    library.refresh()
    assert library.search("harbour").total == 1
    (corpus / "a.txt").write_text("Alpha\n\nThe harbour was stormy.", encoding="utf-8")
    (corpus / "b.txt").write_text("Beta\n\nAnother harbour.", encoding="utf-8")
    library.refresh()
    assert library.search("harbour").total == 2  # not 3: the old version stays deleted
    assert library.search("calm").total == 0
    (corpus / "b.txt").unlink()
    library.refresh()
    assert library.search("harbour").total == 1


def indexed_then_reopened(tmp_path: Path) -> Library:
    """A one-document corpus, indexed, then opened again: no searcher opened yet."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha\n\nThe harbour was calm.", encoding="utf-8")
    Library.open(corpus, index_dir=tmp_path / "index").refresh()
    return Library.open(corpus, index_dir=tmp_path / "index")


def test_warm_up_leaves_a_searcher_for_the_first_search(tmp_path: Path) -> None:
    library = indexed_then_reopened(tmp_path)
    library.warm_up()
    assert len(library._searchers._idle) == 1  # taken, not opened, by the first search
    assert library.search("harbour").total == 1


def test_warm_up_leaves_errors_to_the_search_that_meets_them(tmp_path: Path) -> None:
    library = indexed_then_reopened(tmp_path)
    for name in (tmp_path / "index" / "whoosh").iterdir():
        name.unlink()
    library.warm_up()  # no exception here


def test_term_totals_add_up_what_whoosh_counts_over_segments(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    library = Library.open(corpus, index_dir=tmp_path / "index")
    rng = random.Random(5)
    for batch in range(3):  # three refreshes: three segments
        for n in range(4):
            text = random_text(rng, 80)
            (corpus / f"{batch}-{n}.txt").write_text(f"Title {n}\n\n{text}", encoding="utf-8")
        library.refresh()
    with library._searchers.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) > 1
        occurrences, documents = aggregates.term_totals(reader)
        counted = reader.most_frequent_terms("body", 10**6)
        expected = {term.decode(): weight for weight, term in counted}
        assert dict(occurrences) == expected
        assert all(documents[stem] == reader.doc_frequency("body", stem) for stem in expected)


def test_corpus_term_counts_are_kept_until_the_text_index_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour\n\nThe harbour strike went on.", encoding="utf-8")
    library = Library.open(corpus, index_dir=tmp_path / "index")
    library.refresh()
    counted = []
    real = aggregates.term_totals
    monkeypatch.setattr(aggregates, "term_totals", lambda r: counted.append(1) or real(r))
    first = library.corpus_stats(per_document=False)
    assert library.corpus_stats(per_document=False) == first
    assert len(counted) == 1, "an unchanged index is not counted twice"
    (corpus / "b.txt").write_text("Tariffs\n\nTariffs on harbour steel.", encoding="utf-8")
    library.refresh()
    before = {t.term.lower(): t.count for t in first.top_terms}
    after = {t.term.lower(): t.count for t in library.corpus_stats(per_document=False).top_terms}
    assert len(counted) == 2, "a changed index is counted again"
    assert after["harbour"] == before["harbour"] + 1 and "tariffs" in after


def test_snippet_marks_every_word_the_analyzer_matches() -> None:
    analyzer = StemmingTokenizer()
    rng = random.Random(11)
    for text in TEXTS + [random_text(rng, 300) for _ in range(10)]:
        for stems in ({"tariff"}, {"export", "chip"}, {"govern", "minist"}, {"u.", "share"}):
            expected = [
                (t.startchar, t.endchar) for t in analyzer(text, chars=True) if t.text in stems
            ]
            find = stem_finder(stems)
            assert find is not None
            assert find(text) == expected, (stems, text)
            line, marks = snippet(text, expected)
            assert "\n" not in line
            assert all(analyzer(line[s:e], tokenize=False) for s, e in marks)
            words = {line[s:e].lower() for s, e in marks}
            assert words <= {text[s:e].lower() for s, e in expected}
