"""The app's own commands for the command palette, added beside Textual's built-in ones.

"Open: <title>" for each document, "Filter: <entity>" for the most mentioned entities and
"Index: rebuild". The provider reads what the explorer already holds (``catalog``,
``top_entities``) so opening the palette costs no search. Titles and names are document data:
their prompts are built as ``Content``, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape
from textual.style import Style

from search.records import DocumentInfo, Entity
from tui.safe_content import safe_line

MATCH_STYLE = Style(bold=True, underline=True)
"""How the letters the user typed are marked in a command."""
NAME_CHARS = 200
"""The most of a title or name a command shows and fuzzily matches: matching a 1 MB title on
every keystroke would freeze the palette."""


class CommandTarget(Protocol):
    """What the provider needs from the explorer screen."""

    catalog: Sequence[DocumentInfo]
    """Every indexed document."""
    top_entities: Sequence[Entity]
    """The corpus's most mentioned entities."""

    def open_document(self, doc_id: str) -> None: ...
    def filter_by_entity(self, entity: Entity) -> None: ...
    def rebuild_index(self) -> None: ...


def _prompt(category: str, name: str, positions: Sequence[int] = ()) -> Content:
    """"Category: name" with the matched letters of the whole string marked."""
    content = Content(f"{category}: {name}")
    for position in positions:
        content = content.stylize(MATCH_STYLE, position, position + 1)
    return content


class DocscopeCommands(Provider):
    """Open a document, filter by an entity, rebuild the index."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None], str]]:
        """(category, name, callback, help) for every command, in discovery order."""
        target = cast(CommandTarget, getattr(self.app, "explorer", self.screen))
        rebuild = "Index new and changed documents, then analyse them"
        commands: list[tuple[str, str, Callable[[], None], str]] = [
            ("Index", "rebuild", target.rebuild_index, rebuild)
        ]
        for entity in target.top_entities:
            label, documents = entity.label.lower(), len(entity.documents)
            help_text = (
                f"{label} · {entity.count:,} mention{'s' * (entity.count != 1)}"
                f" in {documents:,} document{'s' * (documents != 1)}"
            )
            name = safe_line(entity.name, NAME_CHARS)
            commands.append(("Filter", name, partial(target.filter_by_entity, entity), help_text))
        for info in target.catalog:
            name = safe_line(info.title or info.id, NAME_CHARS)
            commands.append(
                ("Open", name, partial(target.open_document, info.id), safe_line(info.id))
            )
        return commands

    async def discover(self) -> Hits:
        """Shown before anything is typed: the index command and the top entities."""
        for category, name, command, help_text in self._commands()[:12]:
            yield DiscoveryHit(
                _prompt(category, name), command, text=f"{category}: {name}", help=_help(help_text)
            )

    async def search(self, query: str) -> Hits:
        """Every command whose "Category: name" fuzzily matches ``query``."""
        matcher = self.matcher(query)
        for category, name, command, help_text in self._commands():
            text = f"{category}: {name}"
            score, positions = matcher.fuzzy_search.match(query, text)
            if score > 0:
                yield Hit(
                    score, _prompt(category, name, positions), command, text=text,
                    help=_help(help_text),
                )  # fmt: skip


def _help(text: str) -> str:
    """Help lines are parsed as markup by the palette: escape the data in them."""
    return escape(text)
