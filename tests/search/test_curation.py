"""Corrections that stick: made through the Library, applied by every reading path, kept
across rebuilds and re-analysis, exported and imported; and the analysis rules version."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from search import CurationError, Library
from search.analysing import analysis_stamp
from search.curation import FILE_NAME
from search.records import Curation, CurationAction
from tests.conftest import SEEDS

FIRST = "000_dee7f317bebf9e16.txt"
SECOND = "004_8c6d034b33b3b9e9.txt"


@pytest.fixture(scope="module")
def corpus() -> Path:
    """The bundled seeds, read only: corrections never touch a corpus."""
    return SEEDS


@pytest.fixture(scope="module")
def analysed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seeds, analysed once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("analysed") / "index"
    library = Library.open(corpus, index_dir=folder)
    library.refresh()
    library.analyse()
    return folder


@pytest.fixture
def library(corpus: Path, analysed: Path, tmp_path: Path) -> Library:
    folder = tmp_path / "index"
    shutil.copytree(analysed, folder)
    return Library.open(corpus, index_dir=folder)


def names(library: Library, label: str | None = None) -> set[str]:
    return {entity.name for entity in library.entities(label)}


def test_rename_shows_everywhere_and_keeps_the_old_name_as_alias(library: Library) -> None:
    library.curate(Curation(CurationAction.RENAME, "Xi Jinping", "Jinping Xi"))
    person = next(e for e in library.entities("PERSON") if e.name == "Jinping Xi")
    assert person.curated and "Xi Jinping" in person.aliases
    assert "Xi Jinping" not in names(library)
    assert {q.speaker for q in library.quotes(speaker="Jinping Xi")} == {"Jinping Xi"}
    assert library.search('person:"Jinping Xi"').total == 1
    overview = library.entity_overview()
    assert "Jinping Xi" in {e.name for e in overview.entities}
    assert "Jinping Xi" in {s.speaker for s in library.corpus_stats(per_document=False).top_speakers}


def test_merge_makes_one_entity_with_the_target_name(library: Library) -> None:
    before = {e.name: e for e in library.entities("PERSON")}
    library.curate(Curation(CurationAction.MERGE, "Lee Jae-myung", "Yoon Suk Yeol"))
    after = {e.name: e for e in library.entities("PERSON")}
    assert "Lee Jae-myung" not in after
    yoon = after["Yoon Suk Yeol"]
    assert yoon.count == before["Yoon Suk Yeol"].count + before["Lee Jae-myung"].count
    assert "Lee Jae-myung" in yoon.aliases and yoon.curated
    quoted = library.quotes(speaker="Yoon Suk Yeol")
    assert "The ROK is ready" in " ".join(q.text for q in quoted)
    assert all(q.speaker == "Yoon Suk Yeol" for q in quoted)
    assert library.search('person:"Yoon Suk Yeol"').total == 2
    spans = library.match_spans(FIRST, 'person:"Yoon Suk Yeol"')
    text = library.document(FIRST).text
    assert any(text[start:end].startswith("Lee") for start, end in spans)


def test_relabel_moves_the_entity_and_clears_a_dispute(library: Library) -> None:
    library.curate(Curation(CurationAction.RELABEL, "APEC", "gpe"))
    apec = next(e for e in library.entities("GPE") if e.name == "APEC")
    assert apec.label == "GPE" and apec.curated and not apec.disputed
    assert "APEC" not in names(library, "ORG")
    assert library.search('org:"APEC"').total == 0
    assert library.search('place:"APEC"').total == 1


def test_hide_removes_the_entity_from_lists_counts_and_queries(library: Library) -> None:
    counts = library.corpus_stats(per_document=False).entity_counts
    library.curate(Curation(CurationAction.HIDE, "Xi Jinping", None))
    assert "Xi Jinping" not in names(library)
    assert library.search('person:"Xi Jinping"').total == 0
    assert library.corpus_stats(per_document=False).entity_counts["PERSON"] == counts["PERSON"] - 1
    assert all(q.speaker != "Xi Jinping" for q in library.quotes())


def test_speaker_set_and_cleared_by_quote_id(library: Library) -> None:
    quote = next(q for q in library.quotes() if q.speaker == "Lee Jae-myung")
    library.curate(Curation(CurationAction.SPEAKER, quote.id, "Xi Jinping"))
    moved = next(q for q in library.quotes() if q.id == quote.id)
    assert moved.speaker == "Xi Jinping" and moved.speaker_curated and not moved.guessed
    assert quote.id in {q.id for q in library.quotes(speaker="Xi Jinping")}
    assert quote.id not in {q.id for q in library.quotes(speaker="Lee Jae-myung")}
    library.curate(Curation(CurationAction.SPEAKER, quote.id, None))
    cleared = next(q for q in library.quotes() if q.id == quote.id)
    assert cleared.speaker is None and cleared.speaker_label is None


def test_unknown_targets_are_refused_and_nothing_is_stored(library: Library) -> None:
    with pytest.raises(CurationError, match="no entity named 'Nobody Atall'"):
        library.curate(Curation(CurationAction.HIDE, "Nobody Atall", None))
    with pytest.raises(CurationError, match="no quote with id"):
        library.curate(Curation(CurationAction.SPEAKER, "q000000000000", "Xi Jinping"))
    with pytest.raises(CurationError, match="not a label"):
        library.curate(Curation(CurationAction.RELABEL, "APEC", "COMPANY"))
    with pytest.raises(CurationError, match="no entity named"):
        library.curate(Curation(CurationAction.MERGE, "APEC", "Nobody Atall"))
    assert library.curations() == []


def test_undo_removes_the_last_correction(library: Library) -> None:
    assert library.undo_curation() is None
    library.curate(Curation(CurationAction.HIDE, "APEC", None))
    made = library.curate(Curation(CurationAction.RENAME, "China", "PRC China"))
    assert made.made.endswith("Z")
    assert library.undo_curation() == made
    assert "China" in names(library) and "APEC" not in names(library)


def test_export_import_skips_duplicates_and_refuses_a_bad_file(
    library: Library, tmp_path: Path
) -> None:
    library.curate(Curation(CurationAction.HIDE, "APEC", None))
    library.curate(Curation(CurationAction.RENAME, "China", "PRC China"))
    exported = tmp_path / "mine.json"
    assert library.export_curations(exported) == 2
    assert json.loads(exported.read_text())["format"] == 1
    library.undo_curation()
    assert library.import_curations(exported) == 1
    assert [c.action for c in library.curations()] == [CurationAction.HIDE, CurationAction.RENAME]
    bad = tmp_path / "bad.json"
    for text in ("{not json", '{"format": 99, "curations": []}', '{"format": 1, "curations": [{"action": "explode", "target": "x"}]}'):
        bad.write_text(text)
        with pytest.raises(CurationError):
            library.import_curations(bad)
    assert len(library.curations()) == 2


def test_corrections_survive_a_rebuild_and_reanalysis(library: Library, corpus: Path) -> None:
    quote = next(q for q in library.quotes() if q.speaker == "Lee Jae-myung")
    library.curate(Curation(CurationAction.RENAME, "Xi Jinping", "Jinping Xi"))
    library.curate(Curation(CurationAction.SPEAKER, quote.id, "Xi Jinping"))
    folder = library.index_dir
    (folder / "VERSION").write_text("1\n")  # another docscope's format: rebuilt on open
    rebuilt = Library.open(corpus, index_dir=folder)
    assert rebuilt.notice
    assert rebuilt.entities() == []
    assert (folder / FILE_NAME).exists()
    rebuilt.refresh()
    rebuilt.analyse()
    assert "Jinping Xi" in names(rebuilt, "PERSON")
    again = next(q for q in rebuilt.quotes() if q.id == quote.id)
    assert again.speaker == "Jinping Xi" and again.speaker_curated


def test_quote_ids_are_stable_and_distinct(library: Library, corpus: Path, tmp_path: Path) -> None:
    ids = [q.id for q in library.quotes()]
    assert len(set(ids)) == len(ids) and all(i.startswith("q") and len(i) == 13 for i in ids)
    fresh = Library.open(corpus, index_dir=tmp_path / "fresh")
    fresh.refresh()
    fresh.analyse()
    assert [q.id for q in fresh.quotes()] == ids


def test_older_rules_make_analysis_pending_again(library: Library) -> None:
    assert library.pending_analysis() == 0
    assert library.analysis_coverage() == (2, 2)
    with sqlite3.connect(library.index_dir / "catalog.sqlite3") as db:
        db.execute("UPDATE analysis SET model = ? WHERE document = ?", (library.model, FIRST))
    assert library.pending_analysis() == 1
    assert library.analysis_coverage() == (1, 2)
    assert library.analyse().analysed == 1
    assert library.analysis_coverage() == (2, 2)
    stamp = analysis_stamp(library.model)
    with sqlite3.connect(library.index_dir / "catalog.sqlite3") as db:
        assert {m for (m,) in db.execute("SELECT model FROM analysis")} == {stamp}


def test_an_older_catalog_gains_quote_ids(library: Library, corpus: Path) -> None:
    ids = sorted(q.id for q in library.quotes())
    path = library.index_dir / "catalog.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX quotes_id")
        db.execute("ALTER TABLE quotes DROP COLUMN id")
        db.execute("ALTER TABLE quotes DROP COLUMN speaker_label")
    reopened = Library.open(corpus, index_dir=library.index_dir)
    assert sorted(q.id for q in reopened.quotes()) == ids
