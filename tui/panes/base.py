"""What every side pane shares: j/k for its list, focus that lands on the list, the message base;
and what the panes that show the automatic analysis share: undo, a note of how much is analysed.

A pane receives records through ``show_*`` methods and reports with messages nested in its own
class. It never reaches into the app or a sibling pane.
"""

from __future__ import annotations

from typing import ClassVar, Self

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget


class Pane(Widget):
    """A side pane: a header line, one navigable list (or tree), an empty state, a detail line.

    Subclasses say which widget j/k drive by overriding ``navigable``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j", "cursor_down", "Down", show=False, id="pane.cursor-down",
            tooltip="Move the cursor down the list",
        ),
        Binding(
            "k", "cursor_up", "Up", show=False, id="pane.cursor-up",
            tooltip="Move the cursor up the list",
        ),
    ]
    """j and k move like the arrow keys (arrows come from the list widget itself)."""

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        width: 1fr;
        layout: vertical;
        & > .pane--header {
            height: auto;
            padding: 0 1;
            background: $panel;
            color: $foreground;
        }
        & > .pane--empty {
            height: auto;
            padding: 1 1;
            color: $text-muted;
        }
        & > .pane--detail {
            height: auto;
            max-height: 8;
            padding: 0 1;
            background: $panel;
            scrollbar-size-vertical: 1;
        }
        & Tree, & OptionList {
            height: 1fr;
            border: none;
            padding: 0;
            background: transparent;
            scrollbar-size-vertical: 1;
            &:focus {
                border: none;
                background-tint: $foreground 3%;
            }
        }
    }
    """

    @property
    def navigable(self) -> Widget | None:
        """The list or tree that j/k and ``focus`` act on, when it is showing."""
        return None

    async def action_cursor_down(self) -> None:
        """Focus the pane's list and move its cursor down."""
        await self._move("cursor_down")

    async def action_cursor_up(self) -> None:
        """Focus the pane's list and move its cursor up."""
        await self._move("cursor_up")

    async def _move(self, action: str) -> None:
        target = self.navigable
        if target is not None:
            target.focus()
            await target.run_action(action)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the pane's list (the pane itself takes no focus)."""
        target = self.navigable
        if target is not None:
            target.focus(scroll_visible)
        return self


class PaneMessage(Message):
    """Base of the messages a pane posts: carries the pane, as ``pane`` and ``control``."""

    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane
        """The pane that sent the message."""

    @property
    def control(self) -> Pane:
        """The pane that sent the message (what ``@on(..., selector)`` matches)."""
        return self.pane


CURATED_MARK = "✓"
"""After a name or speaker a correction changed: the user's word, not the model's."""
GUESS_NOTE = "automatic, may be wrong: c fixes"
"""Said once in the header of a pane that shows the analysis: its entities and speakers are a
model's guesses, and the user has the last word."""


class AnalysisPane(Pane):
    """A pane that shows the automatic analysis (entities, quotes): the user can correct it, undo
    the last correction, and is told how much of the corpus it covers while analysis runs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "z", "undo", "Undo correction", show=False, id="pane.undo",
            tooltip="Undo the last correction made to the entities or quotes",
        ),
    ]
    """z undoes the last correction, whichever pane it was made in."""

    class UndoRequested(PaneMessage):
        """``z``: undo the last correction of the corpus."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._analysing = False
        self._coverage: tuple[int, int] | None = None

    def show_progress(self, analysing: bool, coverage: tuple[int, int] | None = None) -> None:
        """Whether analysis runs, and how many documents of how many it has done (None: not
        known yet): the header says "analysed 40%" until it ends, without waiting for a reload."""
        if (analysing, coverage) != (self._analysing, self._coverage):
            self._analysing, self._coverage = analysing, coverage
            if self.is_mounted:
                self._refresh_notes()

    def _refresh_notes(self) -> None:
        """Redraw what says how far analysis has got (the header, the empty message)."""

    def progress_note(self) -> str:
        """"analysed 40%" while analysis runs ("analysis is running" before the share is known);
        "" once it has ended."""
        if not self._analysing:
            return ""
        if self._coverage is None or self._coverage[1] <= 0:
            return "analysis is running"
        analysed, total = self._coverage
        # Floor, so that "100%" only shows when every document is analysed.
        return f"analysed {min(100, analysed * 100 // total)}%"

    def action_undo(self) -> None:
        """Ask for the last correction to be undone."""
        self.post_message(self.UndoRequested(self))
