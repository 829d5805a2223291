"""The app's own commands for the command palette, added beside Textual's built-in ones.

"Open: <title>" for each document, "Filter: <entity>" for the most mentioned entities,
"Index: rebuild", and the corrections of the entity or quote under the panes' cursors
("Entities: merge into…", "Quotes: change speaker…", "Corrections: undo the last"). The provider reads what the explorer already holds (``catalog``,
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
from textual.widget import Widget

from search.records import DocumentInfo, Entity
from tui.panes.entities import EntitiesPane
from tui.panes.quotes import QuotesPane
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

    @property
    def panes(self) -> Sequence[Widget]:
        """The explorer's panes (the corrections act on what is under their cursors)."""
        ...

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
        commands += _corrections(target.panes)
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


def _corrections(panes: Sequence[Widget]) -> list[tuple[str, str, Callable[[], None], str]]:
    """The corrections, each acting on the entity or quote under its pane's cursor."""
    commands: list[tuple[str, str, Callable[[], None], str]] = []
    for pane in panes:
        if isinstance(pane, EntitiesPane):
            entity = pane.current
            which = (
                f"‘{safe_line(entity.name, NAME_CHARS)}’ ({entity.label.lower()})"
                if entity is not None
                else "the entity under the cursor in the Entities pane"
            )
            commands += [
                ("Entities", "merge into…", pane.action_merge, f"Merge {which} into another"),
                ("Entities", "rename…", pane.action_rename, f"Give {which} another name"),
                ("Entities", "relabel…", pane.action_relabel, f"Give {which} another label"),
                ("Entities", "hide as junk", pane.action_hide, f"Hide {which} everywhere"),
                ("Corrections", "undo the last", pane.action_undo,
                 "Take back the last correction of an entity or a quote"),
            ]  # fmt: skip
        elif isinstance(pane, QuotesPane):
            quote = pane.current
            which = (
                f"“{safe_line(quote.text, 40)}”" if quote is not None
                else "the quote under the cursor in the Quotes pane"
            )  # fmt: skip
            commands += [
                ("Quotes", "change speaker…", pane.action_change_speaker, f"Say who said {which}"),
                ("Quotes", "clear speaker", pane.action_clear_speaker,
                 f"Say the text does not tell who said {which}"),
            ]  # fmt: skip
    return commands


def _help(text: str) -> str:
    """Help lines are parsed as markup by the palette: escape the data in them."""
    return escape(text)
