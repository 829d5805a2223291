"""The reader on its own, fed records built by hand: blocks, hits, n/N, spans, literal markup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from search.records import Document, Mention
from tui.reader import Reader, ReaderBlock, plain, split_blocks

MARKUP = (
    "Markup Notes\n\n"
    "Some text looks like markup: [bold]not bold[/] should appear exactly as typed.\n\n"
    "A link [link=x]this link[/link] and [@click=app.quit]quit[/] must stay text."
)


def make_document(text: str, doc_id: str = "doc.txt") -> Document:
    return Document(
        id=doc_id, title=text.split("\n", 1)[0], text=text, path=f"/corpus/{doc_id}",
        size=len(text), modified=None, metadata={"source": "test"},
    )  # fmt: skip


def long_text(paragraphs: int = 60) -> str:
    body = [f"Paragraph {n} talks about harbour cranes and more." for n in range(paragraphs)]
    return "Long Read\n\n" + "\n\n".join(body)


async def until(pilot: Pilot[None], condition: Callable[[], bool], pauses: int = 20) -> bool:
    """Let the app run frame by frame until ``condition()`` holds (layout takes a few)."""
    for _ in range(pauses):
        if condition():
            return True
        await pilot.pause()
    return bool(condition())


class ReaderApp(App[None]):
    """Just a reader, to test it alone."""

    def compose(self) -> ComposeResult:
        yield Reader(Path("/corpus"))


def test_split_blocks_cover_every_paragraph_and_keep_offsets() -> None:
    text = long_text(40)
    blocks = split_blocks(text, size=200)
    assert len(blocks) > 3
    joined = "".join(text[start:end] for start, end in blocks)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    assert joined.replace("\n\n", "") == "".join(paragraphs)
    for (_, end), (start, _) in zip(blocks, blocks[1:]):
        assert text[end:start].strip() == ""


def test_plain_keeps_offsets() -> None:
    text = "a\x00b\x1bc\nd\te"
    assert len(plain(text)) == len(text)
    assert plain(text) == "a b c\nd\te"


async def test_markup_in_a_document_shows_literally() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document(MARKUP), hits=[(24, 29)])
        await pilot.pause()
        shown = "\n\n".join(str(block.content) for block in app.query(ReaderBlock))
        assert "[bold]not bold[/]" in shown
        assert "[@click=app.quit]quit[/]" in shown
        assert "[link=x]this link[/link]" in shown
        await pilot.click(ReaderBlock, offset=(45, 1))  # clicking the "quit" text quits nothing
        await pilot.pause()
        assert app.is_running
        svg = app.export_screenshot()
        assert "[bold]not&#160;bold[/]" in svg


async def test_hits_and_next_previous() -> None:
    text = long_text()
    hits = [(i, i + 7) for i in range(len(text)) if text.startswith("harbour", i)]
    app = ReaderApp()
    async with app.run_test(size=(80, 20)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document(text), hits=hits)
        await pilot.pause()
        assert reader.current_hit == 0
        assert reader.position.startswith(f"hit 1/{len(hits)}")
        reader.focus()
        await pilot.press("n", "n")
        assert reader.current_hit == 2
        await pilot.press("N")
        assert reader.current_hit == 1
        await pilot.press("N", "N")
        assert reader.current_hit == len(hits) - 1  # wraps round
        assert await until(pilot, lambda: reader.scroll_y > 0)  # scrolled to the last hit
        block = next(b for b in app.query(ReaderBlock) if b.start <= hits[-1][0] < b.end)
        visible = reader.scrollable_content_region.height
        line = block.virtual_region.y + block.line_of(hits[-1][0] - block.start)
        assert reader.scroll_y <= line < reader.scroll_y + visible


async def test_show_span_marks_and_reveals_a_far_span() -> None:
    text = long_text()
    start = text.index("Paragraph 55")
    app = ReaderApp()
    async with app.run_test(size=(80, 20)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document(text))
        await pilot.pause()
        assert reader.scroll_y == 0
        reader.show_span(start, start + 12)
        assert reader.target == (start, start + 12)
        assert await until(pilot, lambda: reader.scroll_y > 0)
        assert "hit" not in reader.position  # no query hits: just the percentage
        assert reader.border_subtitle == reader.position


async def test_open_at_a_target_scrolls_there() -> None:
    text = long_text()
    start = text.index("Paragraph 50")
    app = ReaderApp()
    async with app.run_test(size=(80, 20)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document(text), target=(start, start + 12))
        assert await until(pilot, lambda: reader.scroll_y > 0)


async def test_entity_colours_toggle() -> None:
    text = "Maria Lopez spoke.\n\nLopez said more."
    mentions = [
        (Mention("doc.txt", 0, 11, "Maria Lopez"), "PERSON"),
        (Mention("doc.txt", 20, 25, "Lopez"), "PERSON"),
    ]
    app = ReaderApp()
    async with app.run_test(size=(80, 20)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document(text), mentions=mentions)
        await pilot.pause()
        coloured = len(app.query(ReaderBlock).first().content.spans)
        reader.focus()
        await pilot.press("c")
        assert not reader.show_entities
        assert len(app.query(ReaderBlock).first().content.spans) == coloured - 2


async def test_metadata_line_is_relative_to_the_corpus() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 20)) as pilot:
        reader = app.query_one(Reader)
        await reader.show_document(make_document("Title\n\nBody text here."))
        await pilot.pause()
        meta = str(app.query_one("#reader-meta").content)
        assert meta.startswith("doc.txt · ")
        assert "source: test" in meta
