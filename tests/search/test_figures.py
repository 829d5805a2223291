"""Per-document figures: counts a reader would agree with, Flesch scores, no network."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from search.analysis.figures import count, figures_from, flesch, syllables, text_figures
from search.analysis.batching import split_text
from search.analysis.model import load_pipeline
from tests.conftest import REPO

if TYPE_CHECKING:
    from spacy.language import Language

TEXT = (
    "China and South Korea's trade grew year-on-year. The leaders didn't meet.\n\n"
    "Xi Jinping and Lee Jae-myung met in Gyeongju - a city in the south. They talked!\n\n"
    "The end."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def test_counts_words_sentences_paragraphs(nlp: Language) -> None:
    figures = text_figures(nlp(TEXT), TEXT)
    # "year-on-year" and "Jae-myung" are one word each; "'s" and "n't" are not words.
    words = TEXT.replace(" - ", " ").split()
    assert figures.words == len(words) == 28
    assert figures.sentences == 5
    assert figures.paragraphs == 3
    assert figures.distinct_words == len({w.lower() for w in _parts(TEXT)})


def _parts(text: str) -> list[str]:
    """Lowercase word parts as spaCy splits them: hyphenated words in pieces, no clitics."""
    return re.findall(r"[A-Za-z]+", text.replace("n't", "").replace("'s", ""))


def test_flesch_formulas() -> None:
    ease, grade = flesch(words=100, sentences=5, syllables=150)
    assert ease == pytest.approx(206.835 - 1.015 * 20 - 84.6 * 1.5, abs=0.01)
    assert grade == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59, abs=0.01)
    assert flesch(0, 0, 0) == (0.0, 0.0)


def test_plain_text_reads_easier_than_dense_text(nlp: Language) -> None:
    plain = "The cat sat on the mat. It was a big cat. The dog ran to it."
    dense = (
        "Intermediate goods account for a disproportionately substantial proportion of "
        "bilateral international trade, notwithstanding considerable technological containment."
    )
    easy, hard = text_figures(nlp(plain), plain), text_figures(nlp(dense), dense)
    assert easy.readability > 80 > hard.readability
    assert easy.grade_level < hard.grade_level


def test_syllables() -> None:
    assert syllables("cat") == 1
    assert syllables("table") == 2
    assert syllables("cooperation") >= 4
    assert syllables("2024") == 1


def test_empty_text(nlp: Language) -> None:
    figures = text_figures(nlp(""), "")
    assert (figures.words, figures.sentences, figures.paragraphs) == (0, 0, 0)
    assert (figures.readability, figures.grade_level) == (0.0, 0.0)


def test_pieces_add_up_to_the_whole(nlp: Language) -> None:
    text = "\n\n".join([TEXT] * 6)
    whole = text_figures(nlp(text), text)
    pieces = split_text(text, limit=400)
    assert len(pieces) > 1
    parts = figures_from([count(nlp(piece)) for _, piece in pieces], text)
    assert parts == whole


def test_figures_never_reach_for_the_network() -> None:
    """textstat's English syllables load NLTK's CMU dictionary and download it when missing."""
    code = (
        "import sys\n"
        "from search.analysis.figures import syllables\n"
        "syllables('cooperation')\n"
        "assert 'nltk' not in sys.modules and 'textstat' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
