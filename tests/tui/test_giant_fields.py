"""Giant fields (a 1 MB title, a 1 MB metadata value, a 2-million-letter word) are bounded
where they are shown, and hostile names reach no widget raw. The times are in the report of
the commit that bounded them; these tests assert sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Label, Static

from search import Library
from search.records import Document, Hit, Progress, Quote, SearchResult
from search.safe_text import UNSAFE
from search.snippets import SNIPPET_LIMIT
from tests.tui.conftest import RecordingApp
from tui.cli_output import print_search
from tui.long_runs import RUN_CHARS
from tui.panes.quotes import QuotesPane
from tui.reader import Reader, ReaderBlock
from tui.results import ResultList
from tui.status import JobStatus

WORD = "w" * 2_000_000
BIG = "T" * 1_000_000
HOSTILE = "t_\x1b]2;PWNED\x1b\\ c_\x1b]52;c;ZXZpbA==\x07 \x9b31m \u202e"


def giant_corpus(root: Path) -> Path:
    root.mkdir()
    records = [
        {"id": "title", "title": "harbour " + BIG, "text": "A harbour note with a giant title."},
        {"id": "meta", "text": "A harbour note with giant metadata.", "source": BIG},
    ]
    (root / "giant.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n")
    (root / "word.txt").write_text(f"Harbour word\n\nThe harbour {WORD} ends here.\n")
    (root / "bang.txt").write_text(f"Bang\n\nharbour {'!' * 1_000_000} harbour again\n")
    return root


def test_snippets_stay_short_whatever_the_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A giant word after a match, a megabyte of punctuation between two, a giant word that is
    the match itself: each snippet stays a short passage (the CLI printed a 2 MB one), its
    highlights inside it, on the matched words."""
    library = Library.open(giant_corpus(tmp_path / "corpus"), tmp_path / "index")
    library.refresh()
    for query in ("harbour", WORD[:10] + "*", "harbour again"):
        result = library.search(query)
        for hit in result.hits:
            assert len(hit.snippet) <= SNIPPET_LIMIT, (query, hit.document, len(hit.snippet))
            for start, end in hit.highlights:
                assert 0 <= start < end <= len(hit.snippet)
        if query == "harbour":
            assert {hit.document for hit in result.hits} >= {"word.txt", "bang.txt"}
            for hit in result.hits:
                start, end = hit.highlights[0]
                assert hit.snippet[start:end].lower() == "harbour"
        print_search(result, as_json=False)
    printed = capsys.readouterr().out
    assert max(map(len, printed.splitlines())) < 1000  # the CLI's title and snippet cells too
    assert len(printed) < 50_000


async def test_giant_and_hostile_fields_are_bounded_and_safe_in_every_widget(
    app: RecordingApp,
) -> None:
    """Results, reader header, metadata and body, status line, quotes pane and a toast, given a
    megabyte-long hostile title and metadata and a 2-million-letter word."""
    title = HOSTILE + BIG
    text = f"Harbour word\n\nThe harbour {WORD} ends here.\n\nA last harbour line."
    document = Document(
        id=HOSTILE + ".txt", title=title, text=text, path="/corpus/" + HOSTILE + ".txt",
        size=len(text), modified=None, metadata={HOSTILE: BIG, "source": HOSTILE + BIG},
    )  # fmt: skip
    hits = [(0, 7), (18, 25), (len(text) - 13, len(text) - 6)]
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.explorer.query_one(ResultList)
        five = tuple(
            Hit(f"{document.id}{n}", title, 1.0, "the harbour " + HOSTILE, ((4, 11),))
            for n in range(5)
        )
        results.show_hits(SearchResult("harbour", five, 5, 0.001))
        reader = app.explorer.query_one(Reader)
        await reader.show_document(document, hits)
        app.explorer.query_one(JobStatus).show_progress(Progress("index", 1, 3, title))
        app.notify(HOSTILE + BIG, title=HOSTILE, markup=False)
        quotes = app.explorer.query_one(QuotesPane)
        quote = Quote(document.id, "We will rebuild " + BIG, HOSTILE, "said " + HOSTILE, 0, 9, 1.0)
        app.explorer.action_show_tab("quotes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        quotes.show_quotes([quote])  # after the pane loaded the corpus' own
        await pilot.pause()
        quotes.navigable.highlighted = 0
        await pilot.pause()
        shown: list[str] = [
            str(results.get_option_at_index(index).prompt) for index in range(results.option_count)
            if results.get_option_at_index(index) is not None
        ]  # fmt: skip
        shown += [str(reader.border_title), str(app.sub_title)]
        for part in ("title", "meta"):
            shown.append(str(reader.query_one(f"#reader-{part}", Static).content))
        shown.append(str(app.explorer.query_one("#job-label", Label).content))
        shown += [str(toast.render()) for toast in app.screen.query("Toast")]
        shown += [str(option.prompt) for option in quotes.navigable.options]
        shown.append(str(quotes.query_one("#quote-detail", Static).content))
        for line in shown:
            assert not UNSAFE.search(line.replace("\n", " ")), line[:200]
            assert len(line) <= 4000, len(line)  # a few lines at most, never a megabyte
        assert "t_␛]2;PWNED␛\\" in shown[0]
        blocks = list(reader.query(ReaderBlock))
        assert sum(len(block.shown_text) for block in blocks) < 3 * RUN_CHARS
        assert blocks[-1].end == len(text)  # offsets hold: the last block ends the text
        reader.action_next_hit()
        reader.action_next_hit()  # the hit after the giant word is painted where it is
        last = blocks[-1]
        assert last.shown_text[hits[-1][0] - last.start : hits[-1][1] - last.start] == "harbour"
        assert any("PWNED" in line for line in shown[-2:])
