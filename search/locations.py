"""Where a corpus's index lives: in the user's cache folder, never inside the corpus."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import platformdirs

APP_NAME = "docscope"


def cache_root() -> Path:
    """The per-user cache folder for docscope (``~/.cache/docscope`` on Linux)."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def index_root() -> Path:
    """The folder holding one index folder per corpus: every folder in it is docscope's."""
    return cache_root() / "indexes"


def default_index_dir(corpus: Path) -> Path:
    """One index folder per corpus, keyed by the corpus's absolute path.

    The folder name starts with the corpus's own name so a user browsing the cache can tell
    indexes apart; the hash keeps two corpora with the same name apart.
    """
    absolute = corpus.resolve()
    digest = hashlib.sha1(str(absolute).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", absolute.name).strip("-") or "corpus"
    return index_root() / f"{slug[:40]}-{digest}"
