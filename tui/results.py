"""The results list: ranked hits with highlighted snippets, or every document, sortable.

The app hands it data with ``show_hits`` / ``show_documents``; it reports
``ResultList.Opened`` (Enter or a click) and ``ResultList.SortChanged`` (the sort key). Titles
and snippets are document text, so they are built as ``Content`` with styled spans, never
markup.

``OptionList`` builds and measures every option it holds, and a corpus can list tens of
thousands of documents, so the list holds only the entries around the view: a couple of pages
at first, a couple more whenever the cursor or the view comes within a page of the last one
built. End (or coming back up to the first one built, after End) builds afresh around the
entry wanted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from search.records import DocumentInfo, Hit, SearchResult, Skipped
from search.safe_text import visible
from tui.safe_content import safe_line, safe_message

SORTS: tuple[str, ...] = ("title", "words", "modified")
"""The orders of the document list, in the order the sort key cycles through them."""
ENTRY_LINES = 3
"""The fewest lines an entry takes: a title, one line of figures or snippet, a rule."""
MIN_PAGE = 8
"""The fewest entries counted as a page, before the list knows its height."""


def format_date(modified: float | None) -> str:
    """A modification time as a local date, or "" when unknown."""
    if modified is None:
        return ""
    return time.strftime("%Y-%m-%d", time.localtime(modified))


def empty_corpus_message(corpus: str, endings: Sequence[str], skipped: Sequence[Skipped]) -> str:
    """Why a corpus gave no documents, once indexing has ended: the endings docscope reads, and
    the files it skipped (how many, the first and why), so the user is not left waiting for
    documents that will never come. Paths come from file names: made safe to show."""
    reads = f"docscope reads files ending in {', '.join(endings)}"
    if not skipped:
        return safe_message(f"No documents: {corpus} has no such files ({reads})")
    first = skipped[0]
    more = len(skipped) - 1
    others = f" and {more:,} more" if more else ""
    return safe_message(
        f"No documents: {len(skipped):,} file{'s' if len(skipped) != 1 else ''} in {corpus} "
        f"skipped ({first.path}: {first.reason}{others}; 'docscope index' lists them all). {reads}"
    )


class ResultList(OptionList):
    """Search hits (or all documents) as a list; Enter or a click opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="results.open", tooltip="Open in the reader"),
        Binding("j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, id="results.up"),
        Binding(
            "o",
            "cycle_sort",
            "Sort",
            id="results.sort",
            tooltip="Order the document list by title, length or date",
        ),
    ]
    """Keys of the results list (arrows, Home/End, PageUp/PageDown come from OptionList)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--title",
        "result-list--meta",
        "result-list--snippet",
        "result-list--match",
    }
    """Styles of a result's parts; set in app.tcss from theme variables."""

    class Opened(Message):
        """The user chose a document to read."""

        def __init__(self, document: str) -> None:
            self.document = document
            """The document id."""
            super().__init__()

    class SortChanged(Message):
        """The user asked for the document list in another order."""

        def __init__(self, sort: str) -> None:
            self.sort = sort
            """One of ``SORTS``."""
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.sort = SORTS[0]
        """The current order of the document list."""
        self.hits: tuple[Hit, ...] = ()
        """The hits shown (empty while listing documents)."""
        self.documents: tuple[DocumentInfo, ...] = ()
        """The documents shown (empty while showing hits)."""
        self._listing = True
        self.no_documents = "No documents indexed yet"
        """What the document list says when the index holds none (the explorer says why once
        indexing has ended: see ``empty_corpus_message``)."""
        self._empty_message = "Indexing…"
        self._first = 0
        """The position in ``entries`` of the entry in the first option."""

    def on_mount(self) -> None:
        self.border_title = "Results"
        self.tooltip = "Enter or click opens a document; o changes the order of the list"
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self.watch(self, "scroll_y", self._scrolled, init=False)

    # --- what the app tells it ---------------------------------------------------------------

    @property
    def entries(self) -> Sequence[Hit | DocumentInfo]:
        """Everything listed, top to bottom: the hits, or every document for the empty query."""
        return self.documents if self._listing else self.hits

    @property
    def document_ids(self) -> list[str]:
        """Ids of the documents listed, top to bottom."""
        return [_entry_id(entry) for entry in self.entries]

    def show_hits(self, result: SearchResult) -> None:
        """Ranked hits for a query."""
        if not self._listing and result.hits == self.hits:
            return  # the same answer again: one more letter often changes nothing
        self._listing = False
        self.hits = result.hits
        self.documents = ()
        self._empty_message = "No documents match"
        self._build_around(0)

    def show_documents(self, documents: Sequence[DocumentInfo], sort: str) -> None:
        """Every document in ``sort`` order (the empty query); the cursor stays on its document."""
        keep = self.highlighted_id if self._listing else None
        self._listing = True
        self.sort = sort
        self.hits = ()
        self.documents = tuple(documents)
        self._empty_message = self.no_documents
        index = 0
        if keep is not None:
            index = next((i for i, info in enumerate(self.documents) if info.id == keep), 0)
        self._build_around(index)

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted document, if any."""
        if self.highlighted is None or not self.entries:
            return None
        return self.get_option_at_index(self.highlighted).id

    @property
    def highlighted_entry(self) -> int | None:
        """The position in ``entries`` of the highlighted result, if any."""
        if self.highlighted is None or not self.entries:
            return None
        return self._first + self.highlighted

    # --- building the entries near the view ----------------------------------------------------

    @property
    def _page(self) -> int:
        """The most entries the list can show at once."""
        return max(MIN_PAGE, self.scrollable_content_region.height // ENTRY_LINES + 1)

    def _build_around(self, index: int) -> None:
        """Build the options afresh for the entries within two pages of ``index``; highlight it."""
        entries = self.entries
        if not entries:
            self._first = 0
            self.set_options([Option(Content(self._empty_message), disabled=True)])
            return
        reach = 2 * self._page
        self._first = max(0, index - reach)
        self.set_options(self._new_options(self._first, index + reach))
        self.highlighted = index - self._first

    def _extend(self) -> None:
        """Build the next two pages of entries below the last option."""
        end = self._first + self.option_count
        self.add_options(self._new_options(end, end + 2 * self._page))

    def _new_options(self, start: int, end: int) -> list[Option | None]:
        """Options for ``entries[start:end]``, each with a rule under it but the very last."""
        entries = self.entries
        styles = {name: self.get_visual_style(name) for name in self.COMPONENT_CLASSES}
        options: list[Option | None] = []
        for entry in entries[start:end]:
            if isinstance(entry, Hit):
                options.append(Option(_hit_prompt(entry, styles), id=entry.document))
            else:
                options.append(Option(_document_prompt(entry, styles), id=entry.id))
            options.append(None)
        if end >= len(entries):
            options.pop()
        return options

    def _follow(self, top: int, bottom: int) -> None:
        """Options ``top``..``bottom`` are in view or under the cursor: build what is near them."""
        more_below = self._first + self.option_count < len(self.entries)
        if more_below and bottom >= self.option_count - self._page:
            self._extend()
        elif self._first > 0 and top < self._page:
            self._build_in_view()

    def _build_in_view(self) -> None:
        """Build afresh around the entry at the top of the view; the view and cursor stay put."""
        option, offset = self._lines[int(self.scroll_y)]
        top, highlighted = self._first + option, self.highlighted_entry
        self._build_around(top)
        if highlighted is not None and 0 <= highlighted - self._first < self.option_count:
            # quietly: moving the cursor would scroll to it and undo the scroll that got here
            self.set_reactive(OptionList.highlighted, highlighted - self._first)
        line = self._index_to_line[top - self._first] + offset
        self.scroll_to(y=line, animate=False, immediate=True)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and self.entries:
            self._follow(highlighted, highlighted)

    def _scrolled(self) -> None:
        self.call_next(self._follow_scroll)  # once the scroll settles (building scrolls too)

    def _follow_scroll(self) -> None:
        """The view moved (wheel, scrollbar, cursor): build what comes near it."""
        lines = self._lines
        top = int(self.scroll_y)
        if self.entries and top < len(lines):
            bottom = min(len(lines) - 1, top + self.scrollable_content_region.height)
            self._follow(lines[top][0], lines[bottom][0])

    def _theme_changed(self) -> None:
        self._build_around(self.highlighted_entry or 0)

    # --- keys and mouse ------------------------------------------------------------------------

    def action_first(self) -> None:
        """Move the highlight to the first result."""
        if self._first > 0:
            self._build_around(0)
        else:
            super().action_first()

    def action_last(self) -> None:
        """Move the highlight to the last result."""
        if self._first + self.option_count < len(self.entries):
            self._build_around(len(self.entries) - 1)
        else:
            super().action_last()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Opened(event.option.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_sort" and not self._listing:
            return None
        return super().check_action(action, parameters)

    def action_cycle_sort(self) -> None:
        """Ask for the document list in the next order (title, length, date)."""
        following = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.post_message(self.SortChanged(following))


def _entry_id(entry: Hit | DocumentInfo) -> str:
    return entry.document if isinstance(entry, Hit) else entry.id


def _hit_prompt(hit: Hit, styles: dict[str, Style]) -> Content:
    # one symbol per control character, so the highlight spans still fall on their words
    snippet = Content(visible(hit.snippet.replace("\n", " ")))
    for start, end in hit.highlights:
        snippet = snippet.stylize(styles["result-list--match"], start, end)
    snippet = snippet.stylize_before(styles["result-list--snippet"])
    return Content.assemble(
        (safe_line(hit.title or hit.document), styles["result-list--title"]),
        "\n",
        (f"{hit.score:.2f} · ", styles["result-list--meta"]),
        snippet,
    )


def _document_prompt(info: DocumentInfo, styles: dict[str, Style]) -> Content:
    meta = f"{info.words:,} words"
    date = format_date(info.modified)
    if date:
        meta = f"{meta} · {date}"
    return Content.assemble(
        (safe_line(info.title or info.id), styles["result-list--title"]),
        "\n",
        (meta, styles["result-list--meta"]),
    )
