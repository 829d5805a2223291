"""The help screen, generated from the live bindings: never a hand-written table that drifts.

"Keys here" walks the focused chain's active bindings (``Screen.active_bindings``: keymap
applied, disabled ones dimmed); "Elsewhere" lists the bindings of the other panes, read from
their classes' ``BINDINGS`` with the user's keymap applied. Each line shows the binding id, the
name to use in the ``[keymap]`` table of ``config.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.safe_content import safe_content, safe_line


@dataclass(frozen=True)
class KeyLine:
    """One action and the keys bound to it."""

    keys: str
    """Key names as the footer shows them, joined by " / "."""
    description: str
    """What the action does."""
    binding_id: str
    """The id to remap it with, or "" when it has none."""
    enabled: bool = True
    """False when the action cannot run right now."""


@dataclass(frozen=True)
class KeySection:
    """The keys of one widget (or of the whole app)."""

    title: str
    """The widget, in words ("Reader", "Everywhere")."""
    lines: tuple[KeyLine, ...]
    """Its keys, docscope's own (with ids) first."""


def node_title(node: DOMNode) -> str:
    """A readable name for a binding namespace: "Result list", "Everywhere"."""
    if isinstance(node, (App, Screen)):
        return "Everywhere"
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", type(node).__name__)
    return " ".join(words).capitalize() if words else type(node).__name__


def _lines(app: App[object], bindings: Iterable[tuple[Binding, bool]]) -> tuple[KeyLine, ...]:
    by_action: dict[str, list[tuple[Binding, bool]]] = {}
    for binding, enabled in bindings:
        if binding.system or not binding.description:
            continue
        by_action.setdefault(binding.action, []).append((binding, enabled))
    lines = []
    for group in by_action.values():
        first, enabled = group[0]
        keys = " / ".join(dict.fromkeys(app.get_key_display(binding) for binding, _ in group))
        binding_id = next((binding.id for binding, _ in group if binding.id), "")
        lines.append(KeyLine(keys, first.description, binding_id, enabled))
    # docscope's own keys (the remappable ones, with ids) before the framework's
    return tuple(sorted(lines, key=lambda line: not line.binding_id))


def active_sections(screen: Screen[object]) -> list[KeySection]:
    """The focused chain's active bindings, focused widget first, app-wide last."""
    grouped: dict[str, list[tuple[Binding, bool]]] = {}
    order: list[str] = []
    for namespace, binding, enabled, _tooltip in screen.active_bindings.values():
        title = node_title(namespace)
        if title not in grouped:
            grouped[title] = []
            order.append(title)
        grouped[title].append((binding, enabled))
    order.sort(key=lambda title: title == "Everywhere")
    sections = [KeySection(title, _lines(screen.app, grouped[title])) for title in order]
    return [section for section in sections if section.lines]


def class_bindings(node: DOMNode, keymap: Mapping[str, str]) -> list[Binding]:
    """The bindings a widget class declares (its own and inherited), with the keymap applied."""
    declared: list[BindingType] = []
    for cls in reversed(type(node).__mro__):
        declared.extend(cls.__dict__.get("BINDINGS", ()))
    bindings: dict[str, Binding] = {}
    for binding in Binding.make_bindings(declared):
        if binding.id and binding.id in keymap:
            for key in keymap[binding.id].split(","):
                remapped = binding.with_key(key.strip())
                bindings[remapped.key] = remapped
            continue
        bindings[binding.key] = binding
    return list(bindings.values())


def pane_sections(
    app: App[object], panes: Sequence[DOMNode], keymap: Mapping[str, str], skip: set[str]
) -> list[KeySection]:
    """Sections for panes not in the focused chain (``skip`` holds titles already shown)."""
    sections = []
    for pane in panes:
        title = node_title(pane)
        if title in skip:
            continue
        lines = _lines(app, ((binding, True) for binding in class_bindings(pane, keymap)))
        if lines:
            sections.append(KeySection(title, lines))
    return sections


def render_section(section: KeySection, key_width: int) -> Content:
    """A section as aligned lines: keys, description, binding id (keys may be user text)."""
    rows = [Content.from_markup("[b]$title[/b]", title=section.title)]
    for line in section.lines:
        row = Content.assemble(
            (f"  {safe_line(line.keys):<{key_width}}", "bold" if line.enabled else "dim"),
            (f"{line.description:<26}", "" if line.enabled else "dim"),
            (f" {line.binding_id}", "dim italic"),
        )
        rows.append(row)
    return Content("\n").join(rows)


class HelpScreen(ModalScreen[None]):
    """Every key the explorer answers to right now, and where to remap them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
    ]
    """Keys that close the help."""

    def __init__(
        self, here: Sequence[KeySection], elsewhere: Sequence[KeySection], note: str
    ) -> None:
        super().__init__()
        self.here = tuple(here)
        """Sections for the focused chain."""
        self.elsewhere = tuple(elsewhere)
        """Sections for the other panes."""
        self.note = note
        """A closing line (where the config file lives)."""

    def compose(self) -> ComposeResult:
        sections = [*self.here, *self.elsewhere]
        width = max((len(line.keys) for s in sections for line in s.lines), default=8) + 2
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "Esc closes"
            if self.here:
                yield Static(Content.from_markup("[b $accent]Keys here[/]"), classes="help-heading")
            for section in self.here:
                yield Static(render_section(section, width), classes="help-section")
            if self.elsewhere:
                yield Static(Content.from_markup("[b $accent]Elsewhere[/]"), classes="help-heading")
            for section in self.elsewhere:
                yield Static(render_section(section, width), classes="help-section")
            yield Static(safe_content(self.note), classes="help-note")  # holds a path
