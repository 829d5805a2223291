"""The command line's contract: exact JSON shapes, exit codes, and readable tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("index"))


def test_search_json_lists_both_seeds(capsys: pytest.CaptureFixture[str], index_dir: str) -> None:
    code, out, _ = run(capsys, "search", "semiconductors", "--json", "--index-dir", index_dir)
    assert code == 0
    hits = json.loads(out)
    assert {hit["document"] for hit in hits} == {"000_dee7f317bebf9e16.txt", "004_8c6d034b33b3b9e9.txt"}
    for hit in hits:
        assert set(hit) == {"document", "title", "score", "snippet"}
        assert isinstance(hit["score"], float)
        assert "semiconductors" in hit["snippet"].lower()
    assert hits[0]["score"] >= hits[1]["score"]


def test_search_without_matches_prints_an_empty_array(capsys: pytest.CaptureFixture[str], index_dir: str) -> None:
    code, out, _ = run(capsys, "search", "zeppelin", "--json", "--index-dir", index_dir)
    assert (code, json.loads(out)) == (0, [])


def test_bad_query_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], index_dir: str) -> None:
    code, out, err = run(capsys, "search", '"unclosed', "--json", "--index-dir", index_dir)
    assert code == 2
    assert out == ""
    assert "unbalanced quotation mark" in err
    assert "Traceback" not in err


def test_bad_path_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "search", "x", "--corpus", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "i"))
    assert code == 2
    assert "no such file or folder" in err


def test_table_output_shows_titles(capsys: pytest.CaptureFixture[str], index_dir: str) -> None:
    code, out, _ = run(capsys, "search", "semiconductors", "--index-dir", index_dir)
    assert code == 0
    assert "A Pivotal Moment" in out


def test_index_twice_indexes_nothing_the_second_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = str(tmp_path / "index")
    code, out, _ = run(capsys, "index", "--no-analysis", "--json", "--index-dir", folder)
    assert code == 0
    assert json.loads(out)["indexed"] == 2
    code, out, _ = run(capsys, "index", "--no-analysis", "--json", "--index-dir", folder)
    summary = json.loads(out)
    assert (summary["indexed"], summary["unchanged"], summary["removed"]) == (0, 2, 0)


def test_model_comes_from_the_config_file_unless_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('model = "no_such_pipeline_xyz"\n', encoding="utf-8")
    monkeypatch.setenv("DOCSCOPE_CONFIG_DIR", str(config))
    code, _, err = run(capsys, "entities", "--json", "--index-dir", str(tmp_path / "index"))
    assert code == 2
    assert "no_such_pipeline_xyz" in err
    assert "Traceback" not in err


# --- curate ------------------------------------------------------------------------------------


@pytest.fixture
def curated_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """An analysed index of the seeds of its own: corrections are per index folder."""
    folder = str(tmp_path / "index")
    assert run(capsys, "index", "--index-dir", folder)[0] == 0
    return folder


def test_curate_each_entity_action_says_what_it_did_and_applies(
    capsys: pytest.CaptureFixture[str], curated_dir: str
) -> None:
    steps = [
        (("rename", "Xi Jinping", "Jinping Xi"), "renamed 'Xi Jinping' to 'Jinping Xi'"),
        (("merge", "Lee Jae-myung", "Yoon Suk Yeol"), "merged 'Lee Jae-myung' into 'Yoon Suk Yeol'"),
        (("relabel", "APEC", "GPE"), "relabelled 'APEC' as GPE"),
        (("hide", "China", "--label", "GPE"), "hid 'China' (GPE)"),
    ]
    for arguments, said in steps:
        code, out, err = run(capsys, "curate", *arguments, "--index-dir", curated_dir)
        assert (code, err) == (0, "")
        assert out.strip() == said
    _, out, _ = run(capsys, "entities", "--json", "--index-dir", curated_dir)
    entities = {e["name"]: e for e in json.loads(out)}
    assert "China" not in entities and "Xi Jinping" not in entities and "Lee Jae-myung" not in entities
    assert entities["Jinping Xi"]["curated"] is True
    assert entities["APEC"]["label"] == "GPE"
    assert "Lee Jae-myung" in entities["Yoon Suk Yeol"]["aliases"]
    assert {"key", "disputed", "votes", "curated", "aliases"} <= set(entities["APEC"])


def test_curate_speaker_by_quote_id_then_none_then_undo(
    capsys: pytest.CaptureFixture[str], curated_dir: str
) -> None:
    _, out, _ = run(capsys, "quotes", "--json", "--index-dir", curated_dir)
    quotes = json.loads(out)
    assert {"id", "speaker_label", "guessed"} <= set(quotes[0])
    quote_id = quotes[0]["id"]
    code, out, _ = run(capsys, "curate", "speaker", quote_id, "Yoon Suk Yeol", "--index-dir", curated_dir)
    assert code == 0 and quote_id in out
    _, out, _ = run(capsys, "quotes", "--speaker", "Yoon Suk Yeol", "--json", "--index-dir", curated_dir)
    assert quote_id in {q["id"] for q in json.loads(out)}
    code, out, _ = run(capsys, "curate", "speaker", quote_id, "--none", "--index-dir", curated_dir)
    assert out.strip() == f"cleared the speaker of quote {quote_id}"
    _, out, _ = run(capsys, "quotes", "--json", "--index-dir", curated_dir)
    assert next(q for q in json.loads(out) if q["id"] == quote_id)["speaker"] is None
    code, out, _ = run(capsys, "curate", "undo", "--index-dir", curated_dir)
    assert out.startswith("undid: cleared the speaker")
    _, out, _ = run(capsys, "curate", "list", "--json", "--index-dir", curated_dir)
    assert [c["action"] for c in json.loads(out)] == ["speaker"]


def test_curate_refusals_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], curated_dir: str
) -> None:
    for arguments, words in [
        (("hide", "Nobody \x1b[31mAtall"), "no entity named 'Nobody ␛[31mAtall'"),
        (("relabel", "APEC", "COMPANY"), "'COMPANY' is not a label"),
        (("speaker", "q000000000000", "Someone"), "no quote with id 'q000000000000'"),
        (("speaker", "q000000000000"), "give the speaker's name, or --none"),
    ]:
        code, out, err = run(capsys, "curate", *arguments, "--index-dir", curated_dir)
        assert code == 2 and out == ""
        assert words in err and len(err.strip().splitlines()) == 1
    _, out, _ = run(capsys, "curate", "list", "--json", "--index-dir", curated_dir)
    assert json.loads(out) == []


def test_curate_export_import_and_survival_across_a_rebuild(
    capsys: pytest.CaptureFixture[str], curated_dir: str, tmp_path: Path
) -> None:
    run(capsys, "curate", "rename", "Xi Jinping", "Jinping Xi", "--index-dir", curated_dir)
    exported = tmp_path / "corrections.json"
    code, out, _ = run(capsys, "curate", "export", str(exported), "--index-dir", curated_dir)
    assert code == 0 and out.startswith("exported 1 correction to")
    code, out, _ = run(capsys, "curate", "import", str(exported), "--index-dir", curated_dir)
    assert out.startswith("imported 0 corrections")
    (Path(curated_dir) / "VERSION").write_text("1\n")  # another format: the index is rebuilt
    code, out, err = run(capsys, "entities", "--label", "PERSON", "--json", "--index-dir", curated_dir)
    assert code == 0 and "format 1" in err  # the notice: rebuilt from the corpus
    assert "Jinping Xi" in {e["name"] for e in json.loads(out)}
    other = str(tmp_path / "other")
    run(capsys, "index", "--index-dir", other)
    code, out, _ = run(capsys, "curate", "import", str(exported), "--index-dir", other)
    assert out.startswith("imported 1 correction")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    code, _, err = run(capsys, "curate", "import", str(bad), "--index-dir", other)
    assert code == 2 and "not a corrections file" in err


def test_partial_analysis_is_said_on_stderr_and_json_unchanged(
    capsys: pytest.CaptureFixture[str], curated_dir: str
) -> None:
    import sqlite3

    with sqlite3.connect(Path(curated_dir) / "catalog.sqlite3") as db:
        db.execute("UPDATE analysis SET model = 'older' WHERE document = '000_dee7f317bebf9e16.txt'")
    code, out, err = run(capsys, "search", 'person:"Yoon Suk Yeol"', "--json", "--index-dir", curated_dir)
    assert code == 0
    assert "matches from 50% of the documents (analysed 1 of 2)" in err
    json.loads(out)
    code, out, err = run(capsys, "entities", "--json", "--index-dir", curated_dir)
    assert err == ""  # entities analyse what is pending first: complete again
    json.loads(out)
