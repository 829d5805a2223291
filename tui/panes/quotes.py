"""The quotes pane: who said what, filtered by speaker (or words) as you type.

Each row is two lines, cut to the pane's width with an ellipsis: the speaker and the cue verb,
then the quotation. The whole quotation of the row under the cursor shows in the detail area.

Speakers are a model's guesses: one it is unsure of shows dimmed with ``GUESSED_MARK``, a
document as source says so (``DOCUMENT_NOTE``), and one the user set is marked ``CURATED_MARK``.
``c`` changes the speaker, ``x`` clears it (``SpeakerCorrection``).
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
from tui.panes.base import CURATED_MARK, GUESS_NOTE, AnalysisPane, PaneMessage
from tui.safe_content import safe_line, safe_message

__all__ = ["QuotesPane", "quote_matches"]

UNATTRIBUTED = "unattributed"
"""What stands in for the speaker of a quote the text does not attribute."""
GUESSED_MARK = "?"
"""After a speaker the model is unsure of (``Quote.guessed``)."""
DOCUMENT_NOTE = "(document)"
"""After a speaker that is a document (a declaration, a report), not a person who spoke."""


def _one_line(text: str) -> str:
    """Paragraph breaks and runs of spaces inside a quotation collapsed to single spaces."""
    return " ".join(text.split())


def _place(quote: Quote) -> tuple[str, int, int]:
    """Where a quote is: what identifies it across reloads, whatever its speaker."""
    return (quote.document, quote.start, quote.end)


def quote_matches(quote: Quote, needle: str) -> bool:
    """Whether the filter ``needle`` (case-insensitive substring) is in the speaker or the words."""
    needle = needle.strip().casefold()
    if not needle:
        return True
    speaker = quote.speaker if quote.speaker is not None else UNATTRIBUTED
    return needle in speaker.casefold() or needle in _one_line(quote.text).casefold()


class QuotesPane(AnalysisPane):
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
        Binding(
            "c", "change_speaker", "Correct speaker", id="quotes.speaker",
            tooltip="Say who said this quote",
        ),
        Binding(
            "x", "clear_speaker", "Clear speaker", show=False, id="quotes.clear-speaker",
            tooltip="Say the text does not tell who said this quote",
        ),
    ]
    """f filters, Escape clears the filter, Down leaves the filter for the list; c and x
    correct the speaker (keys the filter box types as letters)."""

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
        & > .quotes-pane--guessed {
            color: $text-accent 55%;
            text-style: not bold;
        }
        & > .quotes-pane--mark {
            color: $text-warning;
            text-style: bold;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quotes-pane--speaker",
        "quotes-pane--unattributed",
        "quotes-pane--cue",
        "quotes-pane--guessed",
        "quotes-pane--mark",
    }
    """A speaker's name, the "unattributed" stand-in, the cue verb, a guessed speaker, and the
    marks after a speaker (guessed, corrected)."""

    class Selected(PaneMessage):
        """Enter on a quote: open its document at the quotation."""

        def __init__(self, pane: QuotesPane, quote: Quote) -> None:
            super().__init__(pane)
            self.quote = quote
            """The quote under the cursor."""

    class SpeakerCorrection(PaneMessage):
        """``c`` or ``x`` on a quote: the app asks for the speaker (or clears it) and stores it."""

        def __init__(self, pane: QuotesPane, quote: Quote, *, clear: bool = False) -> None:
            super().__init__(pane)
            self.quote = quote
            """The quote under the cursor."""
            self.clear = clear
            """Clear the speaker (the text does not say) rather than ask for one."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._quotes: list[Quote] = []
        self._shown: list[Quote] = []
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
            self._refresh_view(reloaded=True)

    # --- view --------------------------------------------------------------------------------

    def _refresh_view(self, *, reloaded: bool = False) -> None:
        """Show the quotes that pass the filter, the cursor on the quote it was on (found by
        its place: a corrected speaker makes it another record). When that quote has gone
        from a reload, the cursor stays on its row rather than jump to the top."""
        options = self.query_one(OptionList)
        previous = options.highlighted
        kept = None
        if previous is not None and previous < len(self._shown):
            kept = _place(self._shown[previous])
        needle = self.query_one(Input).value
        self._shown = [quote for quote in self._quotes if quote_matches(quote, needle)]
        options.set_options(Option(self._row(quote)) for quote in self._shown)
        if self._shown:
            places = [_place(quote) for quote in self._shown]
            if kept in places:
                options.highlighted = places.index(kept)
            elif reloaded and previous is not None:
                options.highlighted = min(previous, len(self._shown) - 1)
            else:
                options.highlighted = 0
        empty = self.query_one(".pane--empty", Static)
        self.query_one(".pane--detail").display = bool(self._shown)
        empty.display = not self._shown
        empty.update(self._empty_message(needle))
        self.query_one(".pane--header", Static).update(self._header(needle))
        self._describe(options.highlighted)

    def _refresh_notes(self) -> None:
        needle = self.query_one(Input).value
        self.query_one(".pane--header", Static).update(self._header(needle))
        self.query_one(".pane--empty", Static).update(self._empty_message(needle))

    def _header(self, needle: str) -> Content:
        total = len(self._quotes)
        if needle.strip():
            counts = f"{len(self._shown):,} of {total:,} quotes"
        else:
            counts = f"{total:,} quote{'s' * (total != 1)}"
        progress = self.progress_note()
        if progress:
            counts += f" · {progress}"
        header = Content.assemble(("Quotes", "bold"), "  ", (counts, "dim"))
        if self._quotes:
            header = Content.assemble(header, "\n", (GUESS_NOTE, "dim italic"))
        return header

    def _empty_message(self, needle: str) -> Content:
        if not self._loaded:
            return Content("No quotes yet.")
        if self._quotes:
            return Content.assemble("No quote matches “", needle.strip(), "”.")
        if self._analysing:
            return Content(f"No quotes yet: {self.progress_note()}.")
        return Content("No quotes found.")

    @staticmethod
    def _speaker(quote: Quote) -> Content:
        """The speaker (or "unattributed"), with what says how sure it is."""
        if quote.speaker is None:
            speaker = Content.styled(UNATTRIBUTED, ".quotes-pane--unattributed")
        elif quote.guessed and not quote.speaker_curated:
            speaker = Content.assemble(
                Content.styled(safe_line(quote.speaker), ".quotes-pane--guessed"),
                Content.styled(GUESSED_MARK, ".quotes-pane--mark"),
            )
        else:
            speaker = Content.styled(safe_line(quote.speaker), ".quotes-pane--speaker")
        if quote.speaker is not None and quote.speaker_label == "DOCUMENT":
            speaker = Content.assemble(speaker, " ", (DOCUMENT_NOTE, "dim"))
        if quote.speaker_curated:
            mark = Content.styled(CURATED_MARK, ".quotes-pane--mark")
            speaker = Content.assemble(speaker, " ", mark)
        return speaker

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
                self._sureness(quote),
                "\n“",
                safe_message(quote.text),
                "”\n",
                (safe_line(quote.document), "dim"),
            )
        )

    @staticmethod
    def _sureness(quote: Quote) -> Content:
        """Why the speaker is marked: a guess, or the user's word."""
        if quote.speaker_curated:
            return Content.styled("  corrected by you", "dim")
        if quote.speaker is not None and quote.guessed:
            return Content.styled(f"  a guess (confidence {quote.confidence:.2f})", "dim")
        return Content("")

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

    @property
    def current(self) -> Quote | None:
        """The quote under the cursor (None with none shown)."""
        index = self.navigable.highlighted
        if index is None or index >= len(self._shown):
            return None
        return self._shown[index]

    def _request(self, *, clear: bool) -> None:
        quote = self.current
        if quote is None:
            self.notify("Put the cursor on a quote first (u shows them)", timeout=3)
            return
        self.post_message(self.SpeakerCorrection(self, quote, clear=clear))

    def action_change_speaker(self) -> None:
        """Ask to set the speaker of the quote under the cursor."""
        self._request(clear=False)

    def action_clear_speaker(self) -> None:
        """Ask to clear the speaker of the quote under the cursor (the text does not say)."""
        self._request(clear=True)

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
