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
    """Terms of ``fieldname`` within one edit of ``text`` (``text`` itself included) whose
    first ``keep`` characters are ``text``'s: what Whoosh's ``FuzzyTerm`` finds
    (Damerau-Levenshtein: swapping two neighbours is one edit), and the swaps of a word's last
    two letters, which its automaton misses.

    Whoosh runs an automaton over every term that starts like ``text`` (thousands, for one
    shared letter). Here the terms sharing ``text``'s first two letters, a short stretch of
    the sorted term index, are compared directly, and the few candidates with an edit before
    that (in the second letter) are looked up one by one.
    """
    found: set[bytes] = set()
    shared = max(keep, 2)
    if len(text) <= shared:
        candidates = {text} | edits1(text, keep)
    else:
        head = text[:shared]
        for term in reader.expand_prefix(fieldname, head):
            word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if _within_one_edit(word, text):
                found.add(word.encode("utf-8"))
        candidates = {c for c in edits1(text, keep) if not c.startswith(head)}
    for candidate in candidates:
        encoded = candidate.encode("utf-8")
        if encoded not in found and (fieldname, encoded) in reader:
            found.add(encoded)
    return iter(sorted(found))


def terms_within(
    reader: IndexReader, fieldname: str, text: str, maxdist: int, keep: int
) -> list[bytes]:
    """Terms of ``fieldname`` within ``maxdist`` edits of ``text`` (Damerau-Levenshtein, as
    Whoosh's ``FuzzyTerm`` counts them), sharing at least its first letter, in order.

    Whoosh runs its automaton in Python, or, over an index of several segments, an edit
    distance in Python for every term of the field: seconds on a 40,000-document corpus.
    Here the terms starting like ``text`` (a stretch of the sorted term index) are compared
    in C++ by rapidfuzz. The first letter is always kept: two edits anywhere would match a
    large share of a big vocabulary's short words.
    """
    from rapidfuzz.distance import OSA  # 25 ms to import: not on the launch path

    head = text[: max(keep, 1)]
    found: list[bytes] = []
    for term in reader.expand_prefix(fieldname, head):
        word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        if abs(len(word) - len(text)) <= maxdist and OSA.distance(word, text, score_cutoff=maxdist) <= maxdist:
            found.append(word.encode("utf-8"))
    return found


def _within_one_edit(word: str, text: str) -> bool:
    """At most one deletion, insertion, replacement or swap of neighbours apart."""
    if word == text:
        return True
    if len(word) == len(text):
        differ = [i for i, (a, b) in enumerate(zip(word, text)) if a != b]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and word[differ[0]] == text[differ[1]]
            and word[differ[1]] == text[differ[0]]
        )
    longer, shorter = (word, text) if len(word) > len(text) else (text, word)
    if len(longer) - len(shorter) != 1:
        return False
    index = 0
    while index < len(shorter) and longer[index] == shorter[index]:
        index += 1
    return longer[index + 1 :] == shorter[index:]


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
