"""Statistical disclosure control for the trustees' report (pure).

Each count is suppressed below the threshold and rounded to a base otherwise (ONS and NHS practice), every
total rounded from its true value, not from its parts. Rounding alone leaves corners: with 12 + 12 + 4 = 28,
published as 10, 10, hidden and 30, the hidden cell can only be 4. So `protect` also reads the published
figures as a reader would, through every relation between them (a period's total is the sum of its months and
of the shorter period inside it; a breakdown's cells add up to its total), and hides the smallest shown part of a
relation until no count below the threshold, alone or summed with the other hidden parts of a relation, is
narrowed at all: each could still be any value from 0 to the threshold less one.
"""
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from matcher.reporting.figures import Count

Key = Hashable
UNBOUNDED = math.inf
MOST_SWEEPS = 10_000


class DisclosureError(Exception):
    """Raised rather than publish figures that would narrow a small count (not reached by the report's tree)."""


@dataclass(frozen=True)
class Rounding:
    """How counts are published: hidden below min_count, else rounded to the nearest multiple of base."""

    min_count: int
    base: int = 1


@dataclass(frozen=True)
class Relation:
    """A published total that is, exactly, the sum of its published parts."""

    total: Key
    parts: tuple[Key, ...]


def publish(value: int, rounding: Rounding) -> Count:
    """Return a count as published: hidden below the threshold, else rounded (halves up, never to 0)."""
    if value < rounding.min_count:
        return Count(value, True)
    base = rounding.base
    return Count(max(base, base * ((value + base // 2) // base)), False)


def bounds(figure: Count, rounding: Rounding) -> tuple[int, float]:
    """Return the true values a reader knows the figure could stand for, from the figure alone."""
    if figure.hidden:
        # A reader cannot tell a small hidden count from a larger one hidden to protect it.
        return 0, UNBOUNDED
    base, low_offset = rounding.base, rounding.base // 2
    low = rounding.min_count if figure.value == base else max(rounding.min_count, figure.value - low_offset)
    return low, figure.value - low_offset + base - 1


def narrowed(published: Mapping[Key, Count], relations: Sequence[Relation],
             rounding: Rounding) -> dict[Key, tuple[float, float]]:
    """Return what a reader can work out each figure to be, from all the figures and their relations.

    Bounds propagation to a fixed point. The relations the report publishes form a tree (each period's total is
    written as the shorter period's total plus the months between), on which this is exact: it finds the
    same bounds as an integer program would (the tests check it against one).
    """
    known: dict[Key, tuple[float, float]] = {key: bounds(figure, rounding) for key, figure in published.items()}
    for _sweep in range(MOST_SWEEPS):
        changed = False
        for relation in relations:
            changed |= _tighten(known, relation)
        if not changed:
            return known
    # Only figures that do not add up (true counts breaking a stated relation) can keep moving.
    raise DisclosureError("the figures do not add up as their relations say")


def _tighten(known: dict[Key, tuple[float, float]], relation: Relation) -> bool:
    """Narrow the total from its parts and each part from the total and the others; say if anything moved."""
    parts = [known[part] for part in relation.parts]
    low_sum, high_sum = sum(low for low, _ in parts), sum(high for _, high in parts)
    moved = _narrow(known, relation.total, low_sum, high_sum)
    total_low, total_high = known[relation.total]
    for part, (low, high) in zip(relation.parts, parts, strict=True):
        others_high = high_sum - high if high != UNBOUNDED else _sum_high_without(known, relation.parts, part)
        others_low = low_sum - low
        moved |= _narrow(known, part, total_low - others_high, total_high - others_low)
    return moved


def _sum_high_without(known, parts, left_out) -> float:
    return sum(known[part][1] for part in parts if part != left_out)


def _narrow(known: dict[Key, tuple[float, float]], key: Key, low: float, high: float) -> bool:
    old_low, old_high = known[key]
    new_low, new_high = max(old_low, low, 0), min(old_high, high)
    if (new_low, new_high) == (old_low, old_high):
        return False
    known[key] = (new_low, new_high)
    return True


def exposed(true: Mapping[Key, int], published: Mapping[Key, Count], relations: Sequence[Relation],
            rounding: Rounding) -> list[tuple[Key, ...]]:
    """Return the hidden small counts, and the relations' hidden small sums, that the figures narrow.

    Each is a tuple of keys (one key for a cell, all a relation's hidden parts for their sum). Safe means the
    reader's bounds still run from 0 to min_count - 1: they learn nothing about a small count.
    """
    known = narrowed(published, relations, rounding)
    floor = rounding.min_count - 1
    found: list[tuple[Key, ...]] = [(key,) for key, figure in published.items()
                                    if figure.hidden and true[key] <= floor and _narrowed(known[key], floor)]
    for relation in relations:
        hidden = tuple(part for part in relation.parts if published[part].hidden)
        small = tuple(part for part in hidden if true[part] <= floor)
        # The sum of all the hidden parts, and of the small ones among them (a part hidden to protect them
        # may still be known from another relation, as a shorter period's total is from its months).
        # A list, not a set: a set of tuples iterates in an order that changes with each process's hash seed,
        # and two web workers must hide the same figures, or two page loads together would show more.
        for group in [hidden] if small == hidden else [hidden, small]:
            if len(group) > 1 and sum(true[part] for part in group) <= floor \
                    and _narrowed(_group_sum(known, relation, group), floor):
                found.append(group)
    return found


def _group_sum(known, relation: Relation, group: tuple[Key, ...]) -> tuple[float, float]:
    """Return the bounds on the sum of some of a relation's parts: the total less all the others."""
    total_low, total_high = known[relation.total]
    others = [known[part] for part in relation.parts if part not in group]
    low = max(total_low - sum(high for _, high in others), sum(known[part][0] for part in group))
    high = min(total_high - sum(low for low, _ in others), sum(known[part][1] for part in group))
    return low, high


def _narrowed(interval: tuple[float, float], floor: int) -> bool:
    low, high = interval
    return low > 0 or high < floor


def protect(true: Mapping[Key, int], relations: Sequence[Relation], rounding: Rounding,
            order: Iterable[Key] | None = None) -> dict[Key, Count]:
    """Publish every count, then hide the smallest shown parts until no small count can be narrowed.

    `order` breaks ties between equal parts (the first listed is hidden first); by default the keys' order.
    """
    published = {key: publish(value, rounding) for key, value in true.items()}
    rank = {key: index for index, key in enumerate(order if order is not None else true)}
    while found := exposed(true, published, relations, rounding):
        # A count can be narrowed through a relation it is not in (a month through its period's total, when
        # that total is a part of the next period): the first exposed group with a shown neighbour is fixed.
        if not any(_hide_one_more(group, published, relations, rank) for group in found):
            raise DisclosureError(f"{len(found)} small counts could be narrowed and nothing is left to hide")
    return published


def _hide_one_more(keys: tuple[Key, ...], published: dict[Key, Count], relations: Sequence[Relation],
                   rank: Mapping[Key, int]) -> bool:
    """Hide the smallest shown figure nearest the exposed keys; say whether one was left to hide.

    Nearest first: the other parts of the relations they are in, then those relations' totals, then the
    figures of the relations one step further out, and so on. A figure further out can be what pins a nearer
    hidden one (a shorter period's total is known from its months even when hidden), so the search goes on
    outwards until the exposure is gone; every figure hidden is one step nearer a tree with nothing shown.
    """
    reached, used = set(keys), set()
    while True:
        touching = [index for index, relation in enumerate(relations) if index not in used
                    and reached & {relation.total, *relation.parts}]
        if not touching:
            return False
        used.update(touching)
        for pick in (lambda relation: relation.parts, lambda relation: (relation.total,)):
            shown = {key for index in touching for key in pick(relations[index]) if not published[key].hidden}
            if shown:
                chosen = min(shown, key=lambda key: (published[key].value, rank.get(key, len(rank))))
                published[chosen] = Count(published[chosen].value, True)
                return True
        for index in touching:
            reached |= {relations[index].total, *relations[index].parts}
