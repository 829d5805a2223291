"""The quotes pane: who said what, filtered by speaker (or words) as you type.

Each row is two lines, cut to the pane's width with an ellipsis: the speaker and the cue verb,
then the quotation. The whole quotation of the row under the cursor shows in the detail area.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from search.records import Quote
from tui.panes.base import Pane, PaneMessage
from tui.safe_content import safe_line, safe_message

__all__ = ["QuotesPane", "quote_matches"]

UNATTRIBUTED = "unattributed"
"""What stands in for the speaker of a quote the text does not attribute."""


def _one_line(text: str) -> str:
    """Paragraph breaks and runs of spaces inside a quotation collapsed to single spaces."""
    return " ".join(text.split())


def quote_matches(quote: Quote, needle: str) -> bool:
    """Whether the filter ``needle`` (case-insensitive substring) is in the speaker or the words."""
    needle = needle.strip().casefold()
    if not needle:
        return True
    speaker = quote.speaker if quote.speaker is not None else UNATTRIBUTED
    return needle in speaker.casefold() or needle in _one_line(quote.text).casefold()


class QuotesPane(Pane):
    """Quotations with their speakers, a filter box above them and the full text below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f", "focus_filter", "Filter", id="quotes.filter",
            tooltip="Type to filter the quotes by speaker or words",
        ),
        Binding(
            "escape", "clear_filter", "Clear filter", show=False, id="quotes.clear-filter",
            tooltip="Empty the filter and show every quote",
        ),
        Binding(
            "down", "focus_list", "To the list", show=False, id="quotes.to-list",
            tooltip="Leave the filter for the list of quotes",
        ),
    ]
    """f filters, Escape clears the filter, Down leaves the filter for the list."""

    DEFAULT_CSS = """
    QuotesPane {
        & > #quotes-filter {
            margin: 0;
            padding: 0 1;
        }
        & OptionList {
            text-wrap: nowrap;
            text-overflow: ellipsis;
            & > .option-list--option {
                padding: 0 1;
            }
        }
        & > .quotes-pane--speaker {
            color: $text-accent;
            text-style: bold;
        }
        & > .quotes-pane--unattributed {
            color: $foreground 60%;
            text-style: italic;
        }
        & > .quotes-pane--cue {
            color: $foreground 60%;
            text-style: italic;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quotes-pane--speaker",
        "quotes-pane--unattributed",
        "quotes-pane--cue",
    }
    """A speaker's name, the "unattributed" stand-in, and the cue verb."""

    class Selected(PaneMessage):
        """Enter on a quote: open its document at the quotation."""

        def __init__(self, pane: QuotesPane, quote: Quote) -> None:
            super().__init__(pane)
            self.quote = quote
            """The quote under the cursor."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._quotes: list[Quote] = []
        self._shown: list[Quote] = []
        self._analysing = False
        self._loaded = False

    @property
    def quotes(self) -> Sequence[Quote]:
        """Every quote given to ``show_quotes``."""
        return tuple(self._quotes)

    @property
    def shown(self) -> Sequence[Quote]:
        """The quotes that pass the filter, in the order shown."""
        return tuple(self._shown)

    def compose(self) -> ComposeResult:
        yield Static(classes="pane--header", markup=False)
        yield Input(placeholder="Filter by speaker or words", id="quotes-filter", compact=True)
        yield Static(classes="pane--empty", markup=False)
        yield OptionList(id="quotes-list")
        with VerticalScroll(classes="pane--detail", can_focus=False):
            yield Static(id="quote-detail", markup=False)

    def on_mount(self) -> None:
        self._refresh_view()

    @property
    def navigable(self) -> OptionList:
        return self.query_one(OptionList)

    # --- attributes down ---------------------------------------------------------------------

    def show_quotes(self, quotes: Sequence[Quote], *, analysing: bool = False) -> None:
        """Show ``quotes`` (filtered by what is in the filter box)."""
        self._quotes = list(quotes)
        self._analysing = analysing
        self._loaded = True
        if self.is_mounted:
            self._refresh_view()

    # --- view --------------------------------------------------------------------------------

    def _refresh_view(self) -> None:
        options = self.query_one(OptionList)
        previous = options.highlighted
        kept = None
        if previous is not None and previous < len(self._shown):
            kept = self._shown[previous]
        needle = self.query_one(Input).value
        self._shown = [quote for quote in self._quotes if quote_matches(quote, needle)]
        options.set_options(Option(self._row(quote)) for quote in self._shown)
        if self._shown:
            options.highlighted = self._shown.index(kept) if kept in self._shown else 0
        empty = self.query_one(".pane--empty", Static)
        self.query_one(".pane--detail").display = bool(self._shown)
        empty.display = not self._shown
        empty.update(self._empty_message(needle))
        self.query_one(".pane--header", Static).update(self._header(needle))
        self._describe(options.highlighted)

    def _header(self, needle: str) -> Content:
        total = len(self._quotes)
        if needle.strip():
            counts = f"{len(self._shown):,} of {total:,} quotes"
        else:
            counts = f"{total:,} quote{'s' * (total != 1)}"
        if self._analysing:
            counts += " · analysis running"
        return Content.assemble(("Quotes", "bold"), "  ", (counts, "dim"))

    def _empty_message(self, needle: str) -> Content:
        if not self._loaded:
            return Content("No quotes yet.")
        if self._quotes:
            return Content.assemble("No quote matches “", needle.strip(), "”.")
        if self._analysing:
            return Content("No quotes yet: analysis is running.")
        return Content("No quotes found.")

    @staticmethod
    def _speaker(quote: Quote) -> Content:
        if quote.speaker is None:
            return Content.styled(UNATTRIBUTED, ".quotes-pane--unattributed")
        return Content.styled(safe_line(quote.speaker), ".quotes-pane--speaker")

    @staticmethod
    def _cue(quote: Quote) -> Content:
        if not quote.cue:
            return Content("")
        return Content.styled(f" {safe_line(quote.cue)}", ".quotes-pane--cue")

    def _row(self, quote: Quote) -> Content:
        """Two lines: speaker and cue, then the quotation on one line (cut to fit)."""
        return Content.assemble(
            self._speaker(quote),
            self._cue(quote),
            "\n",
            "“",
            safe_line(_one_line(quote.text)),
            "”",
        )

    def _describe(self, index: int | None) -> None:
        detail = self.query_one("#quote-detail", Static)
        if index is None or index >= len(self._shown):
            detail.update("")
            return
        quote = self._shown[index]
        detail.update(
            Content.assemble(
                self._speaker(quote),
                self._cue(quote),
                "\n“",
                safe_message(quote.text),
                "”\n",
                (safe_line(quote.document), "dim"),
            )
        )

    # --- events and actions ------------------------------------------------------------------

    @on(Input.Changed, "#quotes-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refresh_view()

    @on(Input.Submitted, "#quotes-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_list()

    @on(OptionList.OptionHighlighted, "#quotes-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._describe(event.option_index)

    @on(OptionList.OptionSelected, "#quotes-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._shown):
            self.post_message(self.Selected(self, self._shown[event.option_index]))

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one(Input).focus()

    def action_focus_list(self) -> None:
        """Move from the filter box to the list of quotes."""
        self.navigable.focus()

    def action_clear_filter(self) -> None:
        """Empty the filter; when it is already empty, let Escape mean what it means elsewhere."""
        filter_box = self.query_one(Input)
        if not filter_box.value:
            raise SkipAction()
        filter_box.value = ""
