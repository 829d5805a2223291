"""What the command line prints: Rich tables for people, exact JSON for scripts.

Progress and errors go to stderr so that ``--json`` output on stdout is always exactly JSON.
Document text is data: it is put into ``rich.text.Text`` objects, never into markup strings,
and passes through ``shown`` first: cleaning strips escape sequences from documents, but ids
and paths come from file names, which may hold any character but ``/`` and NUL.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from search.records import (
    AnalysisReport,
    CorpusStats,
    Curation,
    CurationAction,
    Entity,
    IndexReport,
    Quote,
    SearchResult,
)
from search.records import Progress as EngineProgress
from search.safe_text import LINE_CHARS, bounded, unsafe_except, visible
from tui.progress_text import counts, measure, stage_name

if TYPE_CHECKING:
    from search.library import Library

stdout = Console(highlight=False, soft_wrap=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
"""Soft wrap: an error stays on one line, however narrow the terminal, for scripts to read."""

class ProgressReporter(Protocol):
    def __call__(self, progress: EngineProgress) -> None: ...


_C0 = "".join(chr(code) for code in range(0x20))
_JSON_UNSAFE = re.compile(unsafe_except(keep=_C0).pattern + "|[\u2028\u2029]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal would obey (C0 it escapes),
and the line separators some terminals break a line at."""


def shown(text: str, keep: str = "") -> str:
    """``text`` safe to print: each control character becomes one visible symbol (ESC shows as
    ␛), so offsets into the text, like highlight spans, still hold. ``keep`` lists characters
    to leave, such as a newline in a multi-line cell. The one sanitiser, ``search.safe_text``."""
    return visible(text, keep)


def plain(value: str, style: str = "", keep: str = "") -> Text:
    """A table cell or line part from data: never markup, never raw control characters."""
    return Text(shown(value, keep), style=style)


def error(message: str) -> None:
    stderr.print(Text.assemble(("docscope: ", "bold red"), shown(message)))


def notice(message: str) -> None:
    """Something the user should know that did not stop the command (an index rebuilt)."""
    stderr.print(Text.assemble(("docscope: ", "bold yellow"), shown(message)))


def emit_json(value: object) -> None:
    """JSON on stdout. Control characters are escaped, as JSON allows, so that piping it to a
    terminal is as safe as printing a table; decoding gives back the exact strings."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))
    sys.stdout.write("\n")


@contextmanager
def progress_reporter(quiet: bool = False) -> Iterator[ProgressReporter]:
    """A callback that draws a progress bar on stderr (only on a terminal)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=quiet or not stderr.is_terminal,
    )
    tasks: dict[str, int] = {}

    def report(progress: EngineProgress) -> None:
        if progress.stage not in tasks:
            tasks[progress.stage] = bar.add_task(stage_name(progress), counts="")
        done, total = measure(progress)
        bar.update(tasks[progress.stage], completed=done, total=total, counts=counts(progress))

    with bar:
        yield report


def print_index_summary(
    library: Library,
    report: IndexReport,
    analysis: AnalysisReport | None,
    as_json: bool = False,
) -> None:
    if as_json:
        emit_json(
            {
                "corpus": str(library.corpus),
                "index_dir": str(library.index_dir),
                "indexed": len(report.indexed),
                "unchanged": report.unchanged,
                "removed": len(report.removed),
                "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
                "seconds": round(report.elapsed, 3),
                "analysis": None
                if analysis is None
                else {
                    "documents": analysis.analysed,
                    "words": analysis.words,
                    "seconds": round(analysis.elapsed, 3),
                    "words_per_second": round(analysis.words_per_second, 1),
                    "processes": analysis.processes,
                    "model": analysis.model,
                },
            }
        )
        return
    stdout.print(Text.assemble(("Corpus ", "bold"), shown(str(library.corpus))))
    stdout.print(Text.assemble(("Index  ", "bold"), shown(str(library.index_dir))))
    rate = len(report.indexed) / report.elapsed if report.elapsed > 0 else 0.0
    stdout.print(
        f"Indexed {len(report.indexed):,} · unchanged {report.unchanged:,} · "
        f"removed {len(report.removed):,} · skipped {len(report.skipped):,} "
        f"in {report.elapsed:.1f} s ({rate:,.0f} documents/s)"
    )
    for skipped in report.skipped[:50]:
        stdout.print(
            Text.assemble("  skipped ", (shown(skipped.path), "yellow"), f": {shown(skipped.reason)}")
        )
    if len(report.skipped) > 50:
        stdout.print(f"  ... and {len(report.skipped) - 50:,} more skipped")
    if analysis is not None:
        stdout.print(
            f"Analysed {analysis.analysed:,} documents ({analysis.words:,} words) in "
            f"{analysis.elapsed:.1f} s: {analysis.words_per_second:,.0f} words/s with "
            f"{analysis.processes} process{'es' if analysis.processes != 1 else ''} ({analysis.model})"
        )
    pending = library.pending_analysis()
    if pending and analysis is None:
        stdout.print(f"{pending:,} documents wait for analysis (run without --no-analysis)")


def print_search(result: SearchResult, as_json: bool) -> None:
    if as_json:
        emit_json(
            [
                {"document": h.document, "title": h.title, "score": h.score, "snippet": h.snippet}
                for h in result.hits
            ]
        )
        return
    table = Table(title=f"{result.total:,} documents match ({result.elapsed * 1000:.0f} ms)")
    table.add_column("Score", justify="right", style="cyan", no_wrap=True)
    table.add_column("Document", overflow="fold")
    table.add_column("Snippet")
    for hit in result.hits:
        snippet = plain(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold reverse", start, end)
        table.add_row(
            f"{hit.score:.2f}",
            Text.assemble(
                (shown(bounded(hit.title, LINE_CHARS)), "bold"),
                "\n",
                (shown(bounded(hit.document, LINE_CHARS)), "dim"),
            ),
            snippet,
        )
    stdout.print(table)
    if result.suggestion:
        stdout.print(Text.assemble("Did you mean: ", (shown(result.suggestion), "bold")))


def print_entities(entities: Sequence[Entity], as_json: bool) -> None:
    if as_json:
        emit_json(
            [
                {
                    "name": e.name,
                    "label": e.label,
                    "count": e.count,
                    "documents": list(e.documents),
                    "aliases": list(e.aliases),
                    "key": e.key,
                    "disputed": e.disputed,
                    "votes": [list(vote) for vote in e.votes],
                    "curated": e.curated,
                    "mentions": [asdict(m) for m in e.mentions],
                }
                for e in entities
            ]
        )
        return
    table = Table(title=f"{len(entities):,} entities")
    table.add_column("Entity")
    table.add_column("Label", style="magenta")
    table.add_column("Mentions", justify="right")
    table.add_column("Documents", justify="right")
    table.add_column("Also written")
    for entity in entities:
        marks = ("?" if entity.disputed else "") + ("*" if entity.curated else "")
        table.add_row(
            Text.assemble(plain(entity.name, style="bold"), (marks, "yellow")),
            plain(entity.label),
            str(entity.count),
            str(len(entity.documents)),
            plain(", ".join(entity.aliases[:4])),
        )
    stdout.print(table)


def print_quotes(library: Library, quotes: Sequence[Quote], as_json: bool) -> None:
    if as_json:
        emit_json(
            [
                {
                    "id": q.id,
                    "document": q.document,
                    "text": q.text,
                    "speaker": q.speaker,
                    "speaker_label": q.speaker_label,
                    "cue": q.cue,
                    "start": q.start,
                    "end": q.end,
                    "confidence": q.confidence,
                    "guessed": q.guessed,
                    "speaker_curated": q.speaker_curated,
                }
                for q in quotes
            ]
        )
        return
    table = Table(title=f"{len(quotes):,} quotes", expand=True)
    table.add_column("Speaker", style="bold", ratio=1)
    table.add_column("Cue", style="magenta", no_wrap=True)
    table.add_column("Quote", ratio=3)
    table.add_column("Document", style="dim", overflow="fold", ratio=1)
    for quote in quotes:
        speaker = quote.speaker or "—"
        if quote.speaker and quote.speaker_label == "DOCUMENT":
            speaker += " (document)"
        table.add_row(
            plain(speaker + ("?" if quote.guessed and quote.speaker else ""),
                  style="dim" if quote.guessed else ""),
            plain(quote.cue or ""),
            plain(f"“{quote.text}”", keep="\n"),
            plain(quote.document),
        )
    stdout.print(table)


def coverage_note(coverage: tuple[int, int], what: str) -> None:
    """On stderr, while analysis is incomplete: "entities from 40% of the documents
    (analysed 812 of 2,030)". JSON on stdout stays exactly as it is."""
    analysed, documents = coverage
    if documents and analysed < documents:
        share = int(100 * analysed / documents)
        notice(f"{what} from {share}% of the documents (analysed {analysed:,} of {documents:,})")


def said(message: str) -> None:
    """What a command did, one line on stdout, sanitised like all output."""
    stdout.print(plain(message))


_DONE = {
    CurationAction.MERGE: "merged '{target}' into '{value}'",
    CurationAction.RENAME: "renamed '{target}' to '{value}'",
    CurationAction.RELABEL: "relabelled '{target}' as {value}",
    CurationAction.HIDE: "hid '{target}'",
    CurationAction.SPEAKER: "set the speaker of quote {target} to '{value}'",
}


def describe(curation: Curation) -> str:
    """One line saying what a correction does."""
    if curation.action == CurationAction.SPEAKER and curation.value is None:
        text = f"cleared the speaker of quote {curation.target}"
    else:
        text = _DONE[curation.action].format(target=curation.target, value=curation.value)
    return text + (f" ({curation.label})" if curation.label else "")


def print_curation_done(curation: Curation | None, undone: bool = False) -> None:
    if curation is None:
        said("nothing to undo")
    else:
        said(("undid: " if undone else "") + bounded(describe(curation), LINE_CHARS))


def print_curations(curations: Sequence[Curation], as_json: bool) -> None:
    if as_json:
        from search.curation import as_json as curation_json

        emit_json([curation_json(c) for c in curations])
        return
    table = Table(title=f"{len(curations):,} corrections")
    table.add_column("#", justify="right")
    table.add_column("Made", style="dim")
    table.add_column("Correction")
    for number, curation in enumerate(curations, 1):
        table.add_row(str(number), plain(curation.made), plain(describe(curation)))
    stdout.print(table)


def stats_json(stats: CorpusStats) -> dict[str, object]:
    return {
        "documents": stats.documents,
        "words": stats.words,
        "sentences": stats.sentences,
        "vocabulary": stats.vocabulary,
        "analysed": stats.analysed,
        "per_document": [
            {
                "document": d.document,
                "title": d.title,
                "words": d.words,
                "sentences": d.sentences,
                "paragraphs": d.paragraphs,
                "distinct_words": d.distinct_words,
                "type_token_ratio": d.type_token_ratio,
                "mean_sentence_length": d.mean_sentence_length,
                "readability": d.readability,
                "grade_level": d.grade_level,
                "reading_time_minutes": d.reading_time_minutes,
                "distinctive_terms": list(d.distinctive_terms),
            }
            for d in stats.per_document
        ],
        "top_terms": [{"term": t.term, "count": t.count} for t in stats.top_terms],
        "entity_counts": dict(stats.entity_counts),
        "top_speakers": [{"speaker": s.speaker, "quotes": s.quotes} for s in stats.top_speakers],
    }


def print_stats(stats: CorpusStats, as_json: bool) -> None:
    if as_json:
        emit_json(stats_json(stats))
        return
    stdout.print(
        f"[bold]{stats.documents:,}[/] documents · [bold]{stats.words:,}[/] words · "
        f"[bold]{stats.sentences:,}[/] sentences · vocabulary [bold]{stats.vocabulary:,}[/] "
        f"· analysed {stats.analysed:,}"
    )
    terms = Table(title="Top terms")
    terms.add_column("Term")
    terms.add_column("Count", justify="right")
    for term in stats.top_terms[:20]:
        terms.add_row(plain(term.term), f"{term.count:,}")
    labels = Table(title="Entities by label")
    labels.add_column("Label")
    labels.add_column("Distinct", justify="right")
    for label, count in stats.entity_counts.items():
        labels.add_row(plain(label), f"{count:,}")
    speakers = Table(title="Most quoted")
    speakers.add_column("Speaker")
    speakers.add_column("Quotes", justify="right")
    for speaker in stats.top_speakers:
        speakers.add_row(plain(speaker.speaker), str(speaker.quotes))
    from rich.columns import Columns

    stdout.print(Columns([terms, labels, speakers]))
    documents = Table(title="Documents")
    documents.add_column("Document", overflow="fold")
    for name in ("Words", "Sentences", "Reading ease", "Grade", "Minutes"):
        documents.add_column(name, justify="right")
    documents.add_column("Distinctive terms")
    for d in stats.per_document[:200]:
        documents.add_row(
            plain(d.title or d.document),
            f"{d.words:,}",
            f"{d.sentences:,}",
            f"{d.readability:.0f}",
            f"{d.grade_level:.1f}",
            f"{d.reading_time_minutes:.1f}",
            plain(", ".join(d.distinctive_terms[:5])),
        )
    stdout.print(documents)
    if len(stats.per_document) > 200:
        stdout.print(f"... {len(stats.per_document) - 200:,} more documents (use --json for all)")
