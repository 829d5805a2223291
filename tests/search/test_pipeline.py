"""The pipeline runner: loading, long texts in pieces, batches, worker processes, cancelling."""

from __future__ import annotations

import io
import sys

import multiprocessing
import threading
from typing import TYPE_CHECKING

import pytest

from search.analysis import batching
from search.analysis.batching import analyse_document, split_text
from search.analysis.figures import text_figures
from search.analysis.model import DEFAULT_MODEL, ModelNotFound, load_pipeline
from search.analysis.pipeline import analyse_texts, default_processes
from search.analysis.results import DocumentAnalysis

if TYPE_CHECKING:
    from spacy.language import Language

NEWS = [
    (
        "a.txt",
        "South Korean President Lee Jae-myung met Chinese President Xi Jinping in Gyeongju. "
        '"We will keep talking," President Lee said after the meeting.\n\n'
        "Bilateral trade reached $328.08 billion in 2024, a rise of 5.6 percent.",
    ),
    (
        "b.txt",
        "Prime Minister Tony Blair told MPs on Wednesday that Gordon Brown would stay. "
        "Mr Brown declined to comment.\n\nShares in TimeWarner rose 2% to $11.1bn.",
    ),
    (
        "c.txt",
        "Vice Foreign Minister Kim Hong-kyun met his counterpart Sun Weidong in Seoul. "
        '"Dialogue matters," Kim said.',
    ),
    ("d.txt", "The end."),
    ("e.txt", ""),
]
ITEMS = [(doc_id, f"digest-{doc_id}", text) for doc_id, text in NEWS]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def test_pipeline_keeps_what_the_analysis_reads(nlp: Language) -> None:
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "indexed_ruler", "lemmatizer", "ner"]
    doc = nlp('"It works," he said.')
    assert [t.pos_ for t in doc if t.lower_ in ("he", "said")] == ["PRON", "VERB"]
    assert [t.lemma_ for t in doc if t.lower_ == "said"] == ["say"]
    assert list(doc.sents)


def test_indexed_ruler_agrees_with_the_attribute_ruler(nlp: Language) -> None:
    import spacy

    reference = spacy.load(DEFAULT_MODEL)
    text = " ".join(t for _, t in NEWS) + (
        " There is a cat. He's got it; she'd gone and they haven't. Y'all gonna do somethin' "
        "'bout it? I ain't nothin' like 'em. Let's go, c'mon. Anyone can do it, but nobody did."
    )
    ours, theirs = nlp(text), reference(text)
    for mine, expected in zip(ours, theirs, strict=True):
        assert (mine.pos_, mine.tag_, mine.lemma_, str(mine.morph)) == (
            expected.pos_, expected.tag_, expected.lemma_, str(expected.morph)
        ), mine.text


def test_missing_model_says_how_to_get_one() -> None:
    with pytest.raises(ModelNotFound) as caught:
        load_pipeline("no_such_pipeline_xx")
    message = str(caught.value)
    assert "pip install" in message and "--model" in message and "no_such_pipeline_xx" in message


def test_missing_model_fails_before_starting_workers() -> None:
    with pytest.raises(ModelNotFound):
        next(analyse_texts(ITEMS, model="no_such_pipeline_xx", processes=2))
    assert not multiprocessing.active_children()


def test_split_text_cuts_at_paragraphs_and_keeps_offsets() -> None:
    paragraph = "Lee Jae-myung met Xi Jinping. " * 20
    text = "\n\n".join([paragraph.strip()] * 50)
    pieces = split_text(text, limit=2000)
    assert len(pieces) > 1
    assert "".join(piece for _, piece in pieces) == text
    for offset, piece in pieces:
        assert len(piece) <= 2000
        assert text[offset : offset + len(piece)] == piece
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])


def test_split_text_survives_ten_megabytes_without_breaks() -> None:
    text = "word " * 2_000_000
    pieces = split_text(text)
    assert "".join(piece for _, piece in pieces) == text
    assert max(len(piece) for _, piece in pieces) <= batching.MAX_PIECE_CHARS


def test_long_document_in_pieces(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batching, "MAX_PIECE_CHARS", 1000)
    filler = "Trade between the two countries grew again this year, officials said. " * 12
    text = "\n\n".join(
        [
            "South Korean President Lee Jae-myung met Xi Jinping in Seoul on Monday.",
            filler.strip(),
            filler.strip(),
            '"We will keep talking," Lee said in Busan.',
        ]
    )
    assert len(split_text(text, 1000)) > 1
    result = analyse_document("long.txt", "d1", text, nlp)
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text
    lee = [m for m in result.mentions if m.text == "Lee"]
    assert lee and lee[0].name == "Lee Jae-myung"
    assert "Busan" in {m.text for m in result.mentions}
    [quote] = result.quotes  # in the last piece, with offsets shifted back
    assert text[quote.start : quote.end] == f'"{quote.text}"'
    assert quote.speaker == "Lee Jae-myung"
    assert result.figures == text_figures(nlp(text), text)


def test_analyse_texts_in_process() -> None:
    results = list(analyse_texts(ITEMS, batch_size=2))
    assert [r.document for r in results] == [doc_id for doc_id, _, _ in ITEMS]
    assert [r.digest for r in results] == [digest for _, digest, _ in ITEMS]
    first = results[0]
    assert isinstance(first, DocumentAnalysis)
    assert {"Lee Jae-myung", "Xi Jinping"} <= {m.name for m in first.mentions}
    assert "$328.08 billion" in {m.text for m in first.mentions if m.label == "MONEY"}
    assert first.figures.words > 20 and first.figures.paragraphs == 2
    assert results[-1].figures.words == 0 and results[-1].mentions == ()


def test_cancel_stops_the_in_process_run() -> None:
    cancel = threading.Event()
    seen = []
    for result in analyse_texts(ITEMS * 4, batch_size=2, cancel=cancel):
        seen.append(result)
        cancel.set()
    assert len(seen) == 1


class CapturedStderr(io.StringIO):
    """What Textual puts in ``sys.stderr`` while the explorer runs: no real file descriptor."""

    def fileno(self) -> int:
        return -1


def test_worker_processes_give_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = sorted(analyse_texts(ITEMS), key=lambda r: r.document)
    monkeypatch.setattr(sys, "stderr", CapturedStderr())  # workers start inside the explorer too
    found = sorted(analyse_texts(ITEMS, processes=2), key=lambda r: r.document)
    monkeypatch.undo()
    assert found == expected
    assert not multiprocessing.active_children()

    cancel = threading.Event()
    stream = analyse_texts(ITEMS * 10, processes=2, cancel=cancel)
    next(stream)
    cancel.set()
    assert len(list(stream)) < len(ITEMS) * 10 - 1
    assert not multiprocessing.active_children()


def test_default_processes() -> None:
    assert default_processes(3) == 1
    assert 1 <= default_processes(10_000) <= 4
