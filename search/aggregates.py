"""Entities, quotes and statistics read back from the catalog and the index.

Analysis stores mentions per document; ``search.resolution`` decides which stored keys are one
entity across the corpus and ``search.curation`` applies the user's corrections; this module
reads entities and quotes through both, and computes the corpus figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search import vocabulary
from search.analysis.names import entity_key, strip_title
from search.catalog import Catalog, CatalogDocument
from search.curation import AliasLookup, Curated, find
from search.records import DocumentStats, Entity, EntityOverview, Mention, Quote, TermCount
from search.resolution import Resolution, ResolvedEntity
from search.stopwords import stop_words

READING_WORDS_PER_MINUTE = 238
"""Average silent reading speed of adults for non-fiction (Brysbaert, 2019)."""
DISTINCTIVE_TERMS = 8
TERM_PATTERN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _in_clause(column: str, values: Collection[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def _chunks(values: Collection[str], size: int = 500) -> Iterator[list[str]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def entity_counts(
    catalog: Catalog, curated: Curated, documents: Collection[str] | None
) -> Counter[str]:
    """Mentions of each visible resolved entity (by entity key), in all documents or some."""
    if documents is None:
        key_counts: dict[str, int] = curated.resolution.key_counts
    else:
        key_counts = Counter()
        for chunk in _chunks(documents, 20000):
            clause, values = _in_clause("document", chunk)
            for key, count in catalog.query(
                f"SELECT key, COUNT(*) FROM mentions WHERE {clause} GROUP BY key", values
            ):
                key_counts[key] += count
    counts: Counter[str] = Counter()
    for key, count in key_counts.items():
        entity = curated.visible(key)
        if entity is not None:
            counts[entity.key] += count
    return counts


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def entities(
    catalog: Catalog,
    curated: Curated,
    label: str | None = None,
    documents: Collection[str] | None = None,
    limit: int | None = None,
) -> list[Entity]:
    """Resolved entities, most mentioned first; a label filter is on the entity's decided
    label (one label everywhere), not on each mention's."""
    if documents is not None and not documents:
        return []
    known = curated.resolution.entities
    wanted = label.upper() if label else None
    top = [
        (key, count)
        for key, count in _ranked(entity_counts(catalog, curated, documents))
        if wanted is None or known[key].label == wanted
    ]
    return _entities_from(catalog, curated, top[:limit] if limit else top, documents)


def entity_overview(
    catalog: Catalog, curated: Curated, documents: Collection[str] | None, per_label: int
) -> EntityOverview:
    """The ``per_label`` most mentioned entities of each label, and how many each label has."""
    if documents is not None and not documents:
        return EntityOverview((), {})
    known = curated.resolution.entities
    totals: Counter[str] = Counter()
    top: list[tuple[str, int]] = []
    for key, count in _ranked(entity_counts(catalog, curated, documents)):
        label = known[key].label
        totals[label] += 1
        if totals[label] <= per_label:
            top.append((key, count))
    return EntityOverview(tuple(_entities_from(catalog, curated, top, documents)), dict(totals))


def _entities_from(
    catalog: Catalog,
    curated: Curated,
    top: Sequence[tuple[str, int]],
    documents: Collection[str] | None,
) -> list[Entity]:
    """The records of ``top`` (entity key, mentions), with their mentions in ``documents``."""
    if not top:
        return []
    resolution = curated.resolution
    chosen = [resolution.entities[key] for key, _count in top]
    keys = {key for entity in chosen for key in entity.keys}
    rows: dict[str, list[tuple[str, int, int, str, str]]] = defaultdict(list)
    document_filter = ""
    params: list[object] = []
    if documents is not None:
        clause, values = _in_clause("document", documents)
        document_filter, params = f"AND {clause}", list(values)
    for chunk in _chunks(keys):
        clause, values = _in_clause("key", chunk)
        for doc, begin, end, text, key, name in catalog.query(
            f"""SELECT document, start, end, text, key, name FROM mentions
                WHERE {clause} {document_filter} ORDER BY document, start""",
            [*values, *params],
        ):
            owner = resolution.owner.get(key)
            if owner is not None:
                rows[owner].append((doc, begin, end, text, name))
    found: list[Entity] = []
    for entity, (_key, count) in zip(chosen, top):
        mentions = sorted(rows[entity.key])
        found.append(
            Entity(
                name=entity.name,
                label=entity.label,
                count=count,
                documents=tuple(dict.fromkeys(row[0] for row in mentions)),
                aliases=_aliases(resolution, entity, mentions),
                mentions=tuple(Mention(row[0], row[1], row[2], row[3]) for row in mentions),
                key=entity.key,
                disputed=entity.disputed,
                votes=entity.votes,
                curated=entity.curated,
            )
        )
    return found


def _aliases(
    resolution: Resolution, entity: ResolvedEntity, mentions: Sequence[tuple[str, int, int, str, str]]
) -> tuple[str, ...]:
    """The other names the entity goes by, never the name of another entity of the corpus:
    "Ann Lee" is not an alias of "Ann Lee Jr.", nor a shared bare "Lee" of either."""
    forms = {form for row in mentions for form in (row[3], row[4])} | set(entity.extra_aliases)
    forms.discard(entity.name)
    kept = []
    for form in forms:
        owner = resolution.owner.get(entity_key(form))
        if owner is None or owner == entity.key or form in entity.extra_aliases:
            kept.append(form)
    return tuple(sorted(kept))


def speaker_targets(
    curated: Curated, speaker: str, aliases: AliasLookup | None
) -> tuple[set[str], set[str]]:
    """(entity keys, stored speaker keys) a speaker filter stands for: the entity the name
    names (not the entities it is an alias of, when it names one itself: "Ann Lee" is not
    "Ann Lee Jr."), and the name's own key for a speaker no entity holds."""
    found = find(curated.resolution, speaker, None, aliases)
    stored = {key for entity in found for key in entity.keys}
    stored.add(entity_key(strip_title(speaker)))
    return {entity.key for entity in found}, stored


def quotes(
    catalog: Catalog,
    curated: Curated,
    speaker: str | None = None,
    documents: Collection[str] | None = None,
    aliases: AliasLookup | None = None,
) -> list[Quote]:
    """Quotes in document order, speakers as the resolved (and corrected) entities."""
    where: list[str] = []
    params: list[object] = []
    targets: set[str] = set()
    stored: set[str] = set()
    if speaker:
        targets, stored = speaker_targets(curated, speaker, aliases)
        clause, values = _in_clause("speaker_key", stored)
        overridden = list(curated.speakers)
        if overridden:
            ids, id_values = _in_clause("id", overridden)
            clause = f"({clause} OR {ids})"
            values = [*values, *id_values]
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
        f"""SELECT document, start, end, text, speaker, speaker_key, cue, confidence,
                   speaker_label, id
            FROM quotes {condition} ORDER BY document, start""",
        params,
    )
    found: list[Quote] = []
    for doc, start, end, text, name, key, cue, confidence, label, quote_id in rows:
        curated_speaker = quote_id in curated.speakers
        if curated_speaker:
            name = curated.speakers[quote_id]
            entities_named = find(curated.resolution, name, None, aliases) if name else []
            entity = entities_named[0] if len(entities_named) == 1 else None
            key = entity_key(strip_title(name)) if name else None
            label = None
        else:
            entity = curated.visible(key)
            if entity is None and curated.resolution.entity_of(key) is not None:
                name = key = label = None  # the user hid the speaker as junk
        if speaker and not (
            (entity is not None and entity.key in targets)
            or (entity is None and key is not None and key in stored)
        ):
            continue
        if entity is not None:
            name = entity.name
            label = entity.label if entity.label in ("PERSON", "ORG") else label
        found.append(
            Quote(
                document=doc,
                text=text,
                speaker=name if name else None,
                cue=cue,
                start=start,
                end=end,
                confidence=round(float(confidence), 3),
                id=quote_id or "",
                speaker_curated=curated_speaker,
                speaker_label=label if name else None,
            )
        )
    return found


def top_speakers(catalog: Catalog, curated: Curated, number: int) -> list[tuple[str, int]]:
    """The most quoted speakers (resolved and corrected names) and their quotes."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for key, name, count in catalog.query(
        """SELECT speaker_key, MIN(speaker), COUNT(*) FROM quotes
           WHERE speaker_key IS NOT NULL GROUP BY speaker_key"""
    ):
        _count_speaker(curated, counts, names, key, name, count)
    if curated.speakers:
        for chunk in _chunks(curated.speakers):
            clause, values = _in_clause("id", chunk)
            for quote_id, key, name in catalog.query(
                f"SELECT id, speaker_key, speaker FROM quotes WHERE {clause}", values
            ):
                if key is not None:
                    _count_speaker(curated, counts, names, key, name, -1)
                given = curated.speakers[quote_id]
                if given:
                    _count_speaker(curated, counts, names, entity_key(strip_title(given)), given, 1)
    ranked = [(names[key], n) for key, n in _ranked(counts) if n > 0]
    return ranked[:number]


def _count_speaker(
    curated: Curated, counts: Counter[str], names: dict[str, str], key: str, name: str, count: int
) -> None:
    entity = curated.visible(key)
    if entity is None and curated.resolution.entity_of(key) is not None:
        return  # hidden
    identity = entity.key if entity else f"\0{key}"
    counts[identity] += count
    names[identity] = entity.name if entity else name


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