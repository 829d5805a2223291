"""The progress line: what indexing or analysis is doing, shown only while they run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from search.records import Progress
from tui.safe_content import safe_content

STAGES: dict[str, str] = {"scan": "Scanning", "index": "Indexing", "analyse": "Analysing"}
"""How each stage of ``Progress`` reads."""


class JobStatus(Horizontal):
    """A label and a progress bar for the background job; hidden when nothing runs."""

    def compose(self) -> ComposeResult:
        yield Label("", id="job-label", markup=False)
        yield ProgressBar(id="job-bar", show_eta=False)

    def on_mount(self) -> None:
        self.display = False

    def show_progress(self, progress: Progress) -> None:
        """Show how far the job got (a None total makes the bar pulse)."""
        self.display = True
        stage = STAGES.get(progress.stage, progress.stage.capitalize())
        total = "" if progress.total is None else f"/{progress.total}"
        count = f"{progress.done}{total}"
        text = f"{stage} {count}"
        if progress.current:
            text = f"{text} · {progress.current}"
        self.query_one("#job-label", Label).update(safe_content(text))  # a path: any name
        self.query_one("#job-bar", ProgressBar).update(total=progress.total, progress=progress.done)

    def finish(self) -> None:
        """The job ended: step out of the way."""
        self.display = False
