"""``python -m benchmarks``: docscope's speed at scale, against SQLite FTS5, tantivy and ripgrep.

    python -m benchmarks                          every corpus, every figure (an hour or more)
    python -m benchmarks --quick                  fewer runs, no analysis
    python -m benchmarks --corpora seeds,bbc      a subset of seeds, bbc, news40k, news100k

It writes ``docs/benchmarks.md`` (``--output``). Indexes, peers and the generated 100k corpus
live in a temporary folder, removed at the end unless ``--keep``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from benchmarks import corpora, report
from benchmarks.run import Plan, measure

REPO = Path(__file__).resolve().parents[1]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure docscope on real corpora against SQLite FTS5, tantivy and ripgrep; "
        "write docs/benchmarks.md.",
    )
    parser.add_argument(
        "--corpora",
        default=",".join(corpora.NAMES),
        metavar="LIST",
        help=f"comma-separated, from {', '.join(corpora.NAMES)} (default: all)",
    )
    parser.add_argument("--quick", action="store_true", help="one indexing run, fewer repeats, no analysis")
    parser.add_argument("--no-analysis", action="store_true", help="skip the NLP analysis pass")
    parser.add_argument(
        "--analyse",
        metavar="LIST",
        help="analyse only these corpora (default: every one but news100k, which reuses news40k's)",
    )
    parser.add_argument("--peers", default="fts5,tantivy,ripgrep", metavar="LIST", help="comma-separated peers to run (default: all)")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md", help="where to write the report")
    parser.add_argument("--workdir", type=Path, help="folder for indexes and generated data (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    names = [n.strip() for n in options.corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in corpora.NAMES]
    if unknown:
        print(f"unknown corpus: {', '.join(unknown)} (choose from {', '.join(corpora.NAMES)})", file=sys.stderr)
        return 2
    plan = Plan.quick() if options.quick else Plan()
    if options.no_analysis:
        plan.analysis = False
    if options.analyse is not None:
        plan.analysed = tuple(n.strip() for n in options.analyse.split(",") if n.strip())
    plan.peers = tuple(p.strip() for p in options.peers.split(",") if p.strip())
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="docscope-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    clock = time.perf_counter()
    loads = report.load()
    host = report.machine()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - clock:7.1f}s] {message}", flush=True)

    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    results = []
    failed = 0
    try:
        for name in names:
            log(f"{name}: preparing")
            corpus = corpora.prepare(name, workdir)
            try:
                results.append(measure(corpus, workdir, plan, log))
            except Exception:  # one corpus failing must not lose the others' figures
                failed += 1
                log(f"{name}: FAILED\n{traceback.format_exc()}")
            # Written after every corpus, so a long run that stops keeps what it measured.
            report.write(
                results, options.output, command.strip(), started,
                time.perf_counter() - clock, (loads, report.load()), host,
            )
            log(f"wrote {options.output}")
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"work folder kept: {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
