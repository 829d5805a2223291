"""The entities pane: names found in a scope, grouped by label, with counts.

The app chooses what to show: it calls ``show_entities`` with the entities of one scope (this
document, the current results, the whole corpus). The pane only says when the user wants another
scope (``ScopeChanged``), an entity's documents (``Selected``), its mentions
(``MentionsRequested``) or to correct it (``CorrectionRequested``).

The names are a model's guesses: an entity whose mentions disagree on its label is marked
``DISPUTED_MARK``, one the user corrected ``CURATED_MARK``; the detail line says why.
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

from search.records import ENTITY_LABELS, CurationAction, Entity
from tui.corrections import ChoicePrompt
from tui.panes.base import CURATED_MARK, GUESS_NOTE, AnalysisPane, PaneMessage
from tui.panes.charts import LABEL_STYLES, label_style
from tui.safe_content import safe_line

__all__ = [
    "CURATED_MARK",
    "DISPUTED_MARK",
    "LABEL_STYLES",
    "SCOPES",
    "EntitiesPane",
    "group_entities",
]

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

DISPUTED_MARK = "?"
"""After the name of an entity whose mentions' label votes disagree: its label is a guess."""
MARK_STYLE = "bold #d4a72c"
"""The marks' Rich style: a mid-tone amber that reads on dark and light themes alike."""

CORRECTIONS: tuple[tuple[CurationAction, str], ...] = (
    (CurationAction.MERGE, "Merge into another entity…  g"),
    (CurationAction.RENAME, "Rename…  r"),
    (CurationAction.RELABEL, "Relabel…  l"),
    (CurationAction.HIDE, "Hide as junk  x"),
)
"""The corrections ``c`` offers, with the key that makes each directly."""

EntityKey = tuple[str, str]
"""(label, name): what identifies an entity across refreshes of the tree."""


def group_entities(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
    """Entities by label, groups in ``ENTITY_LABELS``'s order (unknown labels after them,
    alphabetically); most mentioned first inside a group."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(entity.label, []).append(entity)
    rank = {label: index for index, label in enumerate(ENTITY_LABELS)}
    ordered = sorted(groups, key=lambda label: (rank.get(label, len(rank)), label))
    return [
        (label, sorted(groups[label], key=lambda e: (-e.count, e.name.casefold())))
        for label in ordered
    ]


class EntitiesPane(AnalysisPane):
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
        Binding(
            "c", "correct", "Correct", id="entities.correct",
            tooltip="Correct this entity: merge, rename, relabel or hide it",
        ),
        Binding(
            "g", "merge", "Merge into…", show=False, id="entities.merge",
            tooltip="Merge this entity into another one (the same person under another name)",
        ),
        Binding(
            "r", "rename", "Rename…", show=False, id="entities.rename",
            tooltip="Give this entity another name",
        ),
        Binding(
            "l", "relabel", "Relabel…", show=False, id="entities.relabel",
            tooltip="Say what this entity is: a person, an organisation, a place…",
        ),
        Binding(
            "x", "hide", "Hide as junk", show=False, id="entities.hide",
            tooltip="Hide this entity everywhere: it is not a name",
        ),
    ]
    """o cycles the scope; m asks for the mentions; c (or g, r, l, x) corrects; Enter (the
    tree's) selects."""

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

    class CorrectionRequested(PaneMessage):
        """A correction of an entity asked for: the app prompts for what it needs, and makes it."""

        def __init__(self, pane: EntitiesPane, entity: Entity, action: CurationAction) -> None:
            super().__init__(pane)
            self.entity = entity
            """The entity under the cursor."""
            self.action = action
            """Merge, rename, relabel or hide."""

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

    def _refresh_notes(self) -> None:
        self.query_one(".pane--header", Static).update(self._header())
        self.query_one(".pane--empty", Static).update(self._empty_message())

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
            progress = self.progress_note()
            if progress:
                summary += f" · {progress}"
            line = Content.assemble(line, "\n", (summary, "dim"), "\n", (GUESS_NOTE, "dim italic"))
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
            return f"No entities yet: {self.progress_note()}."
        return f"No entities found in {where}."

    def _fill_tree(self, tree: Tree[Entity | str]) -> None:
        keep = self._key(tree.cursor_node)
        kept_line = tree.cursor_line
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
                node.add_leaf(self._leaf(entity), data=entity)
                if keep == (entity.label, entity.name):
                    cursor = line
                line += 1
        if keep is not None and cursor == 1 and kept_line != 1:
            # What was under the cursor has gone (merged, hidden, relabelled): stay put rather
            # than jump to the top.
            cursor = max(0, min(kept_line, line - 1))
        tree.cursor_line = cursor
        self._describe(tree.cursor_node)

    @staticmethod
    def _leaf(entity: Entity) -> Text:
        """The name, its marks (disputed, corrected) and its mentions."""
        return Text.assemble(
            safe_line(entity.name),
            (f" {DISPUTED_MARK}", MARK_STYLE) if entity.disputed else "",
            (f" {CURATED_MARK}", MARK_STYLE) if entity.curated else "",
            (f"  ×{entity.count:,}", "dim"),
        )

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
        if entity.curated:
            parts += [" · ", (f"{CURATED_MARK} corrected by you", "bold")]
        if entity.disputed:
            votes = ", ".join(f"{label} {count:,}" for label, count in entity.votes)
            parts += ["\n", (f"{DISPUTED_MARK} label disputed", "bold"),
                      (f": mentions say {votes}" if votes else "", "dim")]  # fmt: skip
        aliases = [alias for alias in entity.aliases if alias != entity.name]
        if aliases:
            parts += ["\n", ("also: ", "dim"), safe_line(", ".join(aliases))]
        return Content.assemble(*parts)

    # --- messages up -------------------------------------------------------------------------

    @property
    def current(self) -> Entity | None:
        """The entity under the cursor (None on a label, or with nothing shown)."""
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
        entity = self.current
        if entity is None:
            self.app.bell()
            return
        self.post_message(self.MentionsRequested(self, entity))

    def _request(self, action: CurationAction) -> None:
        entity = self.current
        if entity is None:
            self.notify("Put the cursor on an entity first (e shows them)", timeout=3)
            return
        self.post_message(self.CorrectionRequested(self, entity, action))

    def action_correct(self) -> None:
        """Offer the corrections of the entity under the cursor, then ask for the one chosen."""
        entity = self.current
        if entity is None:
            self._request(CurationAction.MERGE)  # says why nothing happens
            return
        choices = [(action.value, Content(words)) for action, words in CORRECTIONS]

        def chosen(value: str | None) -> None:
            if value is not None:
                self.post_message(self.CorrectionRequested(self, entity, CurationAction(value)))

        self.app.push_screen(ChoicePrompt(f"Correct ‘{entity.name}’", choices), chosen)

    def action_merge(self) -> None:
        """Ask to merge the entity under the cursor into another."""
        self._request(CurationAction.MERGE)

    def action_rename(self) -> None:
        """Ask to rename the entity under the cursor."""
        self._request(CurationAction.RENAME)

    def action_relabel(self) -> None:
        """Ask to give the entity under the cursor another label."""
        self._request(CurationAction.RELABEL)

    def action_hide(self) -> None:
        """Ask to hide the entity under the cursor as junk."""
        self._request(CurationAction.HIDE)

    def action_cycle_scope(self) -> None:
        """Move to the next scope, show that it is loading, and ask the app for its entities."""
        self._scope = SCOPES[(SCOPES.index(self._scope) + 1) % len(SCOPES)]
        self._state = "loading"
        self._refresh_view()
        self.post_message(self.ScopeChanged(self, self._scope))
