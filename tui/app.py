"""The explorer app: the Library and the user's config in, one explorer screen, help and quit.

The app receives its ``Library`` in the constructor (tests hand it one on a temporary index),
applies the user's keymap and theme, and shows ``ExplorerScreen``, which composes the panes and
routes the data. Help is generated from the live bindings; the palette adds docscope's own
commands to Textual's.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.notifications import SeverityLevel
from textual.binding import Binding, BindingType
from textual.screen import Screen

from search import Library
from search.records import DocumentInfo
from tui.commands import DocscopeCommands
from tui.config import Config, config_path
from tui.explorer import PANES_DELAY, ExplorerScreen
from tui.help_screen import HelpScreen, active_sections, pane_sections
from tui.safe_content import safe_line, safe_message
from tui.workers import JobRunner


class DocscopeApp(App[None]):
    """Search a corpus as you type, read documents with hits marked, explore who and what."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    """The one stylesheet (absolute, so subclasses defined elsewhere find it too)."""
    TITLE = "docscope"
    """The terminal title."""
    COMMANDS = App.COMMANDS | {DocscopeCommands}
    """Textual's built-in commands (theme, keys, quit) plus docscope's own."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help",
                tooltip="Every key, generated from the live bindings"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave docscope"),
    ]  # fmt: skip
    """Keys everywhere (``?`` and ``q`` give way to the search box, where they are typed)."""

    def __init__(
        self,
        library: Library,
        config: Config | None = None,
        *,
        debounce: float = 0.0,
        panes_delay: float = PANES_DELAY,
        listing: Sequence[DocumentInfo] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        """The corpus and its index."""
        self.listing = listing
        """Every document by title, read before start-up (None: a worker reads it at mount)."""
        self.config = config or Config()
        """The user's keymap, theme and model."""
        self.debounce = debounce
        """Seconds of quiet typing before a search (0: search on every key; see ``SearchBox``)."""
        self.panes_delay = panes_delay
        """Seconds the results must settle before the side panes follow them (tests use 0)."""
        self.cancel = threading.Event()
        """Set on exit: indexing and analysis stop at their next check."""
        self.sub_title = safe_line(library.corpus.name)

    def get_default_screen(self) -> Screen[None]:
        return self.explorer

    @cached_property
    def explorer(self) -> ExplorerScreen:
        """The explorer screen (the bottom of the screen stack, kept after exit)."""
        screen = ExplorerScreen(
            self.library, self.cancel, self.debounce, self.panes_delay, listing=self.listing
        )
        screen.fit_width(self.size.width)
        return screen

    @property
    def jobs(self) -> JobRunner:
        """The explorer's background jobs (after exit, ``close`` waits for those writing)."""
        return self.explorer.jobs

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        elif self.config.theme:
            self.notify(f"Unknown theme {self.config.theme!r}", severity="warning", markup=False)
        for problem in self.config.problems:
            self.notify(problem, title="config.toml", severity="warning", markup=False)
        if self.library.notice:  # e.g. "the index was damaged and is being rebuilt"
            self.notify(self.library.notice, title="Index", severity="warning", markup=False)
        self._handle_sigterm(install=True)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast passes here (a widget's ``notify`` calls the app's): its text often holds a
        name, a path or an error's words, so it is bounded and its control characters shown as
        symbols before Textual writes it."""
        super().notify(
            safe_message(message), title=safe_line(title), severity=severity, timeout=timeout,
            markup=markup,
        )  # fmt: skip

    def on_unmount(self) -> None:
        self.cancel.set()
        self._handle_sigterm(install=False)

    def _handle_sigterm(self, install: bool) -> None:
        """Leave on ``SIGTERM`` as on ``q``: Textual does not, and a process killed outright
        leaves the terminal in the alternate screen with the mouse captured, and its analysis
        workers' semaphores to the resource tracker's complaints."""
        try:
            loop = asyncio.get_running_loop()
            if install:
                loop.add_signal_handler(signal.SIGTERM, self._terminated)
            else:
                loop.remove_signal_handler(signal.SIGTERM)
        except (NotImplementedError, RuntimeError, ValueError):  # no such signals, not main thread
            pass

    def _terminated(self) -> None:
        self.cancel.set()
        self.exit(return_code=128 + signal.SIGTERM)

    def action_help(self) -> None:
        """Show every key, generated from the live bindings."""
        here = active_sections(self.screen)
        titles = {section.title for section in here}
        elsewhere = pane_sections(self, self.explorer.panes, self.config.keymap, titles)
        note = f"Remap keys by id in the [keymap] table of {config_path()}"
        self.push_screen(HelpScreen(here, elsewhere, note))

    async def action_quit(self) -> None:
        """Stop background work and leave."""
        self.cancel.set()
        await super().action_quit()
