"""The entities pane: names found in a scope, grouped by label, with counts.

The app chooses what to show: it calls ``show_entities`` with the entities of one scope (this
document, the current results, the whole corpus). The pane only says when the user wants another
scope (``ScopeChanged``), an entity's documents (``Selected``) or its mentions
(``MentionsRequested``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from search.records import Entity
from tui.panes.base import Pane, PaneMessage
from tui.panes.charts import LABEL_STYLES, label_style
from tui.safe_content import safe_line

__all__ = ["LABEL_STYLES", "SCOPES", "EntitiesPane", "group_entities"]

SCOPES: tuple[str, ...] = ("document", "results", "corpus")
"""The scopes the pane cycles through, in order."""

SCOPE_PHRASES: dict[str, str] = {
    "document": "this document",
    "results": "the current results",
    "corpus": "the whole corpus",
}
"""How each scope reads inside a sentence."""

EMPTY_SCOPE_MESSAGES: dict[str, str] = {
    "document": "No document open: Enter on a result opens one, o shows another scope.",
    "results": "No results to take names from: o shows another scope.",
}
"""What the pane says when its scope holds no documents."""

LABEL_ORDER: tuple[str, ...] = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip
"""Groups in this order (names before numbers); unknown labels follow alphabetically."""

LABEL_MEANINGS: dict[str, str] = {
    "PERSON": "people",
    "ORG": "organisations",
    "GPE": "countries, cities, states",
    "LOC": "places that are not countries or cities",
    "NORP": "nationalities, religious and political groups",
    "FAC": "buildings, airports, roads, bridges",
    "EVENT": "named events",
    "PRODUCT": "products",
    "WORK_OF_ART": "titles of works",
    "LAW": "named laws and treaties",
    "LANGUAGE": "languages",
    "DATE": "dates and periods",
    "TIME": "times of day",
    "MONEY": "sums of money",
    "PERCENT": "percentages",
    "QUANTITY": "measurements",
    "ORDINAL": "ordinals",
    "CARDINAL": "other numbers",
}
"""What each spaCy label means, shown in the detail line under a group."""

EntityKey = tuple[str, str]
"""(label, name): what identifies an entity across refreshes of the tree."""


def group_entities(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
    """Entities by label, groups in ``LABEL_ORDER``; most mentioned first inside a group."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(entity.label, []).append(entity)
    rank = {label: index for index, label in enumerate(LABEL_ORDER)}
    ordered = sorted(groups, key=lambda label: (rank.get(label, len(rank)), label))
    return [
        (label, sorted(groups[label], key=lambda e: (-e.count, e.name.casefold())))
        for label in ordered
    ]


class EntitiesPane(Pane):
    """Entities of one scope in a tree: a node per label ("PERSON (12)"), a leaf per entity."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o", "cycle_scope", "Scope", id="entities.scope",
            tooltip="Show entities of this document, the current results or the whole corpus",
        ),
        Binding(
            "m", "mentions", "Mentions", id="entities.mentions",
            tooltip="Step the reader through the mentions of this entity",
        ),
    ]
    """o cycles the scope; m asks for the mentions; Enter (the tree's) selects."""

    DEFAULT_CSS = """
    EntitiesPane {
        & > .entities-pane--scope-current {
            color: $foreground;
            background: $accent 40%;
            text-style: bold;
        }
        & > .entities-pane--scope {
            color: $foreground 60%;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entities-pane--scope",
        "entities-pane--scope-current",
    }
    """The scope names in the header: the current one, and the others."""

    class Selected(PaneMessage):
        """Enter on an entity: show the documents that mention it."""

        def __init__(self, pane: EntitiesPane, entity: Entity) -> None:
            super().__init__(pane)
            self.entity = entity
            """The entity under the cursor."""

    class MentionsRequested(PaneMessage):
        """``m`` on an entity: step the reader through its mentions."""

        def __init__(self, pane: EntitiesPane, entity: Entity) -> None:
            super().__init__(pane)
            self.entity = entity
            """The entity under the cursor."""

    class ScopeChanged(PaneMessage):
        """The user asked for another scope; answer with ``show_entities``."""

        def __init__(self, pane: EntitiesPane, scope: str) -> None:
            super().__init__(pane)
            self.scope = scope
            """One of ``SCOPES``."""

    def __init__(
        self,
        scope: str = "document",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._scope = scope if scope in SCOPES else SCOPES[0]
        self._entities: list[Entity] = []
        self._totals: dict[str, int] = {}
        self._analysing = False
        self._scope_empty = False
        self._state = "waiting"

    @property
    def scope(self) -> str:
        """The scope shown (or being fetched): one of ``SCOPES``."""
        return self._scope

    @property
    def entities(self) -> Sequence[Entity]:
        """The entities shown, as last given to ``show_entities``."""
        return tuple(self._entities)

    def compose(self) -> ComposeResult:
        yield Static(classes="pane--header", markup=False)
        yield Static(classes="pane--empty", markup=False)
        tree: Tree[Entity | str] = Tree("entities", id="entities-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield Static(classes="pane--detail", markup=False)

    def on_mount(self) -> None:
        self._refresh_view()

    @property
    def navigable(self) -> Tree[Entity | str]:
        tree: Tree[Entity | str] = self.query_one(Tree)
        return tree

    # --- attributes down ---------------------------------------------------------------------

    def show_entities(
        self,
        entities: Sequence[Entity],
        scope: str,
        *,
        totals: Mapping[str, int] | None = None,
        analysing: bool = False,
        scope_empty: bool = False,
    ) -> None:
        """Show ``entities`` of ``scope``.

        ``totals`` says how many entities each label has in the scope, when ``entities`` are
        only the most mentioned of each (None: they are all). ``analysing`` says analysis is
        still running; ``scope_empty`` that the scope holds no documents (none open, no
        results), so there is nothing to look for yet.
        """
        self._entities = list(entities)
        self._totals = dict(Counter(entity.label for entity in self._entities))
        self._totals.update(totals or {})
        self._scope = scope if scope in SCOPES else self._scope
        self._analysing = analysing
        self._scope_empty = scope_empty
        self._state = "shown"
        if self.is_mounted:
            self._refresh_view()

    # --- view --------------------------------------------------------------------------------

    def _refresh_view(self) -> None:
        self.query_one(".pane--header", Static).update(self._header())
        empty = self.query_one(".pane--empty", Static)
        tree: Tree[Entity | str] = self.query_one(Tree)
        detail = self.query_one(".pane--detail", Static)
        has_entities = self._state == "shown" and bool(self._entities)
        # The tree stays on screen even when empty, so that it keeps the focus while the next
        # scope loads; the message above it says why it is empty.
        empty.display = not has_entities
        detail.display = has_entities
        if has_entities:
            self._fill_tree(tree)
        else:
            tree.clear()
            empty.update(self._empty_message())

    def _header(self) -> Content:
        parts: list[Content | str] = []
        for scope in SCOPES:
            current = scope == self._scope
            style = ".entities-pane--scope-current" if current else ".entities-pane--scope"
            parts.append(Content.styled(f" {scope} ", style))
        line = Content(" ").join(parts)
        if self._state == "shown" and self._entities:
            names, groups = sum(self._totals.values()), len(self._totals)
            summary = f"{names:,} name{'s' * (names != 1)} in {groups} label{'s' * (groups != 1)}"
            if names > len(self._entities):
                summary += f", the {len(self._entities):,} most mentioned listed"
            if self._analysing:
                summary += " · analysis running"
            line = Content.assemble(line, "\n", (summary, "dim"))
        return line

    def _empty_message(self) -> str:
        where = SCOPE_PHRASES[self._scope]
        if self._state == "waiting":
            return "No entities yet."
        if self._state == "loading":
            return f"Finding the entities in {where}…"
        if self._scope_empty:
            return EMPTY_SCOPE_MESSAGES.get(self._scope, f"Nothing in {where}.")
        if self._analysing:
            return "No entities yet: analysis is running."
        return f"No entities found in {where}."

    def _fill_tree(self, tree: Tree[Entity | str]) -> None:
        keep = self._key(tree.cursor_node)
        tree.clear()
        cursor = 1
        line = 0
        for label, members in group_entities(self._entities):
            total = self._totals[label]
            count = f"{len(members):,} of {total:,}" if total > len(members) else f"{total:,}"
            node = tree.root.add(
                Text.assemble((label, label_style(label)), (f" ({count})", "dim")),
                data=label,
                expand=True,
            )
            if keep == label:
                cursor = line
            line += 1
            for entity in members:
                node.add_leaf(
                    Text.assemble(safe_line(entity.name), (f"  ×{entity.count:,}", "dim")),
                    data=entity,
                )
                if keep == (entity.label, entity.name):
                    cursor = line
                line += 1
        tree.cursor_line = cursor
        self._describe(tree.cursor_node)

    @staticmethod
    def _key(node: TreeNode[Entity | str] | None) -> EntityKey | str | None:
        """What to look for to put the cursor back after the tree is rebuilt."""
        if node is None or node.data is None:
            return None
        if isinstance(node.data, Entity):
            return (node.data.label, node.data.name)
        return node.data

    def _describe(self, node: TreeNode[Entity | str] | None) -> None:
        detail = self.query_one(".pane--detail", Static)
        data = None if node is None else node.data
        if isinstance(data, str):
            detail.update(self._describe_label(data))
        elif isinstance(data, Entity):
            detail.update(self._describe_entity(data))
        else:
            detail.update("")

    def _describe_label(self, label: str) -> Content:
        members = [entity for entity in self._entities if entity.label == label]
        mentions = sum(entity.count for entity in members)
        total = self._totals[label]
        facts = f"{total:,} names, {mentions:,} mentions"
        if total > len(members):
            facts = f"{total:,} names; the {len(members):,} most mentioned, {mentions:,} mentions"
        meaning = LABEL_MEANINGS.get(label)
        return Content.assemble(
            (label, label_style(label)),
            f" · {meaning}" if meaning else "",
            "\n",
            (facts, "dim"),
        )

    @staticmethod
    def _describe_entity(entity: Entity) -> Content:
        documents = len(entity.documents)
        facts = (
            f"{entity.count:,} mention{'s' * (entity.count != 1)}"
            f" in {documents:,} document{'s' * (documents != 1)}"
        )
        parts: list[str | tuple[str, str]] = [
            (entity.label, label_style(entity.label)),
            " ",
            (facts, "dim"),
        ]
        aliases = [alias for alias in entity.aliases if alias != entity.name]
        if aliases:
            parts += ["\n", ("also: ", "dim"), safe_line(", ".join(aliases))]
        return Content.assemble(*parts)

    # --- messages up -------------------------------------------------------------------------

    def _current_entity(self) -> Entity | None:
        node = self.navigable.cursor_node
        data = None if node is None else node.data
        return data if isinstance(data, Entity) else None

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Entity | str]) -> None:
        event.stop()
        if isinstance(event.node.data, Entity):
            self.post_message(self.Selected(self, event.node.data))

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Entity | str]) -> None:
        event.stop()
        self._describe(event.node)

    def action_mentions(self) -> None:
        """Ask the app to step the reader through the mentions of the entity under the cursor."""
        entity = self._current_entity()
        if entity is None:
            self.app.bell()
            return
        self.post_message(self.MentionsRequested(self, entity))

    def action_cycle_scope(self) -> None:
        """Move to the next scope, show that it is loading, and ask the app for its entities."""
        self._scope = SCOPES[(SCOPES.index(self._scope) + 1) % len(SCOPES)]
        self._state = "loading"
        self._refresh_view()
        self.post_message(self.ScopeChanged(self, self._scope))
