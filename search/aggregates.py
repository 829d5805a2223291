"""Entities, quotes and statistics read back from the catalog and the index.

Analysis stores mentions per document; this module joins them across documents (equal entity
key and label are one entity), picks canonical names, and computes the corpus figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search import vocabulary
from search.analysis.names import display_name, entity_key, strip_title
from search.catalog import Catalog, CatalogDocument
from search.records import DocumentStats, Entity, EntityOverview, Mention, Quote, TermCount
from search.stopwords import stop_words

READING_WORDS_PER_MINUTE = 238
"""Average silent reading speed of adults for non-fiction (Brysbaert, 2019)."""
DISTINCTIVE_TERMS = 8
TERM_PATTERN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _in_clause(column: str, values: Collection[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def canonical_names(catalog: Catalog, keys: Collection[str]) -> dict[str, str]:
    """The corpus-wide canonical name of each entity key: the fullest common form.

    The alias table's display form wins ("United States"); otherwise the name used most
    often, and among equally common ones the one with most words, then the longest.
    """
    if not keys:
        return {}
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        clause, params = _in_clause("key", key_list[start : start + 500])
        for key, name, count in catalog.query(
            f"SELECT key, name, COUNT(*) FROM mentions WHERE {clause} GROUP BY key, name", params
        ):
            forms[key][name] += count
    chosen: dict[str, str] = {}
    for key in keys:
        display = display_name(key)
        if display:
            chosen[key] = display
        elif forms.get(key):
            chosen[key] = max(
                forms[key].items(), key=lambda item: (item[1], len(item[0].split()), len(item[0]))
            )[0]
    return chosen


def entities(
    catalog: Catalog,
    label: str | None = None,
    documents: Collection[str] | None = None,
    limit: int | None = None,
) -> list[Entity]:
    """Entities most mentioned first; equal key and label across documents are one entity."""
    where, params = _entity_conditions(label, documents)
    if where is None:
        return []
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    top = catalog.query(
        f"""SELECT key, label, COUNT(*) AS n FROM mentions {condition}
            GROUP BY key, label ORDER BY n DESC, key {'LIMIT ?' if limit else ''}""",
        [*params, limit] if limit else params,
    )
    return _entities_from(catalog, top, where, params)


def entity_overview(
    catalog: Catalog, documents: Collection[str] | None, per_label: int
) -> EntityOverview:
    """The ``per_label`` most mentioned entities of each label, and how many each label has."""
    where, params = _entity_conditions(None, documents)
    if where is None:
        return EntityOverview((), {})
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    ranked = catalog.query(
        f"""SELECT key, label, n, total FROM (
                SELECT key, label, COUNT(*) AS n,
                    ROW_NUMBER() OVER (PARTITION BY label ORDER BY COUNT(*) DESC, key) AS rank,
                    COUNT(*) OVER (PARTITION BY label) AS total
                FROM mentions {condition} GROUP BY key, label)
            WHERE rank <= ? ORDER BY n DESC, key""",
        [*params, per_label],
    )
    totals = {lab: total for _key, lab, _n, total in ranked}
    top = [(key, lab, n) for key, lab, n, _total in ranked]
    return EntityOverview(tuple(_entities_from(catalog, top, where, params)), totals)


def _entity_conditions(
    label: str | None, documents: Collection[str] | None
) -> tuple[list[str] | None, list[object]]:
    """SQL conditions on mentions for one label and some documents (None: no documents)."""
    where: list[str] = []
    params: list[object] = []
    if label:
        where.append("label = ?")
        params.append(label.upper())
    if documents is not None:
        if not documents:
            return None, []
        clause, values = _in_clause("document", documents)
        where.append(clause)
        params.extend(values)
    return where, params


def _entities_from(
    catalog: Catalog,
    top: Sequence[tuple[str, str, int]],
    where: list[str],
    params: list[object],
) -> list[Entity]:
    """The entities of ``top`` (key, label, count), with their mentions under ``where``."""
    if not top:
        return []
    wanted = {(key, lab) for key, lab, _n in top}
    keys = {key for key, _lab in wanted}
    mentions: dict[tuple[str, str], list[tuple[str, int, int, str, str]]] = defaultdict(list)
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        clause, values = _in_clause("key", key_list[start : start + 500])
        for doc, begin, end, text, lab, key, name in catalog.query(
            f"""SELECT document, start, end, text, label, key, name FROM mentions
                WHERE {clause} {('AND ' + ' AND '.join(where)) if where else ''}
                ORDER BY document, start""",
            [*values, *params],
        ):
            if (key, lab) in wanted:
                mentions[(key, lab)].append((doc, begin, end, text, name))
    names = canonical_names(catalog, keys)
    found: list[Entity] = []
    for key, lab, count in top:
        rows = mentions[(key, lab)]
        canonical = names.get(key) or rows[0][4]
        aliases = sorted({form for row in rows for form in (row[3], row[4])} - {canonical})
        found.append(
            Entity(
                name=canonical,
                label=lab,
                count=count,
                documents=tuple(dict.fromkeys(row[0] for row in rows)),
                aliases=tuple(aliases),
                mentions=tuple(Mention(row[0], row[1], row[2], row[3]) for row in rows),
            )
        )
    return found


def speaker_keys(catalog: Catalog, speaker: str) -> set[str]:
    """Entity keys a speaker filter stands for: the name's own key and every entity it is an
    alias of ("President Lee" -> the key of "Lee Jae-myung")."""
    wanted = entity_key(strip_title(speaker))
    return {wanted, *catalog.keys_named(wanted)}


def quotes(
    catalog: Catalog, speaker: str | None = None, documents: Collection[str] | None = None
) -> list[Quote]:
    """Quotes in document order, speakers given their corpus-wide canonical names."""
    where: list[str] = []
    params: list[object] = []
    if speaker:
        keys = speaker_keys(catalog, speaker)
        clause, values = _in_clause("speaker_key", keys)
        where.append(clause)
        params.extend(values)
    if documents is not None:
        if not documents:
            return []
        clause, values = _in_clause("document", documents)
        where.append(clause)
        params.extend(values)
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    rows = catalog.query(
        f"""SELECT document, start, end, text, speaker, speaker_key, cue, confidence
            FROM quotes {condition} ORDER BY document, start""",
        params,
    )
    names = canonical_names(catalog, {row[5] for row in rows if row[5]})
    return [
        Quote(
            document=doc,
            text=text,
            speaker=(names.get(key) or name) if name else None,
            cue=cue,
            start=start,
            end=end,
            confidence=round(float(confidence), 3),
        )
        for doc, start, end, text, name, key, cue, confidence in rows
    ]


@dataclass(frozen=True)
class Figures:
    """The stored analysis figures of one document (None fields until it is analysed)."""

    words: int
    sentences: int
    paragraphs: int
    distinct_words: int
    readability: float
    grade_level: float


def stored_figures(catalog: Catalog, ids: Iterable[str] | None = None) -> dict[str, Figures]:
    """Analysis figures of current document versions, by document id."""
    rows = catalog.query(
        """SELECT a.document, a.words, a.sentences, a.paragraphs, a.distinct_words,
                  a.readability, a.grade_level
           FROM analysis a JOIN documents d ON a.document = d.id AND a.digest = d.digest"""
    )
    wanted = set(ids) if ids is not None else None
    return {
        row[0]: Figures(*row[1:]) for row in rows if wanted is None or row[0] in wanted
    }


TermTotals = tuple[Counter[str], Counter[str]]
"""(occurrences, documents) of every stem: what ``term_totals`` counts."""


def term_totals(reader: IndexReader) -> TermTotals:
    """(occurrences, documents) of every stem in the corpus, summed segment by segment.

    Whoosh's reader over several segments looks every term up in every segment: 33 s for
    news40k's 190,000 stems in 9 segments, against 2 s read one segment after another.
    """
    occurrences: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    for leaf, _offset in reader.leaf_readers():
        for term, info in leaf.iter_field(vocabulary.FIELD):
            stem = term.decode("utf-8") if isinstance(term, bytes) else term
            occurrences[stem] += info.weight()
            documents[stem] += info.doc_frequency()
    return occurrences, documents


def _is_term(word: str) -> bool:
    """A word worth showing in term statistics: letters, three or more, not a stop word."""
    return len(word) > 2 and TERM_PATTERN.fullmatch(word) is not None and word not in stop_words()


def distinctive_terms(
    text: str, frequencies: dict[str, int], documents: int, count: int = DISTINCTIVE_TERMS
) -> tuple[str, ...]:
    """Words frequent here and rare elsewhere: tf-idf by stem ("tariff" and "tariffs" count
    together), each shown in the form this text uses most."""
    counts: Counter[str] = Counter()
    forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for stem, form in vocabulary.stems_and_forms(text):
        if stem in frequencies and _is_term(form):
            counts[stem] += 1
            forms[stem][form] += 1
    scored = [
        (tf * math.log((1 + documents) / (1 + frequencies[stem])), forms[stem].most_common(1)[0][0])
        for stem, tf in counts.items()
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(word for score, word in scored[:count] if score > 0)


def document_stats(
    doc: CatalogDocument, figures: Figures | None, terms: tuple[str, ...]
) -> DocumentStats:
    """One document's figures; before analysis, only the cheap word count is known."""
    if figures is None:
        figures = Figures(doc.words, 0, 0, 0, 0.0, 0.0)
    words = figures.words
    return DocumentStats(
        document=doc.id,
        title=doc.title,
        words=words,
        sentences=figures.sentences,
        paragraphs=figures.paragraphs,
        distinct_words=figures.distinct_words,
        type_token_ratio=round(figures.distinct_words / words, 4) if words else 0.0,
        mean_sentence_length=round(words / figures.sentences, 2) if figures.sentences else 0.0,
        readability=round(figures.readability, 2),
        grade_level=round(figures.grade_level, 2),
        reading_time_minutes=round(words / READING_WORDS_PER_MINUTE, 2),
        distinctive_terms=terms,
    )


def top_terms(
    searcher: Searcher, occurrences: Counter[str], number: int
) -> tuple[TermCount, ...]:
    """The most frequent words of the corpus (by stem, shown as the corpus mostly writes them),
    stop words and bare numbers out. ``occurrences`` per stem: from ``term_totals``."""
    candidates = [
        (frequency, stem) for stem, frequency in occurrences.most_common(number * 6)
    ]
    forms = vocabulary.display_forms(searcher, [stem for _frequency, stem in candidates])
    found: list[TermCount] = []
    for frequency, stem in candidates:
        word = forms[stem]
        if _is_term(word):
            found.append(TermCount(word, int(frequency)))
        if len(found) == number:
            break
    return tuple(found)