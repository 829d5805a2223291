"""The progress line: what indexing or analysis is doing, shown only while they run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from search.records import Progress
from tui.progress_text import counts, measure, stage_name
from tui.safe_content import safe_content


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
        text = f"{stage_name(progress)} {counts(progress)}"
        if progress.current:
            text = f"{text} · {progress.current}"
        self.query_one("#job-label", Label).update(safe_content(text))  # a path: any name
        done, total = measure(progress)
        self.query_one("#job-bar", ProgressBar).update(total=total, progress=done)

    def finish(self) -> None:
        """The job ended: step out of the way."""
        self.display = False
