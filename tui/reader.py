"""The reader: one document, with query hits, the current hit and entity mentions painted on.

Document text is data: it is wrapped in ``Content`` and styled by character spans, so text such
as ``[bold]x[/]`` or ``[@click=app.quit]`` shows literally. The text is split into blocks of a
few paragraphs (one ``Static`` each) so moving to the next hit repaints two blocks, not the
whole document, and a hit can be scrolled into view by its exact wrapped line.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from search.records import Document, Mention
from search.safe_text import blanked
from tui.long_runs import Elision, split_runs
from tui.panes.charts import label_style
from tui.safe_content import safe_content, safe_line

BLOCK_CHARS = 3000
"""Paragraphs are grouped into blocks of about this many characters."""

METADATA_CHARS = 120
"""The most of one metadata key or value shown in the header (a JSONL value can be 1 MB)."""
METADATA_FIELDS = 12
"""The most metadata fields shown in the header; the rest are counted."""
METADATA_LINE = 1000
"""The most of the whole metadata line: a few wrapped lines, never a screenful."""

NUMERIC_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Labels left uncoloured in the text: dates and numbers would drown the names."""


def mention_style(label: str) -> str:
    """The colour of a label as the entities pane shows it, underlined instead of bold."""
    colour = " ".join(part for part in label_style(label).split() if part != "bold")
    return f"{colour} underline".strip()


Span = tuple[int, int]


def plain(text: str) -> str:
    """The text with any control character blanked (the engine's one class of them, C1 and
    bidi overrides included), keeping every offset in place."""
    return blanked(text)


def split_blocks(text: str, size: int = BLOCK_CHARS) -> list[Span]:
    """(start, end) of runs of whole paragraphs, each about ``size`` characters or one paragraph.

    Blocks end where a paragraph break ("\\n\\n") starts; the break itself belongs to no block.
    """
    blocks: list[Span] = []
    start = 0
    position = 0
    length = len(text)
    while position < length:
        brk = text.find("\n\n", position)
        end = length if brk < 0 else brk
        if end - start >= size or brk < 0:
            if text[start:end].strip():
                blocks.append((start, end))
            if brk < 0:
                break
            start = brk
            while start < length and text[start] == "\n":
                start += 1
            position = start
        else:
            position = brk + 2
    return blocks


class ReaderBlock(Static):
    """A few paragraphs of the open document, starting at ``start`` in its text."""

    def __init__(self, start: int, text: str) -> None:
        elision = Elision.of(text)
        shown = plain(elision.text(text))
        super().__init__(Content(shown), classes="reader-block")
        self.start = start
        """Offset of the block's first character in the document."""
        self.text = text
        """The block's text."""
        self.elision = elision
        """What is shown of the text: all of it, or both ends of one over-long run."""
        self.shown_text = shown
        """The text as shown (offsets into it: ``elision.shown``)."""
        self._content = Content(shown)

    @property
    def end(self) -> int:
        """Offset just past the block's last character."""
        return self.start + len(self.text)

    def paint(self, content: Content) -> None:
        """Show the block's text with new styles."""
        self._content = content
        self.update(content)

    def line_of(self, offset: int) -> int:
        """The wrapped line (0-based, within the block) that shows ``offset``."""
        width = self.content_region.width
        if width <= 0 or not self.text:
            return 0
        offset = self.elision.shown(offset)
        position = 0
        lines = self._content.wrap(width)
        for number, line in enumerate(lines):
            text = line.plain.strip()
            if not text:
                continue
            found = self.shown_text.find(text, position)
            if found < 0:
                return int(len(lines) * offset / len(self.shown_text))
            position = found + len(text)
            if offset < position:
                return number
        return max(0, len(lines) - 1)


class Reader(VerticalScroll):
    """Reads one document: hits highlighted, ``n``/``N`` between them, mentions coloured."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_hit", "Next hit", id="reader.next_hit", tooltip="Jump to the next hit"),
        Binding(
            "N",
            "previous_hit",
            "Prev hit",
            id="reader.previous_hit",
            tooltip="Jump to the previous hit",
        ),
        Binding(
            "c",
            "toggle_entities",
            "Colour entities",
            show=False,
            id="reader.toggle_entities",
            tooltip="Colour people, organisations and places",
        ),
        Binding("j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]
    """Keys of the reader (arrows, PageUp/PageDown, Home/End come from VerticalScroll)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--hit",
        "reader--current-hit",
        "reader--target",
        "reader--title",
    }
    """Styles painted on the text; set in app.tcss from theme variables."""

    show_entities: reactive[bool] = reactive(True)
    """Colour entity mentions by label."""

    class HitChanged(Message):
        """The current hit moved (``n``/``N``, or a new document)."""

        def __init__(self, index: int | None, total: int) -> None:
            self.index = index
            """0-based index of the current hit, or None."""
            self.total = total
            """How many hits the document has."""
            super().__init__()

    def __init__(
        self, root: Path | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.root = root
        """The corpus folder: paths below it are shown relative to it."""
        self.document: Document | None = None
        """The open document."""
        self.hits: tuple[Span, ...] = ()
        """Query hits in the open document, in order."""
        self.current_hit: int | None = None
        """Index into ``hits`` of the hit marked as current."""
        self.target: Span | None = None
        """A span shown as current instead of a hit (a quote, a mention)."""
        self.mentions: tuple[tuple[Mention, str], ...] = ()
        """Entity mentions in the open document, with their labels."""
        self._blocks: list[ReaderBlock] = []
        self._starts: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("No document open"), id="reader-title")
        yield Static(Content("Choose a result and press Enter."), id="reader-meta")

    def on_mount(self) -> None:
        self.border_title = "Reader"
        self.watch(self, "scroll_y", self._show_position, init=False)
        self.watch(self.app, "theme", self._repaint_all, init=False)

    # --- what the app tells it ---------------------------------------------------------------

    async def show_document(
        self,
        document: Document,
        hits: Sequence[Span] = (),
        mentions: Sequence[tuple[Mention, str]] = (),
        target: Span | None = None,
    ) -> None:
        """Open ``document``, scrolled to ``target`` or its first hit."""
        self.document = document
        self.hits = tuple(hits)
        self.mentions = tuple(mentions)
        self.target = target
        self.current_hit = 0 if self.hits and target is None else None
        self.border_title = safe_content(document.title or document.id)
        title = self.query_one("#reader-title", Static)
        title.update(safe_content(document.title))
        title.display = not self._title_in_text  # else the text's own first line is the title
        meta = self._metadata(document)  # bounded and made safe there
        self.query_one("#reader-meta", Static).update(Content(meta))
        with self.app.batch_update():
            await self.remove_children(".reader-block")
            self._blocks = [
                ReaderBlock(start, document.text[start:end])
                for start, end in split_runs(document.text, split_blocks(document.text))
            ]
            self._starts = [block.start for block in self._blocks]
            await self.mount_all(self._blocks)
            for block in self._blocks:
                self._paint(block)
        self.scroll_home(animate=False)
        self.call_after_refresh(self._reveal_current)
        self.post_message(self.HitChanged(self.current_hit, len(self.hits)))

    def show_hits(self, hits: Sequence[Span]) -> None:
        """New query hits for the open document (the query changed)."""
        self.hits = tuple(hits)
        self.current_hit = 0 if self.hits else None
        self.target = None
        self._repaint_all()
        self.post_message(self.HitChanged(self.current_hit, len(self.hits)))

    def show_mentions(self, mentions: Sequence[tuple[Mention, str]]) -> None:
        """Entity mentions for the open document (analysis caught up)."""
        self.mentions = tuple(mentions)
        self._repaint_all()

    def show_span(self, start: int, end: int) -> None:
        """Mark ``start``-``end`` (a quote, a mention) as current and scroll it into view."""
        old = self._current_span()
        self.target = (start, end)
        self.current_hit = None
        self._repaint_spans(old, self.target)
        self._reveal_current()

    @property
    def position(self) -> str:
        """What the position indicator says: "hit 3/12 · 45%"."""
        if self.document is None:
            return ""
        maximum = self.max_scroll_y
        percent = 100 if maximum <= 0 else round(100 * self.scroll_y / maximum)
        if not self.hits:
            return f"{percent}%"
        index = "–" if self.current_hit is None else str(self.current_hit + 1)
        return f"hit {index}/{len(self.hits)} · {percent}%"

    # --- actions -----------------------------------------------------------------------------

    def action_next_hit(self) -> None:
        """Move to the next query hit (wrapping round)."""
        self._step(+1)

    def action_previous_hit(self) -> None:
        """Move to the previous query hit (wrapping round)."""
        self._step(-1)

    def action_toggle_entities(self) -> None:
        """Colour entity mentions, or stop colouring them."""
        self.show_entities = not self.show_entities

    def watch_show_entities(self) -> None:
        self._repaint_all()

    # --- inside ------------------------------------------------------------------------------

    def _step(self, direction: int) -> None:
        if not self.hits:
            self.notify("No hits in this document", severity="warning", timeout=2)
            return
        old = self._current_span()
        if self.current_hit is None:
            anchor = self.target[0] if self.target else 0
            starts = [start for start, _ in self.hits]
            if direction > 0:
                index = bisect.bisect_right(starts, anchor) % len(self.hits)
            else:
                index = (bisect.bisect_left(starts, anchor) - 1) % len(self.hits)
        else:
            index = (self.current_hit + direction) % len(self.hits)
        self.current_hit = index
        self.target = None
        self._repaint_spans(old, self.hits[index])
        self._reveal_current()
        self.post_message(self.HitChanged(index, len(self.hits)))

    def _current_span(self) -> Span | None:
        if self.target is not None:
            return self.target
        if self.current_hit is not None and self.hits:
            return self.hits[self.current_hit]
        return None

    @property
    def _title_in_text(self) -> bool:
        document = self.document
        return document is not None and bool(document.title) and (
            document.text.startswith(document.title)
        )

    def _metadata(self, document: Document) -> str:
        path = Path(document.path)
        if self.root is not None:
            try:
                path = path.relative_to(self.root)
            except ValueError:
                pass
        parts = [safe_line(str(path)), f"{len(document.text.split()):,} words", document.encoding]
        parts += [
            f"{safe_line(key, METADATA_CHARS)}: {safe_line(str(value), METADATA_CHARS)}"
            for key, value in list(document.metadata.items())[:METADATA_FIELDS]
        ]
        if len(document.metadata) > METADATA_FIELDS:
            parts.append(f"{len(document.metadata) - METADATA_FIELDS:,} more fields")
        return safe_line(" · ".join(parts), METADATA_LINE)

    def _block_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def _repaint_spans(self, *spans: Span | None) -> None:
        indexes = {self._block_index(span[0]) for span in spans if span is not None}
        for index in sorted(indexes):
            if index < len(self._blocks):
                self._paint(self._blocks[index])
        self._show_position()

    def _repaint_all(self) -> None:
        for block in self._blocks:
            self._paint(block)
        self._show_position()

    def _paint(self, block: ReaderBlock) -> None:
        content = Content(block.shown_text)
        start, end, shown = block.start, block.end, block.elision.shown

        def stylize(content: Content, span: Span, component: str) -> Content:
            if span[1] <= start or span[0] >= end:
                return content
            style = self.get_visual_style(component)
            first, last = shown(max(0, span[0] - start)), shown(min(end, span[1]) - start)
            return content.stylize(style, first, last)

        if self.show_entities:
            for mention, label in self.mentions:
                if label not in NUMERIC_LABELS and mention.end > start and mention.start < end:
                    content = content.stylize(
                        mention_style(label),
                        shown(max(0, mention.start - start)),
                        shown(min(end, mention.end) - start),
                    )
        first = bisect.bisect_left(self.hits, (start, -1))
        if first > 0:
            first -= 1
        for index in range(first, len(self.hits)):
            hit = self.hits[index]
            if hit[0] >= end:
                break
            current = index == self.current_hit and self.target is None
            content = stylize(content, hit, "reader--current-hit" if current else "reader--hit")
        if self.target is not None:
            content = stylize(content, self.target, "reader--target")
        if start == 0 and self._title_in_text and self.document is not None:
            content = content.stylize_before(
                self.get_visual_style("reader--title"), 0, shown(len(self.document.title))
            )
        block.paint(content)

    def _reveal_current(self, attempts: int = 5) -> None:
        span = self._current_span()
        if span is None or not self._blocks:
            self._show_position()
            return
        block = self._blocks[self._block_index(span[0])]
        if not block.region and attempts > 0:  # mounted but not laid out yet
            self.call_after_refresh(self._reveal_current, attempts - 1)
            return
        line = block.line_of(span[0] - block.start)
        y = max(0, block.virtual_region.y + line - self.scrollable_content_region.height // 3)
        if y > self.max_scroll_y and attempts > 0:  # the scroll range lags the new layout
            self.call_after_refresh(self._reveal_current, attempts - 1)
            return
        self.scroll_to(y=y, animate=False)
        self._show_position()

    def _show_position(self) -> None:
        self.border_subtitle = self.position
