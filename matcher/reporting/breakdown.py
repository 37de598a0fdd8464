"""Counts broken down by a category with a total, published so no small cell can be seen or worked out (pure)."""
from collections.abc import Mapping
from dataclasses import dataclass

from matcher.reporting.disclosure import Key, Relation, Rounding, protect
from matcher.reporting.figures import Count


@dataclass(frozen=True)
class Breakdown:
    """Counts per category, in the given order, and the total they add up to."""

    cells: dict[str, Count]
    total: Count


def suppressed_breakdown(counts: Mapping[str, int], order: list[str], min_count: int,
                         rounding_base: int = 1) -> Breakdown:
    """Publish one breakdown on its own: small cells hidden, then enough others that none follows from the total.

    The report publishes its breakdowns together with every other figure (`published.py`); this is the same
    method for one table alone.
    """
    codes = order + sorted(code for code in counts if code not in order)
    true: dict[Key, int] = {("cell", code): counts.get(code, 0) for code in codes}
    true["total"] = sum(counts.values())
    shown = protect(true, [Relation("total", tuple(("cell", code) for code in codes))],
                    Rounding(min_count, rounding_base))
    return Breakdown({code: shown[("cell", code)] for code in codes}, shown["total"])
