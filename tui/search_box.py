"""The search box: a query input that searches as you type, and a line saying how it went.

Each keystroke reports ``SearchBox.QueryChanged`` at once; the app runs the search (the next
keystroke's search cancels it, and a cancelled search stops at its next stage) and hands the
answer back with ``show_result`` / ``show_listing`` / ``show_error``. A "did you mean"
suggestion is accepted with a key or a click.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from search.records import SearchResult
from tui.safe_content import safe_content, safe_line

PLACEHOLDER = 'Search: words, "a phrase", person:"Name", title:word, AND OR NOT'


def format_elapsed(seconds: float) -> str:
    """Search time for people: "<1 ms", "12 ms", "1.4 s"."""
    if seconds < 0.001:
        return "<1 ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.1f} s"


class Suggestion(Static):
    """The "did you mean" line; a click accepts it."""

    class Accepted(Message):
        """The user clicked the suggestion."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Accepted())


class SearchBox(Vertical):
    """A query input plus a status line (hits, time, suggestion, query errors)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+y",
            "accept_suggestion",
            "Accept suggestion",
            show=False,
            id="search.accept_suggestion",
            tooltip="Search for the 'did you mean' suggestion instead",
        ),
        Binding(
            "down",
            "submit",
            "To results",
            show=False,
            id="search.to_results",
            tooltip="Move to the results list",
        ),
    ]
    """Keys that work while typing a query."""

    class QueryChanged(Message):
        """The query changed (after the debounce, if one is set): search for it."""

        def __init__(self, query: str) -> None:
            self.query = query
            """The text in the box."""
            super().__init__()

    class Submitted(Message):
        """Enter (or down) in the box: search now and move to the results."""

        def __init__(self, query: str) -> None:
            self.query = query
            """The text in the box."""
            super().__init__()

    def __init__(
        self,
        debounce: float = 0.0,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.debounce = debounce
        """Seconds of quiet typing before a search starts. 0, the default, searches on every
        key: a fixed 150 ms wait was most of the 180-210 ms a user waited for results on an
        84-article corpus whose searches took 2-8 ms (measured in a real terminal); the next
        key's search cancels a stale one instead."""
        self._timer: Timer | None = None
        self._reported: str | None = None
        self._suggestion: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        with Horizontal(id="search-status-row"):
            yield Label("", id="search-status", markup=False)
            yield Suggestion("", id="suggestion")

    def on_mount(self) -> None:
        self.query_one("#query", Input).tooltip = (
            "Type to search as you go; Enter moves to the results. "
            'Fields: person:, org:, place:, speaker:, title:; "phrases"; AND, OR, NOT'
        )
        suggestion = self.query_one(Suggestion)
        suggestion.tooltip = "Click (or press ctrl+y) to search for this instead"
        suggestion.display = False

    # --- what the app tells it ---------------------------------------------------------------

    @property
    def query(self) -> str:
        """The text in the box."""
        return self.query_one("#query", Input).value

    def set_query(self, query: str) -> None:
        """Replace the query (an entity filter, a suggestion) and search for it at once."""
        self.query_one("#query", Input).value = query
        self._report(query)

    def focus_input(self) -> None:
        """Put the cursor in the box, at the end of the query."""
        box = self.query_one("#query", Input)
        box.focus()
        box.cursor_position = len(box.value)

    def show_result(self, result: SearchResult) -> None:
        """Hits, time taken and "did you mean" for the query just run."""
        shown = len(result.hits)
        noun = "hit" if result.total == 1 else "hits"
        if shown < result.total:
            status = f"{shown} of {result.total:,} {noun} · {format_elapsed(result.elapsed)}"
        else:
            status = f"{result.total:,} {noun} · {format_elapsed(result.elapsed)}"
        self._set_status(status, error=False)
        self._show_suggestion(result.suggestion if result.suggestion != result.query else None)

    def show_listing(self, count: int, sort: str) -> None:
        """The empty query lists every document."""
        noun = "document" if count == 1 else "documents"
        self._set_status(f"{count:,} {noun} · by {sort}", error=False)
        self._show_suggestion(None)

    def show_error(self, message: str) -> None:
        """A malformed query: say why, in place."""
        self._set_status(message, error=True)
        self._show_suggestion(None)

    # --- inside ------------------------------------------------------------------------------

    def _set_status(self, text: str, *, error: bool) -> None:
        status = self.query_one("#search-status", Label)
        status.update(safe_content(text))  # an error's words may quote a name
        status.set_class(error, "-error")

    def _show_suggestion(self, suggestion: str | None) -> None:
        self._suggestion = suggestion
        widget = self.query_one(Suggestion)
        widget.display = suggestion is not None
        if suggestion is not None:
            widget.update(Content.from_markup("  Did you mean [b]$s[/b]?", s=safe_line(suggestion)))

    @on(Input.Changed, "#query")
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.debounce <= 0:
            self._report(event.value)
        else:
            self._timer = self.set_timer(self.debounce, partial(self._report, event.value))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Suggestion.Accepted)
    def _clicked_suggestion(self, event: Suggestion.Accepted) -> None:
        event.stop()
        self.action_accept_suggestion()

    def _report(self, query: str) -> None:
        self._timer = None
        if query != self._reported:
            self._reported = query
            self.post_message(self.QueryChanged(query))

    def action_submit(self) -> None:
        """Search now (skipping the debounce) and hand over to the results."""
        if self._timer is not None:
            self._timer.stop()
        self._report(self.query)
        self.post_message(self.Submitted(self.query))

    def action_accept_suggestion(self) -> None:
        """Search for the suggestion instead of what was typed."""
        if self._suggestion is not None:
            self.set_query(self._suggestion)
            self.focus_input()
