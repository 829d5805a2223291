"""Measuring one corpus: docscope's figures and its peers', in the same run.

Every figure is repeated (``Plan``) and kept as a ``Summary`` (median, p95, p99 over the
runs). Work a user would start in a fresh process (indexing, reopening, analysis, a query
session) runs in a child process (``benchmarks.child``), which is also where memory is
measured; the peers run here.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpora, keypress, ui
from benchmarks.corpora import Corpus
from benchmarks.peers import Fts5, Ripgrep, Tantivy
from benchmarks.processes import run_child
from benchmarks.queries import KINDS, Query, queries_for
from benchmarks.stats import Summary

TYPED = {
    "seeds": ["korea", "free trade", '"south korea"', "econom*", "title:china"],
    "news": ["government", "oil prices", '"prime minister"', "tax*", "title:election"],
}
"""What the keypress measurement types, character by character."""


@dataclass
class Plan:
    """How many times each figure is measured."""

    index_runs: int = 3
    reopen_runs: int = 5
    screen_runs: int = 20
    phase_runs: int = 5
    query_passes: int = 5
    change_runs: int = 5
    typed_queries: int = 5
    serial_text_pass: bool = True
    analysis: bool = True
    analysed: tuple[str, ...] = ("seeds", "bbc", "news40k")
    """The corpora analysed when ``analysis`` is on (news100k reuses news40k's analysis)."""
    peers: tuple[str, ...] = ("fts5", "tantivy", "ripgrep")

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            index_runs=1, reopen_runs=3, screen_runs=4, phase_runs=2, query_passes=2,
            change_runs=3, typed_queries=3, serial_text_pass=False, analysis=False,
        )


@dataclass
class CorpusResult:
    corpus: Corpus
    figures: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def measure(corpus: Corpus, workdir: Path, plan: Plan, log: callable) -> CorpusResult:
    """Every figure for ``corpus``. The text pass must work; a later step that fails is noted
    in the report and the others still run."""
    result = CorpusResult(corpus)
    figures = result.figures

    def guarded(step: str, work: callable) -> None:
        try:
            work()
        except Exception as error:  # noted in the report; the other figures are still worth having
            log(f"{corpus.name}: {step} FAILED: {error!r}")
            result.notes.append(f"{step} failed in this run: {type(error).__name__}: {error}")
    index_dir = workdir / "index" / corpus.name
    queries = queries_for(corpus.name)

    log(f"{corpus.name}: text pass x{plan.index_runs}")
    passes = []
    for _ in range(plan.index_runs):
        shutil.rmtree(index_dir, ignore_errors=True)
        passes.append(run_child("index", {"corpus": str(corpus.path), "index_dir": str(index_dir)}))
    figures["text_pass"] = _text_pass(passes, corpus)
    if plan.serial_text_pass and corpus.name in ("bbc", "news40k"):
        log(f"{corpus.name}: text pass in one process")
        serial_dir = workdir / "index" / f"{corpus.name}-serial"
        shutil.rmtree(serial_dir, ignore_errors=True)
        serial = run_child(
            "index", {"corpus": str(corpus.path), "index_dir": str(serial_dir), "processes": 1}
        )
        figures["text_pass_serial"] = _text_pass([serial], corpus)
        shutil.rmtree(serial_dir, ignore_errors=True)
    figures["size_text"] = _sizes(index_dir)
    figures["size_empty"] = _empty_index_size(workdir)

    if plan.analysis and corpus.name in plan.analysed and corpus.name != "news100k":
        log(f"{corpus.name}: analysis")

        def analyse() -> None:
            options = {"corpus": str(corpus.path), "index_dir": str(index_dir), "processes": 2}
            outcome = run_child("analyse", options)
            figures["analysis"] = {**outcome.result, "peak_mb": outcome.peak_mb, "wall": outcome.wall}
            figures["size_analysed"] = _sizes(index_dir)
            figures["model_load"] = float(run_child("load_model", {}).result["seconds"])

        guarded("analysis", analyse)
    elif corpus.name == "news100k":
        copied = _copy_mentions(workdir, index_dir)
        if copied:
            result.notes.append(
                f"Entity queries on news100k use news40k's analysis, copied to the repeated ids "
                f"({copied:,} mentions): analysing the same texts again would measure nothing new."
            )
    if not _analysed(index_dir):
        result.notes.append(
            "This corpus was not analysed in this run: entity-field queries find nothing."
        )

    log(f"{corpus.name}: queries x{plan.query_passes}")
    session = run_child(
        "queries",
        {
            "corpus": str(corpus.path),
            "index_dir": str(index_dir),
            "queries": [q.text for q in queries],
            "passes": plan.query_passes,
            "limit": 20,
        },
    )
    figures["queries"] = session.result
    figures["query_session_peak_mb"] = session.peak_mb
    wide = run_child(
        "queries",
        {
            "corpus": str(corpus.path),
            "index_dir": str(index_dir),
            "queries": [q.text for q in queries],
            "passes": max(1, plan.query_passes // 2),
            "limit": 50,
        },
    )
    figures["queries_50"] = wide.result

    figures["peers"] = {}
    guarded("peers", lambda: figures.update(peers=_peers(corpus, workdir, queries, plan, log)))

    log(f"{corpus.name}: reopen x{plan.reopen_runs}")
    reopens = [
        run_child(
            "reopen",
            {"corpus": str(corpus.path), "index_dir": str(index_dir), "query": queries[0].text},
        )
        for _ in range(plan.reopen_runs)
    ]
    figures["reopen"] = {
        key: Summary.of([float(r.result[key]) for r in reopens])
        for key in ("imported", "opened", "checked", "refreshed", "listed", "searched")
    }
    figures["reopen_peak_mb"] = max(r.peak_mb for r in reopens)

    log(f"{corpus.name}: first screen x{plan.screen_runs}")
    config = workdir / "config"
    config.mkdir(exist_ok=True)
    bytecode = workdir / "bytecode"

    def first_screen() -> None:
        ui.first_screen(corpus.path, index_dir, config, bytecode)  # fills the bytecode cache
        figures["first_screen"] = Summary.of(
            [ui.first_screen(corpus.path, index_dir, config, bytecode) for _ in range(plan.screen_runs)]
        )
        figures["first_screen_uncompiled"] = Summary.of(
            [ui.first_screen(corpus.path, index_dir, config, None) for _ in range(plan.screen_runs // 2)]
        )
        phases = [
            ui.first_screen_phases(corpus.path, index_dir, config, bytecode)
            for _ in range(plan.phase_runs)
        ]
        figures["first_screen_phases"] = {
            name: Summary.of([p[name] for p in phases]) for name, _label in ui.PHASES
        }
        figures["first_screen_phases"]["total"] = Summary.of([sum(p.values()) for p in phases])

    guarded("first screen", first_screen)

    log(f"{corpus.name}: keypresses")
    typed = TYPED["seeds" if corpus.name == "seeds" else "news"][: plan.typed_queries]

    def keypresses() -> None:
        figures["keypress"] = ui.keypresses(
            corpus.path, index_dir, typed, debounce=0.0, analysis=False
        )
        figures["keypress_bare"] = ui.bare_app_keypresses(typed)
        if _analysed(index_dir):  # else the explorer would analyse it: not a quiet figure
            figures["keypress_pty"] = keypress.measure(corpus.path, index_dir, typed)
            figures["keypress_pty_analysing"] = keypress.measure(
                corpus.path, index_dir, typed, analysing=True
            )

    guarded("keypress to results", keypresses)
    log(f"{corpus.name}: re-index one changed document x{plan.change_runs}")
    guarded("re-index one changed document", lambda: figures.update(change=_changes(corpus, index_dir, plan.change_runs)))
    return result


def _text_pass(outcomes: list, corpus: Corpus) -> dict[str, object]:
    seconds = [float(o.result["refresh_seconds"]) for o in outcomes]
    first = [float(o.result["commits"][0]) for o in outcomes if o.result["commits"]]
    return {
        "seconds": Summary.of(seconds),
        "documents": int(outcomes[-1].result["documents"]),
        "processes": int(outcomes[-1].result["processes"]),
        "launch_to_first_commit": Summary.of(first),
        "launch_to_done": Summary.of([float(o.result["done"]) for o in outcomes]),
        "peak_mb": Summary.of([o.peak_mb for o in outcomes]),
        "peak_method": outcomes[-1].peak_method,
        "cpu": Summary.of(
            [float(o.result["parent_cpu"]) + float(o.result["children_cpu"]) for o in outcomes]
        ),
        "raw_mb": corpus.raw_mb,
    }


def _sizes(index_dir: Path) -> dict[str, int]:
    whoosh = sum(p.stat().st_size for p in (index_dir / "whoosh").rglob("*") if p.is_file())
    catalog = sum(p.stat().st_size for p in index_dir.glob("catalog.sqlite3*") if p.is_file())
    terms = [p.stat().st_size for p in (index_dir / "whoosh").glob("*.trm")]
    return {"whoosh": whoosh, "catalog": catalog, "segments": len(terms), "terms": sum(terms)}


def _empty_index_size(workdir: Path) -> int:
    """Bytes of the index of a corpus with no documents: what every index holds at least."""
    corpus, index_dir = workdir / "empty-corpus", workdir / "index" / "empty"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    run_child("index", {"corpus": str(corpus), "index_dir": str(index_dir)})
    size = _sizes(index_dir)
    return size["whoosh"] + size["catalog"]


def _analysed(index_dir: Path) -> bool:
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    try:
        mentions = db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    finally:
        db.close()
    return mentions > 0


def _copy_mentions(workdir: Path, index_dir: Path) -> int:
    """Give news100k the mentions analysis found in news40k, under the repeated ids."""
    source = workdir / "index" / "news40k" / "catalog.sqlite3"
    if not source.exists():
        return 0
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    try:
        db.execute("ATTACH DATABASE ? AS old", (str(source),))
        if not db.execute("SELECT COUNT(*) FROM old.mentions").fetchone()[0]:
            return 0
        columns = [row[1] for row in db.execute("PRAGMA table_info(mentions)")]
        values = ", ".join(
            "'news100k.jsonl.gz#' || substr(m.document, 18) || '-r' || r.n" if c == "document" else f"m.{c}"
            for c in columns
        )
        with db:
            db.execute("DELETE FROM mentions")
            db.execute(
                f"""INSERT INTO mentions ({', '.join(columns)})
                    SELECT {values} FROM old.mentions m,
                    (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) r
                    WHERE ('news100k.jsonl.gz#' || substr(m.document, 18) || '-r' || r.n)
                          IN (SELECT id FROM documents)"""
            )
        return int(db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0])
    finally:
        db.close()


def _peers(corpus: Corpus, workdir: Path, queries: list[Query], plan: Plan, log: callable) -> dict:
    peers: dict[str, dict[str, object]] = {}
    folder = workdir / "peers" / corpus.name
    folder.mkdir(parents=True, exist_ok=True)
    engines: list[object] = []
    if "fts5" in plan.peers:
        engines.append(Fts5(folder))
    if "tantivy" in plan.peers and Tantivy.available():
        engines.append(Tantivy(folder))
    for engine in engines:
        log(f"{corpus.name}: {engine.name} build x{plan.index_runs}")
        builds = [engine.build(corpus) for _ in range(plan.index_runs)]  # type: ignore[attr-defined]
        engine.open()  # type: ignore[attr-defined]
        peers[engine.name] = {  # type: ignore[attr-defined]
            "build": Summary.of(builds),
            "size": engine.size(),  # type: ignore[attr-defined]
            **_timed_queries(engine, queries, plan.query_passes),
        }
    if "ripgrep" in plan.peers and corpus.name == "bbc":
        rg = Ripgrep(corpus.source)
        log(f"{corpus.name}: ripgrep")
        peers[rg.name] = _timed_queries(rg, queries, max(1, plan.query_passes // 2))
    return peers


def _timed_queries(engine: object, queries: list[Query], passes: int) -> dict[str, object]:
    totals = {}
    for query in queries:  # warm-up
        totals[query.text] = engine.search(query)  # type: ignore[attr-defined]
    latencies: dict[str, list[float]] = defaultdict(list)
    for _ in range(passes):
        for query in queries:
            if totals[query.text] is None:
                continue
            started = time.perf_counter()
            engine.search(query)  # type: ignore[attr-defined]
            latencies[query.text].append(time.perf_counter() - started)
    return {"latencies": dict(latencies), "totals": totals}


def _changes(corpus: Corpus, index_dir: Path, runs: int) -> dict[str, object]:
    from search.library import Library

    library = Library.open(corpus.path, index_dir=index_dir)
    times = []
    changed = []
    for number in range(runs):
        changed.append(corpora.change_one(corpus, number))
        started = time.perf_counter()
        report = library.refresh()
        times.append(time.perf_counter() - started)
        assert len(report.indexed) == 1, report.indexed
    corpora.restore(corpus)
    library.refresh()
    return {"seconds": Summary.of(times), "documents": changed}


def kinds_summary(latencies: dict[str, list[float]], queries: list[Query]) -> dict[str, Summary]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for query in queries:
        by_kind[query.kind].extend(latencies.get(query.text, []))
    return {kind: Summary.of(by_kind[kind]) for kind in KINDS if by_kind[kind]}
