"""The prompts a correction asks through, and the words that confirm one.

A correction (merge, rename, relabel, hide an entity; change or clear a quote's speaker) is the
user's word over the automatic analysis, stored by the engine (``Library.curate``). The panes
ask for one with a message; ``SidePanes`` opens one of these prompts, and runs the correction
on a thread. Names and labels here are document data: every one is shown through
``safe_content``, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from search.records import Curation, CurationAction
from tui.safe_content import safe_line

__all__ = [
    "ChoicePrompt",
    "NamePrompt",
    "Suggestion",
    "describe",
    "matching",
]

SUGGESTIONS_SHOWN = 8
"""How many names the prompt lists under its input: enough to pick from, few enough to read."""
SPEAKER = "speaker"
"""The label of a suggestion taken from the quotes' speakers (an entity of that name, offered
later, is the same name and not offered twice)."""
QUOTED_CHARS = 60
"""The most of a name a confirmation quotes: a toast is one glance."""


@dataclass(frozen=True)
class Suggestion:
    """A name the prompt offers, with what tells two of the same name apart."""

    name: str
    """The entity's canonical name, as the engine knows it."""
    label: str
    """Its label (PERSON, ORG, ...)."""
    count: int
    """Its mentions: the most mentioned are offered first."""


def matching(suggestions: Sequence[Suggestion], typed: str) -> list[Suggestion]:
    """The suggestions that hold ``typed`` (ignoring case): names that start with it first,
    then those with a word that does, then the rest; the most mentioned first in each."""
    needle = " ".join(typed.split()).casefold()

    def rank(suggestion: Suggestion) -> tuple[int, int, str]:
        name = suggestion.name.casefold()
        if name.startswith(needle):
            place = 0
        elif any(word.startswith(needle) for word in name.split()):
            place = 1
        else:
            place = 2
        return (place, -suggestion.count, name)

    found = [s for s in suggestions if needle in " ".join(s.name.split()).casefold()]
    return sorted(found, key=rank)[:SUGGESTIONS_SHOWN]


def _quoted(name: str) -> str:
    return f"‘{safe_line(name, QUOTED_CHARS)}’"


def describe(curation: Curation, *, undone: bool = False) -> str:
    """What a correction did, in words for a toast: "Merged ‘Trump’ into ‘Donald Trump’"."""
    target, value = _quoted(curation.target), _quoted(curation.value or "")
    action = curation.action
    if action == CurationAction.MERGE:
        words = f"Merged {target} into {value}"
    elif action == CurationAction.RENAME:
        words = f"Renamed {target} to {value}"
    elif action == CurationAction.RELABEL:
        words = f"Relabelled {target} as {safe_line(curation.value or '')}"
    elif action == CurationAction.HIDE:
        words = f"Hid {target} as junk"
    elif curation.value is None:
        words = "Cleared the speaker of a quote"
    else:
        words = f"Gave a quote to {value}"
    if undone:
        return f"Undone: {words[0].lower()}{words[1:]}"
    return f"{words} · z undoes"


class ChoicePrompt(ModalScreen[str | None]):
    """One choice from a short list (a label, a kind of correction); Esc chooses nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="prompt.cancel", tooltip="Change nothing"),
    ]
    """Escape leaves without choosing."""

    def __init__(
        self, title: str, choices: Sequence[tuple[str, Content]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        """What is being chosen, naming the entity or quote (outside text: shown safely)."""
        self.choices = tuple(choices)
        """(value, how it reads) for each choice."""
        self.current = current
        """The value under the cursor at first (the entity's label now)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt") as box:
            box.border_title = safe_line(self.title_text)
            box.border_subtitle = "Enter chooses · Esc cancels"
            yield OptionList(
                *(Option(prompt, id=value) for value, prompt in self.choices), id="prompt-choices"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _prompt in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#prompt-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class NamePrompt(ModalScreen[str | None]):
    """A name typed, or picked from the corpus' names listed under the input as it is typed.

    Enter takes what is typed (the engine says when no entity has that name); Down or Tab
    moves to the names, where Enter takes the one under the cursor. Esc changes nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="prompt.cancel", tooltip="Change nothing"),
        Binding("down,tab", "to_suggestions", "Suggestions", show=False,
                id="prompt.suggestions", tooltip="Pick from the names that match"),
    ]  # fmt: skip
    """Escape leaves; Down and Tab go to the names offered."""

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "",
        suggestions: Sequence[Suggestion] = (),
    ) -> None:
        super().__init__()
        self.title_text = title
        """What is asked, naming the entity or quote (outside text: shown safely)."""
        self.value = value
        """What the input holds at first (the name now, for a rename)."""
        self.placeholder = placeholder
        """What the empty input says."""
        self.hint = hint
        """One line under the input: what Enter will do."""
        self.suggestions: tuple[Suggestion, ...] = tuple(suggestions)
        """Names offered as the user types (``offer`` adds the corpus' when they arrive)."""
        self._shown: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt") as box:
            box.border_title = safe_line(self.title_text)
            box.border_subtitle = "Enter confirms · Esc cancels"
            yield Input(
                safe_line(self.value), placeholder=self.placeholder, id="prompt-input",
                select_on_focus=False,
            )  # fmt: skip
            yield Static(self.hint, classes="prompt--hint", markup=False)
            yield OptionList(id="prompt-suggestions")

    def on_mount(self) -> None:
        self._show_matches()
        self.query_one(Input).focus()

    # --- attributes down ---------------------------------------------------------------------

    def offer(self, suggestions: Sequence[Suggestion]) -> None:
        """More names to offer (the corpus', once a worker has read them)."""
        known = {(s.name, s.label) for s in self.suggestions}
        speakers = {s.name for s in self.suggestions if s.label == SPEAKER}
        extra = [
            s for s in suggestions if (s.name, s.label) not in known and s.name not in speakers
        ]
        self.suggestions = (*self.suggestions, *extra)
        if self.is_mounted:
            self._show_matches()

    @property
    def shown(self) -> Sequence[Suggestion]:
        """The names listed under the input now."""
        return tuple(self._shown)

    # --- view --------------------------------------------------------------------------------

    def _show_matches(self) -> None:
        typed = self.query_one(Input).value
        self._shown = matching(self.suggestions, typed) if typed.strip() else []
        options = self.query_one(OptionList)
        options.set_options(
            Option(
                Content.assemble(
                    safe_line(s.name), (f"  {s.label.lower()} ×{s.count:,}", "dim")
                )
            )
            for s in self._shown
        )
        options.display = bool(self._shown)
        if self._shown:
            options.highlighted = 0

    # --- events and actions ------------------------------------------------------------------

    @on(Input.Changed, "#prompt-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_matches()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(" ".join(event.value.split()))

    @on(OptionList.OptionSelected, "#prompt-suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._shown):
            self.dismiss(self._shown[event.option_index].name)

    def action_to_suggestions(self) -> None:
        """Move from the input to the names offered (when there are any)."""
        options = self.query_one(OptionList)
        if self._shown and not options.has_focus:
            options.focus()
        elif options.has_focus:
            self.focus_next()
