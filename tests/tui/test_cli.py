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
