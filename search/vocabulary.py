"""Real words for an index of stems: frequencies, display forms, corrections, fuzzy terms.

The index holds one stemmed ``body`` field (an unstemmed copy of every text doubled the cost
of indexing and a third of the index's size). Term statistics and "did you mean" must still
speak in words a reader knows, so a stem is shown as the form the corpus uses most for it
(read from a few documents that contain it), and a correction is a real word one edit away
from what was typed, checked against the index by its stem.
"""

from __future__ import annotations

import string
from collections import Counter
from itertools import islice
from collections.abc import Collection, Iterable, Iterator

from whoosh.reading import IndexReader, TermNotFound
from whoosh.searching import Searcher

from search.schema import StemmingTokenizer, stems_and_words

FIELD = "body"
"""The field whose terms are the corpus's vocabulary."""
SAMPLE_DOCUMENTS = 3
"""Documents read to learn how a stem is written."""
_ALPHABET = string.ascii_lowercase + string.digits + "'-.*_"
"""Letters an edit may bring in (besides the word's own): what index terms are mostly made of."""
_TOKENIZER = StemmingTokenizer()


def stem_of(word: str) -> str:
    """The index term of one word, as the body analyzer makes it ("" for a stop word)."""
    tokens = list(_TOKENIZER(word, tokenize=False))
    return tokens[0].text if tokens else ""


def stems_and_forms(text: str) -> Iterator[tuple[str, str]]:
    """(stem, lowercase word) for every indexed word of ``text``, in order."""
    return stems_and_words(text)


def doc_frequencies(searcher: Searcher) -> dict[str, int]:
    """Documents per stem, over the whole corpus."""
    return {
        (term.decode("utf-8") if isinstance(term, bytes) else term): info.doc_frequency()
        for term, info in searcher.reader().iter_field(FIELD)
    }


def display_forms(searcher: Searcher, stems: Collection[str]) -> dict[str, str]:
    """The form each stem is most often written in, read from a few documents holding it."""
    reader = searcher.reader()
    forms: dict[str, Counter[str]] = {stem: Counter() for stem in stems}
    wanted = set(stems)
    read: set[int] = set()
    for stem in stems:
        if forms[stem]:
            continue
        try:
            documents = list(islice(reader.postings(FIELD, stem).all_ids(), SAMPLE_DOCUMENTS))
        except TermNotFound:
            continue
        for number in documents:
            if number in read:
                continue
            read.add(number)
            text = (searcher.stored_fields(number) or {}).get(FIELD, "")
            for found, form in stems_and_forms(text):
                if found in wanted:
                    forms[found][form] += 1
    return {stem: (counts.most_common(1)[0][0] if counts else stem) for stem, counts in forms.items()}


def edits1(word: str, keep: int = 0, swaps: bool = True) -> set[str]:
    """Every string one edit (delete, replace, insert, and swap of neighbours if ``swaps``)
    from ``word``, its first ``keep`` characters unchanged. Replacements and insertions use
    ``_ALPHABET`` plus the word's own characters: a non-ASCII letter the word lacks is not
    tried."""
    head, tail = word[:keep], word[keep:]
    letters = set(_ALPHABET) | set(word)
    splits = [(tail[:i], tail[i:]) for i in range(len(tail) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    if swaps:
        found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in letters}
    found |= {a + c + b for a, b in splits for c in letters}
    found.discard(tail)
    return {head + candidate for candidate in found}


def terms_one_edit_away(
    reader: IndexReader, fieldname: str, text: str, keep: int
) -> Iterator[bytes]:
    """Terms of ``fieldname`` within one edit of ``text`` (``text`` itself included), as Whoosh's
    ``FuzzyTerm`` finds them (Levenshtein: a swap is two edits), by looking candidates up
    instead of running an automaton over every term with the same first letter."""
    for candidate in sorted({text} | edits1(text, keep, swaps=False)):
        encoded = candidate.encode("utf-8")
        if (fieldname, encoded) in reader:
            yield encoded


def correction(searcher: Searcher, word: str) -> str | None:
    """A real word one edit from ``word`` whose stem the corpus uses most; None if none."""
    reader = searcher.reader()
    lowered = word.lower()
    best: tuple[int, str] | None = None
    for candidate in edits1(lowered):
        stem = stem_of(candidate)
        if not stem:
            continue
        frequency = reader.doc_frequency(FIELD, stem)
        if frequency and (best is None or (frequency, candidate) > best):
            best = (frequency, candidate)
    return best[1] if best else None


def known(searcher: Searcher, words: Iterable[str]) -> set[str]:
    """Which of ``words`` the corpus uses (by stem)."""
    reader = searcher.reader()
    return {word for word in words if reader.doc_frequency(FIELD, stem_of(word)) > 0}
