"""Counts broken down by a category with a total, suppressed so no small cell can be seen or worked out (pure)."""
from collections.abc import Mapping
from dataclasses import dataclass

from matcher.reporting.figures import Count, count


@dataclass(frozen=True)
class Breakdown:
    """Counts per category, in the given order, and the total they add up to."""

    cells: dict[str, Count]
    total: Count


def suppressed_breakdown(counts: Mapping[str, int], order: list[str], min_count: int) -> Breakdown:
    """Hide every count below min_count, then enough others that no hidden count follows from the total."""
    codes = order + sorted(code for code in counts if code not in order)
    cells = {code: count(counts.get(code, 0), min_count) for code in codes}
    total = count(sum(counts.values()), min_count)
    if total.hidden:
        # With the total hidden too, nothing can be subtracted from it.
        return Breakdown({code: Count(cell.value, True) for code, cell in cells.items()}, total)
    return Breakdown(_complement(cells, min_count), total)


def _complement(cells: dict[str, Count], min_count: int) -> dict[str, Count]:
    """Hide the smallest shown cells until the hidden ones add up to at least min_count.

    The total minus the shown cells gives the sum of the hidden ones: with one hidden cell that is its value,
    and with a small sum each hidden cell is pinned close. Once the hidden cells add up to min_count or more,
    no one of them can be told apart from the others.
    """
    cells = dict(cells)
    if not any(cell.hidden for cell in cells.values()):
        return cells
    shown = sorted((cell.value, code) for code, cell in cells.items() if not cell.hidden)
    hidden_sum = sum(cell.value for cell in cells.values() if cell.hidden)
    for value, code in shown:
        if hidden_sum >= min_count:
            break
        cells[code] = Count(value, True)
        hidden_sum += value
    return cells
