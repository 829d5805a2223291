"""The results list: ranked hits with highlighted snippets, or every document, sortable.

The app hands it data with ``show_hits`` / ``show_documents``; it reports
``ResultList.Opened`` (Enter or a click) and ``ResultList.SortChanged`` (the sort key). Titles
and snippets are document text, so they are built as ``Content`` with styled spans, never
markup.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from search.records import DocumentInfo, Hit, SearchResult
from tui.reader import plain

SORTS: tuple[str, ...] = ("title", "words", "modified")
"""The orders of the document list, in the order the sort key cycles through them."""


def format_date(modified: float | None) -> str:
    """A modification time as a local date, or "" when unknown."""
    if modified is None:
        return ""
    return time.strftime("%Y-%m-%d", time.localtime(modified))


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
        self._empty_message = "Indexing…"

    def on_mount(self) -> None:
        self.border_title = "Results"
        self.tooltip = "Enter or click opens a document; o changes the order of the list"
        self.watch(self.app, "theme", self._theme_changed, init=False)

    # --- what the app tells it ---------------------------------------------------------------

    @property
    def document_ids(self) -> list[str]:
        """Ids of the documents listed, top to bottom."""
        if self._listing:
            return [info.id for info in self.documents]
        return [hit.document for hit in self.hits]

    def show_hits(self, result: SearchResult) -> None:
        """Ranked hits for a query."""
        self._listing = False
        self.hits = result.hits
        self.documents = ()
        self._empty_message = "No documents match"
        self._rebuild(keep=None)

    def show_documents(self, documents: Sequence[DocumentInfo], sort: str) -> None:
        """Every document, in ``sort`` order (the empty query)."""
        keep = self.highlighted_id if self._listing else None
        self._listing = True
        self.sort = sort
        self.hits = ()
        self.documents = tuple(documents)
        self._empty_message = "No documents indexed yet"
        self._rebuild(keep=keep)

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted document, if any."""
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    # --- inside ------------------------------------------------------------------------------

    def _theme_changed(self) -> None:
        self._rebuild(keep=self.highlighted_id)

    def _rebuild(self, keep: str | None) -> None:
        if self._listing:
            options = [Option(self._document_prompt(info), id=info.id) for info in self.documents]
        else:
            options = [Option(self._hit_prompt(hit), id=hit.document) for hit in self.hits]
        if not options:
            self.set_options([Option(Content(self._empty_message), disabled=True)])
            return
        separated: list[Option | None] = []
        for option in options:
            if separated:
                separated.append(None)
            separated.append(option)
        self.set_options(separated)
        index = 0
        if keep is not None:
            try:
                index = self.get_option_index(keep)
            except OptionDoesNotExist:
                index = 0
        self.highlighted = index

    def _hit_prompt(self, hit: Hit) -> Content:
        snippet = Content(plain(hit.snippet.replace("\n", " ")))
        match_style = self.get_visual_style("result-list--match")
        for start, end in hit.highlights:
            snippet = snippet.stylize(match_style, start, end)
        snippet = snippet.stylize_before(self.get_visual_style("result-list--snippet"))
        return Content.assemble(
            (plain(hit.title or hit.document), self.get_visual_style("result-list--title")),
            "\n",
            (f"{hit.score:.2f} · ", self.get_visual_style("result-list--meta")),
            snippet,
        )

    def _document_prompt(self, info: DocumentInfo) -> Content:
        meta = f"{info.words:,} words"
        date = format_date(info.modified)
        if date:
            meta = f"{meta} · {date}"
        return Content.assemble(
            (plain(info.title or info.id), self.get_visual_style("result-list--title")),
            "\n",
            (meta, self.get_visual_style("result-list--meta")),
        )

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
