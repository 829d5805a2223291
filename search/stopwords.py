"""English stop words for term statistics: spaCy's list, read without importing spaCy.

Whoosh's own list (about 40 words) leaves "has", "its" and "both" at the top of a corpus's
term table. spaCy's English list (about 330 words) is better, but importing ``spacy`` costs a
second, and opening a corpus must stay fast; so its data file is run on its own.
"""

from __future__ import annotations

import importlib.util
import runpy
from functools import cache
from pathlib import Path

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, or Whoosh's where spaCy is not installed."""
    spec = importlib.util.find_spec("spacy")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            path = Path(location) / "lang" / "en" / "stop_words.py"
            if path.is_file():
                words = runpy.run_path(str(path)).get("STOP_WORDS")
                if words:
                    return frozenset(words) | WHOOSH_STOP_WORDS
    return frozenset(WHOOSH_STOP_WORDS)
