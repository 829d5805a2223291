"""The keypress harness's floor: a bare Textual app with one Input and a Label, each keypress
timed as `benchmarks/ui.py` times docscope's (press, then `pilot.pause()`), on the same typed
queries. Run `python -m benchmarks.pilot_floor`; its figure is quoted at the end of
docs/benchmarks.md. Not part of the test suite."""
import asyncio, time, statistics
from textual.app import App
from textual.widgets import Input, Label
class Bare(App):
    def compose(self):
        yield Input(id="q"); yield Label("", id="out")
    def on_input_changed(self, event):
        self.query_one("#out", Label).update(event.value)
async def main():
    times = []
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for query in ["government", "oil prices", "prime minister", "tax", "title election"]:
            for ch in query:
                t = time.perf_counter()
                await pilot.press("space" if ch == " " else ch)
                await pilot.pause()
                times.append(time.perf_counter() - t)
            await pilot.press("ctrl+a", "ctrl+k"); await pilot.pause(0.1)
    times.sort()
    print(f"n={len(times)} median {statistics.median(times)*1000:.0f} ms p95 {times[int(round(0.95*len(times)))-1]*1000:.0f} ms")
asyncio.run(main())
