"""Fixtures for the explorer's tests: a tiny fixed corpus indexed once, apps that record messages.

The corpus is copied to a temporary folder with fixed modification times, indexed and analysed
once per session into a temporary index folder; every app gets a ``Library`` on that copy, so
no test touches the user's cache or config (the top-level conftest points those at temporary
folders too).
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest
from textual.message import Message

from search import Library
from search.records import SearchResult
from tui.app import DocscopeApp
from tui.config import Config

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_corpus"
FIXED_MTIME = 1_700_000_000 + 12 * 3600  # 2023-11-15, near noon UTC: the same date everywhere


def copy_corpus(target: Path) -> Path:
    """A copy of the tiny corpus with fixed modification times."""
    shutil.copytree(TINY, target)
    for path in sorted(target.iterdir()):
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return target


M = TypeVar("M", bound=Message)


class RecordingApp(DocscopeApp):
    """The app, remembering every message posted to it (by workers or bubbling from panes)."""

    def __init__(
        self, library: Library, config: Config, debounce: float = 0, panes_delay: float = 0
    ) -> None:
        super().__init__(library, config=config, debounce=debounce, panes_delay=panes_delay)
        self.posted: list[Message] = []
        """Every message posted to the app, oldest first."""

    def post_message(self, message: Message) -> bool:
        self.posted.append(message)
        return super().post_message(message)

    def messages(self, kind: type[M]) -> list[M]:
        """The messages of one kind posted so far, oldest first."""
        return [message for message in self.posted if isinstance(message, kind)]


class FrozenLibrary(Library):
    """A Library whose searches report a fixed time, so snapshots do not change between runs."""

    def search(
        self, query: str, limit: int = 20, stale: Callable[[], bool] | None = None
    ) -> SearchResult:
        return replace(super().search(query, limit, stale), elapsed=0.0021)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index_dir): the tiny corpus indexed and analysed once for the session."""
    base = tmp_path_factory.mktemp("tiny")
    corpus = copy_corpus(base / "tiny_corpus")
    index_dir = base / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(base / "cache"))
        patch.setenv("DOCSCOPE_CONFIG_DIR", str(base / "config"))
        library = Library.open(corpus, index_dir)
        library.refresh()
        library.analyse()
    return corpus, index_dir


@pytest.fixture
def library(built_index: tuple[Path, Path]) -> Library:
    """A Library on the session's indexed tiny corpus (searches report a fixed time)."""
    corpus, index_dir = built_index
    return FrozenLibrary.open(corpus, index_dir)


@pytest.fixture
def app(library: Library) -> Iterator[RecordingApp]:
    """The explorer on the tiny corpus: default config, no search debounce."""
    yield RecordingApp(library, config=Config(), debounce=0)


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    """The environment for the program: a real TERM, private config and cache folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        DOCSCOPE_CONFIG_DIR=str(tmp_path / "config" / "docscope"),
    )
    return env


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """The explorer freezes the heap it starts with (``gc.freeze``); unfreeze it after each
    test, so that one test's garbage is not kept for the rest of the session."""
    yield
    gc.unfreeze()
