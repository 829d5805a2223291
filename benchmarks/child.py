"""Work the benchmark times in a fresh process: ``python -m benchmarks.child TASK JSON``.

A fresh process is what a user starts, so imports and cold caches count, and its memory
(with its worker processes) is measured alone. The parent passes the wall-clock time it
launched the process; every time printed back (one JSON object on the last line) is seconds
since that launch.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main(task: str, options: dict[str, object]) -> dict[str, object]:
    launched = float(options["launched"])  # type: ignore[arg-type]

    def since() -> float:
        return time.time() - launched

    from search.library import Library

    imported_at = since()

    if task == "index":
        import search.indexing as indexing

        if options.get("processes"):
            indexing.PROCESSES = int(options["processes"])  # type: ignore[arg-type]
        library = Library.open(str(options["corpus"]), index_dir=str(options["index_dir"]))
        opened_at = since()
        commits: list[float] = []
        cpu = time.process_time()
        report = library.refresh(on_commit=lambda: commits.append(since()))
        return {
            "imported": imported_at,
            "opened": opened_at,
            "commits": commits,
            "done": since(),
            "refresh_seconds": report.elapsed,
            "documents": len(report.indexed),
            "bytes": report.bytes_indexed,
            "processes": indexing.PROCESSES,
            "parent_cpu": time.process_time() - cpu,
            "children_cpu": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime,
        }
    if task == "reopen":
        library = Library.open(str(options["corpus"]), index_dir=str(options["index_dir"]))
        opened_at = since()
        stale = library.needs_refresh()
        checked_at = since()
        report = library.refresh()
        refreshed_at = since()
        listing = library.documents()
        listed_at = since()
        result = library.search(str(options["query"]))
        return {
            "imported": imported_at,
            "opened": opened_at,
            "checked": checked_at,
            "stale": stale,
            "refreshed": refreshed_at,
            "indexed": len(report.indexed),
            "listed": listed_at,
            "documents": len(listing),
            "searched": since(),
            "hits": result.total,
        }
    if task == "load_model":
        from search.analysis.model import load_pipeline

        started = time.perf_counter()
        load_pipeline()
        return {"seconds": time.perf_counter() - started, "imported": imported_at}
    if task == "analyse":
        library = Library.open(str(options["corpus"]), index_dir=str(options["index_dir"]))
        processes = options.get("processes")
        report = library.analyse(processes=int(processes) if processes else None)  # type: ignore[arg-type]
        return {
            "analysed": report.analysed,
            "words": report.words,
            "seconds": report.elapsed,
            "processes": report.processes,
            "model": report.model,
            "done": since(),
        }
    if task == "queries":
        library = Library.open(str(options["corpus"]), index_dir=str(options["index_dir"]))
        texts = list(options["queries"])  # type: ignore[arg-type]
        limit = int(options.get("limit", 20))  # type: ignore[arg-type]
        totals: dict[str, int] = {}
        for text in texts:  # warm-up: first opens, caches
            totals[text] = _search(library, text, limit)
        latencies: dict[str, list[float]] = {text: [] for text in texts}
        cpu: dict[str, list[float]] = {text: [] for text in texts}
        for _ in range(int(options["passes"])):  # type: ignore[arg-type]
            for text in texts:
                started, started_cpu = time.perf_counter(), time.process_time()
                _search(library, text, limit)
                latencies[text].append(time.perf_counter() - started)
                cpu[text].append(time.process_time() - started_cpu)
        return {
            "latencies": latencies,
            "cpu": cpu,
            "totals": totals,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    raise SystemExit(f"unknown task {task!r}")


def _search(library: object, text: str, limit: int) -> int:
    from search.errors import QueryError

    try:
        return library.search(text, limit=limit).total  # type: ignore[attr-defined]
    except QueryError:
        return -1


if __name__ == "__main__":
    result = main(sys.argv[1], json.loads(sys.argv[2]))
    print(json.dumps(result))
