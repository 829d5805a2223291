"""The results list on its own, fed a long listing built here: it builds only the entries near
the view, yet every one stays reachable with the keys and the mouse."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message

from search.records import DocumentInfo, Hit, SearchResult
from tui.results import ResultList

COUNT = 5_000


def listing(count: int = COUNT) -> list[DocumentInfo]:
    """``count`` documents in title order; words count down so the "words" order reverses it."""
    return [
        DocumentInfo(id=f"doc{i:05}.txt", title=f"Title {i:05}", words=count - i, size=100,
                     modified=1_700_000_000.0)
        for i in range(count)
    ]  # fmt: skip


def row_of_cursor(results: ResultList) -> int:
    """The first row of the screen that shows the highlighted entry."""
    region = results.content_region
    for y in range(region.y, region.bottom):
        if results.screen.get_style_at(region.x, y).meta.get("option") == results.highlighted:
            return y
    raise AssertionError("the highlighted entry is not in view")


class ListApp(App[None]):
    """A results list alone, as tall as the screen, remembering what it posts."""

    CSS = "ResultList { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ResultList()

    @on(ResultList.SortChanged)
    @on(ResultList.Opened)
    def _record(self, event: Message) -> None:
        self.posted.append(event)


async def test_a_long_listing_builds_only_what_is_near_the_view() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        results = app.query_one(ResultList)
        results.show_documents(listing(), "title")
        results.focus()
        await pilot.pause()
        assert results.document_ids[-1] == "doc04999.txt"
        assert results.option_count < 100
        assert results.highlighted_id == "doc00000.txt"


async def test_end_reaches_the_last_document_and_home_the_first() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        results = app.query_one(ResultList)
        results.show_documents(listing(), "title")
        results.focus()
        await pilot.press("end")
        assert results.highlighted_id == "doc04999.txt"
        assert results.highlighted_entry == COUNT - 1
        await pilot.press("enter")
        await pilot.pause()
        assert [m.document for m in app.posted if isinstance(m, ResultList.Opened)] == [
            "doc04999.txt"
        ]
        await pilot.press("home")
        assert results.highlighted_id == "doc00000.txt"


async def test_the_keys_walk_through_every_document_both_ways() -> None:
    documents = listing(100)
    app = ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        results = app.query_one(ResultList)
        results.show_documents(documents, "title")
        results.focus()
        await pilot.pause()
        seen = [results.highlighted_id]
        for _ in range(30):
            await pilot.press("down")
            seen.append(results.highlighted_id)
        assert seen == [info.id for info in documents[:31]]
        await pilot.press("end")
        climbed = [results.highlighted_id]
        rows = [row_of_cursor(results)]
        for _ in range(30):
            await pilot.press("up")  # up from the end: built afresh as the cursor climbs
            climbed.append(results.highlighted_id)
            rows.append(row_of_cursor(results))
        assert climbed == [info.id for info in documents[-31:]][::-1]
        assert rows == sorted(rows, reverse=True)  # the view never jumps back down
        pages = 0
        while results.highlighted_entry and pages < 50:
            await pilot.press("pageup")
            pages += 1
        assert results.highlighted_id == "doc00000.txt"
        while results.highlighted_entry != len(documents) - 1 and pages < 100:
            await pilot.press("pagedown")
            pages += 1
        assert results.highlighted_id == "doc00099.txt"


async def test_scrolling_the_view_builds_what_comes_into_it() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        results = app.query_one(ResultList)
        results.show_documents(listing(), "title")
        await pilot.pause()
        built = [results.option_count]
        for _ in range(3):  # as the wheel or the scrollbar would, to the end of what is built
            results.scroll_end(animate=False, immediate=True)
            await pilot.pause()
            built.append(results.option_count)
        assert built == sorted(set(built))  # it grew each time
        assert results.highlighted_id == "doc00000.txt"  # scrolling leaves the cursor alone


async def test_sorting_keeps_the_cursor_on_its_document() -> None:
    documents = listing()
    app = ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        results = app.query_one(ResultList)
        results.show_documents(documents, "title")
        results.focus()
        await pilot.pause()
        for _ in range(5):
            await pilot.press("pagedown")
        chosen = results.highlighted_id
        await pilot.press("o")
        await pilot.pause()
        assert [m.sort for m in app.posted if isinstance(m, ResultList.SortChanged)] == ["words"]
        by_words = sorted(documents, key=lambda d: d.words)
        results.show_documents(by_words, "words")  # as the app answers SortChanged
        await pilot.pause()
        assert results.sort == "words"
        assert results.highlighted_id == chosen
        assert results.document_ids[0] == "doc04999.txt"
        await pilot.press("end")
        assert results.highlighted_id == "doc00000.txt"


async def test_hits_build_lazily_too_and_the_same_hits_are_not_rebuilt() -> None:
    hits = tuple(
        Hit(document=f"doc{i:02}.txt", title=f"Hit {i}", score=50.0 - i,
            snippet="the harbour strike " * 8, highlights=((4, 11),))
        for i in range(50)
    )  # fmt: skip
    result = SearchResult(query="harbour", hits=hits, total=50, elapsed=0.01)
    app = ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        results = app.query_one(ResultList)
        results.show_hits(result)
        results.focus()
        await pilot.pause()
        assert results.option_count < 50
        first = results.get_option_at_index(0)
        results.show_hits(SearchResult("harbour ", hits, 50, 0.01))
        assert results.get_option_at_index(0) is first  # the same answer: nothing rebuilt
        await pilot.press("end")
        assert results.highlighted_id == "doc49.txt"
        assert results.document_ids == [hit.document for hit in hits]
