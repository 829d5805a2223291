"""Summaries of repeated measurements: median and tail percentiles, and how to print them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """A figure measured ``runs`` times."""

    median: float
    p95: float
    p99: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        ordered = sorted(values)
        if not ordered:
            return cls(math.nan, math.nan, math.nan, 0)
        return cls(
            statistics.median(ordered), percentile(ordered, 95), percentile(ordered, 99), len(ordered)
        )

    def scaled(self, factor: float) -> Summary:
        return Summary(self.median * factor, self.p95 * factor, self.p99 * factor, self.runs)


def percentile(ordered: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values (the value at or above ``percent`` of them)."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def number(value: float, digits: int = 1) -> str:
    """``1234.5`` -> ``1,234.5``; NaN -> ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def ratio(ours: float, theirs: float) -> str:
    """How many times ``theirs`` ours is (``2.0×``), or ``–`` when either is missing."""
    if not theirs or math.isnan(theirs) or math.isnan(ours):
        return "–"
    return f"{ours / theirs:,.1f}×"
