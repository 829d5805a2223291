"""The side panes of the explorer: entities, quotes and statistics.

Each pane takes records through ``show_*`` methods and reports with messages nested in its
class (``EntitiesPane.Selected``, ``QuotesPane.Selected``, ``StatsPane.TermSelected``).
"""

from __future__ import annotations

from tui.panes.base import Pane, PaneMessage
from tui.panes.charts import LABEL_STYLES, label_style
from tui.panes.entities import SCOPES, EntitiesPane
from tui.panes.quotes import QuotesPane
from tui.panes.statistics import StatsPane

__all__ = [
    "LABEL_STYLES",
    "SCOPES",
    "EntitiesPane",
    "Pane",
    "PaneMessage",
    "QuotesPane",
    "StatsPane",
    "label_style",
]
