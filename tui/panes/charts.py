"""Small text charts the panes draw: bars, a figure grid and a dispersion strip.

Each chart is a Textual ``Visual``: it is told its width when it renders, so a bar scales to the
pane and a figure grid folds into fewer columns when the pane is narrow. Labels that come from
documents (terms, speakers) are plain strings turned into ``Content``, never parsed as markup.
Styles may name a component class (".stats-pane--bar") so the colours follow the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from tui.safe_content import safe_line

LABEL_STYLES: dict[str, str] = {
    "PERSON": "bold #d9752b",
    "ORG": "bold #3a86d4",
    "GPE": "bold #2e9e5e",
    "LOC": "bold #14968f",
    "NORP": "bold #9b62d1",
    "FAC": "bold #8c8a2e",
    "EVENT": "bold #d14d86",
    "PRODUCT": "bold #b8872a",
    "WORK_OF_ART": "bold #b05abd",
    "LAW": "bold #6f74d6",
    "LANGUAGE": "bold #2f97ab",
    "DATE": "#a37f4f",
    "TIME": "#a37f4f",
    "MONEY": "#5b9a35",
    "PERCENT": "#5b9a35",
    "QUANTITY": "#8a7bb3",
    "ORDINAL": "#8a8a8a",
    "CARDINAL": "#8a8a8a",
}
"""Rich style per spaCy entity label: mid-tone colours that read on dark and light themes alike."""

DEFAULT_LABEL_STYLE = "bold #8a8a8a"
"""Style for a label missing from ``LABEL_STYLES``."""

_EIGHTHS = "▏▎▍▌▋▊▉"


def label_style(label: str) -> str:
    """The Rich style for an entity label (the same colour everywhere a label is shown)."""
    return LABEL_STYLES.get(label, DEFAULT_LABEL_STYLE)


class _ContentVisual(Visual):
    """A Visual that builds one ``Content`` for the width it is given, then renders that."""

    def content(self, width: int) -> Content:
        """The lines to show at ``width`` cells."""
        raise NotImplementedError

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.content(width).split(allow_blank=True)) if width > 0 else 0


# --- bars ------------------------------------------------------------------------------------


def bar_text(value: float, maximum: float, width: int) -> str:
    """A horizontal bar of ``width`` cells at most, in eighth-cell steps; never empty for > 0."""
    if width <= 0 or maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value / maximum, 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest - 1] if rest else "")


class BarChart(_ContentVisual):
    """Rows of "label  bar  count", the bars scaled to the largest value and the width.

    An ``OptionList`` wants one option per row: build those with ``BarChart.rows`` so that every
    row shares the label and count columns and the bars line up.
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, int]],
        *,
        maximum: int | None = None,
        label_width: int | None = None,
        count_width: int | None = None,
        bar_style: str = "bold",
        count_style: str = "dim",
        max_label_width: int = 18,
    ) -> None:
        self._rows = [(safe_line(label), value) for label, value in rows]  # names: outside text
        self._maximum = maximum if maximum is not None else max((v for _, v in rows), default=0)
        widest = max((cell_len(label) for label, _ in self._rows), default=0)
        self._label_width = label_width if label_width is not None else min(widest, max_label_width)
        self._count_width = (
            count_width
            if count_width is not None
            else max((len(f"{v:,}") for _, v in rows), default=0)
        )
        self._bar_style = bar_style
        self._count_style = count_style

    @classmethod
    def rows(cls, rows: Sequence[tuple[str, int]], **options: object) -> list[BarChart]:
        """One single-row chart per row, sharing columns and scale (for list options)."""
        shared = cls(rows, **options)  # type: ignore[arg-type]
        return [
            cls(
                [row],
                maximum=shared._maximum,
                label_width=shared._label_width,
                count_width=shared._count_width,
                bar_style=shared._bar_style,
                count_style=shared._count_style,
            )
            for row in rows
        ]

    def content(self, width: int) -> Content:
        count_width = self._count_width
        label_width = min(self._label_width, max(3, width - count_width - 6))
        bar_width = max(0, width - label_width - count_width - 2)
        lines = []
        for label, value in self._rows:
            lines.append(
                Content.assemble(
                    Content(label).truncate(label_width, ellipsis=True, pad=True),
                    " ",
                    (bar_text(value, self._maximum, bar_width).ljust(bar_width), self._bar_style),
                    " ",
                    (f"{value:,}".rjust(count_width), self._count_style),
                ).truncate(width)
            )
        return Content("\n").join(lines)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return min(container_width, self._label_width + self._count_width + 22)


# --- figures ---------------------------------------------------------------------------------


class FigureGrid(_ContentVisual):
    """"value label" pairs in as many aligned columns as the width allows (one when narrow)."""

    def __init__(
        self,
        figures: Sequence[tuple[str, str]],
        *,
        value_style: str = "bold",
        label_style: str = "dim",
        gap: int = 3,
    ) -> None:
        self._figures = list(figures)
        self._value_style = value_style
        self._label_style = label_style
        self._gap = gap

    def _columns(self, count: int) -> list[tuple[int, int]]:
        """(value width, label width) of each column when laid out in ``count`` columns."""
        columns = []
        for column in range(count):
            cells = self._figures[column::count]
            columns.append(
                (
                    max((cell_len(value) for value, _ in cells), default=0),
                    max((cell_len(label) for _, label in cells), default=0),
                )
            )
        return columns

    def _fit(self, width: int) -> int:
        """The most columns that fit in ``width`` (at least one)."""
        for count in range(len(self._figures), 1, -1):
            columns = self._columns(count)
            if sum(v + 1 + lab for v, lab in columns) + self._gap * (count - 1) <= width:
                return count
        return 1

    def content(self, width: int) -> Content:
        if not self._figures:
            return Content("")
        count = self._fit(width)
        columns = self._columns(count)
        lines = []
        for row in range(ceil(len(self._figures) / count)):
            parts: list[Content] = []
            for column, (value, label) in enumerate(self._figures[row * count : (row + 1) * count]):
                value_width, label_width = columns[column]
                last = column == count - 1 or (row * count + column) == len(self._figures) - 1
                padded = label if last else label.ljust(label_width + self._gap)
                parts.append(
                    Content.assemble(
                        (value.rjust(value_width), self._value_style),
                        " ",
                        (padded, self._label_style),
                    )
                )
            lines.append(Content("").join(parts).truncate(width, ellipsis=True))
        return Content("\n").join(lines)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        columns = self._columns(len(self._figures))
        natural = sum(v + 1 + lab for v, lab in columns) + self._gap * max(0, len(columns) - 1)
        return min(container_width, natural)


# --- dispersion ------------------------------------------------------------------------------


def dispersion_counts(positions: Sequence[float], bins: int) -> list[int]:
    """How many positions (0..1 along a document) fall in each of ``bins`` equal slices."""
    counts = [0] * max(0, bins)
    if bins <= 0:
        return counts
    for position in positions:
        cell = int(min(max(position, 0.0), 1.0) * bins)
        counts[min(cell, bins - 1)] += 1
    return counts


def dispersion_strip(
    positions: Sequence[float],
    width: int,
    *,
    mark_style: str = "bold",
    track_style: str = "dim",
) -> Content:
    """One line of ``width`` cells with a mark where each position falls (a concordance plot).

    A cell holding one occurrence shows "│", a cell holding several shows "┃".
    """
    parts: list[tuple[str, str]] = []
    for count in dispersion_counts(positions, width):
        if count == 0:
            parts.append(("─", track_style))
        else:
            parts.append(("│" if count == 1 else "┃", mark_style))
    return Content.assemble(*parts)


class DispersionStrip(_ContentVisual):
    """``dispersion_strip`` as a Visual: as wide as the space it is given."""

    def __init__(
        self, positions: Sequence[float], *, mark_style: str = "bold", track_style: str = "dim"
    ) -> None:
        self._positions = list(positions)
        self._mark_style = mark_style
        self._track_style = track_style

    def content(self, width: int) -> Content:
        return dispersion_strip(
            self._positions, width, mark_style=self._mark_style, track_style=self._track_style
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width
