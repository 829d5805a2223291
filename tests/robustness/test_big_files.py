"""Big files: a 10 MB line without a newline and a 50 MB text file are indexed and
searchable in reasonable time and memory.

Each runs in a child process, so its peak memory (``ru_maxrss``) is its own. The files are
generated in a temporary folder, never committed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

WORDS = (
    "tariff steel export harbour council budget rain forecast election minister court treaty "
    "market shipping railway festival museum library vaccine climate energy the of and a to in"
).split()

END_TO_END = """
import json, resource, sys, time
from search.library import Library
started = time.monotonic()
library = Library.open(sys.argv[1], index_dir=sys.argv[2])
report = library.refresh()
indexed = time.monotonic() - started
result = library.search(sys.argv[3])
searched = time.monotonic() - started - indexed
hit = result.hits[0]
found = []
if sys.argv[4] == "spans":
    text = library.document(hit.document).text
    found = [text[a:b] for a, b in library.match_spans(hit.document, sys.argv[3])]
print(json.dumps({
    "indexed": list(report.indexed), "index_seconds": indexed, "search_seconds": searched,
    "hits": [h.document for h in result.hits], "snippet": hit.snippet, "title": hit.title,
    "found": found, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _generate(path: Path, size: int, paragraphs: bool, marker: str) -> None:
    """``size`` bytes of words, in paragraphs or as one line, and ``marker`` once at the end.
    One random megabyte is repeated: generating 50 MB word by word would take longer than
    indexing them."""
    rng = random.Random(size)
    words = []
    length = 0
    while length < 2**20:
        word = rng.choice(WORDS)
        if paragraphs and len(words) % 300 == 299:
            word += ".\n\n"
        words.append(word)
        length += len(word) + 1
    block = " ".join(words) + " "
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(size // len(block) + 1):
            out.write(block)
        out.write(f"{marker} the end")


def _child(*arguments: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", END_TO_END, *arguments], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_10_mb_line_without_a_newline_is_indexed_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "corpus" / "one_line.txt"
    _generate(path, 10 * 2**20, paragraphs=False, marker="zyxmarker")
    assert b"\n" not in path.read_bytes()
    outcome = _child(str(path.parent), str(tmp_path / "index"), "zyxmarker", "spans")
    assert outcome["indexed"] == outcome["hits"] == ["one_line.txt"]
    assert outcome["index_seconds"] < 60, outcome  # about 5 s here
    assert outcome["search_seconds"] < 10, outcome
    assert outcome["peak_mb"] < 1000, outcome  # about 300 MB
    assert len(outcome["snippet"]) < 600 and len(outcome["title"]) <= 100
    assert outcome["found"] == ["zyxmarker"]


def test_a_50_mb_text_file_is_indexed_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "corpus" / "fifty.txt"
    _generate(path, 50 * 2**20, paragraphs=True, marker="zyxmarker")
    outcome = _child(str(path.parent), str(tmp_path / "index"), "zyxmarker", "no spans")
    assert outcome["indexed"] == outcome["hits"] == ["fifty.txt"]
    assert outcome["index_seconds"] < 120, outcome  # about 14 s here
    assert outcome["search_seconds"] < 15, outcome
    assert outcome["peak_mb"] < 1500, outcome  # about 700 MB
    assert "zyxmarker" in outcome["snippet"]
