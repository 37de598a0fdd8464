"""The differencing attack on the trustees' report, by an integer program that knows the method.

A reader sees every published figure, knows how counts are rounded and hidden, and knows which figures add up
to which (a period is its months, a longer period contains a shorter one, a breakdown's cells make its total,
two breakdowns share one total). Over random data, whatever they combine, a count below the threshold stays
unknown: every value from 0 to the threshold less one is still possible.
"""
import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.reporting.disclosure import Relation, Rounding, bounds, protect, publish
from matcher.reporting.figures import PairingRow, ReportRows, last_months
from matcher.reporting.published import published

ROUNDING = Rounding(min_count=5, base=5)
FLOOR = ROUNDING.min_count - 1
BIG = 10_000  # a hidden count is only known to be zero or more


class Reader:
    """What the published figures allow, worked out exactly: an integer program over the true counts."""

    def __init__(self, published, equalities, at_most=()):
        self.keys = list(published)
        self.index = {key: i for i, key in enumerate(self.keys)}
        low, high = zip(*(bounds(published[key], ROUNDING) for key in self.keys), strict=True)
        self.bounds = Bounds(np.array(low, float), np.minimum(np.array(high, float), BIG))
        rows = []
        for total, parts in equalities:
            row = np.zeros(len(self.keys))
            row[self.index[total]] = -1
            for part in parts:
                row[self.index[part]] += 1
            rows.append((row, 0, 0))
        for smaller, larger in at_most:  # a shorter period's count is at most the longer one's
            row = np.zeros(len(self.keys))
            row[self.index[smaller]], row[self.index[larger]] = 1, -1
            rows.append((row, -np.inf, 0))
        self.constraints = [LinearConstraint(np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows],
                                             [hi for _, _, hi in rows])] if rows else []

    def range_of(self, plus, minus=()):
        """Return the least and greatest value of sum(plus) - sum(minus) the figures allow."""
        objective = np.zeros(len(self.keys))
        for key in plus:
            objective[self.index[key]] += 1
        for key in minus:
            objective[self.index[key]] -= 1
        ends = []
        for sign in (1, -1):
            result = milp(sign * objective, integrality=np.ones(len(self.keys)), bounds=self.bounds,
                          constraints=self.constraints)
            assert result.success, result.message
            ends.append(round(sign * result.fun))
        return ends[0], ends[1]


def assert_unknown(reader, true_value, plus, minus=(), what=""):
    """A small true value must leave the reader every small value possible."""
    if true_value > FLOOR:
        return
    low, high = reader.range_of(plus, minus)
    assert low == 0 and high >= FLOOR, f"{what} = {true_value} narrowed to {low}..{high}"


def split(total: int, parts: int, draw) -> list[int]:
    """Draw a random split of total into parts non-negative counts."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def breakdowns(draw):
    """People by region (4 to 6 regions) and, the same people, by role (3 roles)."""
    regions = draw(st.lists(st.one_of(st.integers(0, 6), st.integers(0, 30)), min_size=4, max_size=6))
    roles = split(sum(regions), 3, draw)
    return regions, roles


@settings(max_examples=150, deadline=None)
@given(breakdowns())
def test_no_small_count_follows_from_two_breakdowns_and_their_shared_total(tables):
    regions, roles = tables
    true = {"all": sum(regions)} | {("region", i): v for i, v in enumerate(regions)} | {
        ("role", i): v for i, v in enumerate(roles)}
    relations = [Relation("all", tuple(("region", i) for i in range(len(regions)))),
                 Relation("all", tuple(("role", i) for i in range(len(roles))))]
    published = protect(true, relations, ROUNDING)
    reader = Reader(published, [(r.total, r.parts) for r in relations])
    for key, value in true.items():
        if published[key].hidden:
            assert_unknown(reader, value, [key], what=str(key))
    for relation in relations:
        hidden = [part for part in relation.parts if published[part].hidden]
        if len(hidden) > 1:
            assert_unknown(reader, sum(true[k] for k in hidden), hidden, what=f"hidden {relation.parts[0][0]}s")


@st.composite
def monthly_counts(draw):
    """Twelve months of counts, often small, often on a rounding step (5 to 7 read alike, so do 8 to 12)."""
    value = st.one_of(st.integers(0, 6), st.integers(0, 20), st.sampled_from([0, 1, 5, 6, 7, 8, 12]))
    return draw(st.lists(value, min_size=12, max_size=12))


PERIODS = (1, 3, 6, 12)


def period_relations(months: int) -> list[Relation]:
    """Each period is the shorter one inside it plus the months between (oldest month first)."""
    relations, previous = [], None
    for length in PERIODS:
        shorter = previous or 0
        band = tuple(("month", m) for m in range(months - length, months - shorter))
        relations.append(Relation(("period", length), ((("period", previous),) if previous else ()) + band))
        previous = length
    return relations


@settings(max_examples=150, deadline=None)
@given(monthly_counts())
# The last 3 months less the last one is 1, and both totals (7 and 6) are pinned by their own months even when
# hidden: the figures to hide are one relation further out.
@example([8, 8, 2, 8, 0, 5, 5, 5, 5, 0, 1, 6])
def test_differencing_two_periods_recovers_no_small_count(months):
    true = {("month", m): v for m, v in enumerate(months)}
    true |= {("period", length): sum(months[-length:]) for length in PERIODS}
    published = protect(true, period_relations(len(months)), ROUNDING)
    # The reader writes each period as the plain sum of its months: the same facts, another way.
    sums = [(("period", length), [("month", m) for m in range(len(months) - length, len(months))])
            for length in PERIODS]
    reader = Reader(published, sums)
    for key, value in true.items():
        if published[key].hidden:
            assert_unknown(reader, value, [key], what=str(key))
    for shorter, longer in itertools.pairwise(PERIODS):
        difference = true[("period", longer)] - true[("period", shorter)]
        assert_unknown(reader, difference, [("period", longer)], [("period", shorter)],
                       what=f"last {longer} months less last {shorter}")


@st.composite
def people_in_two_periods(draw):
    """People supported by region in a period, and in a longer one holding it (nobody leaves the longer)."""
    shorter = draw(st.lists(st.one_of(st.integers(0, 6), st.integers(0, 25)), min_size=4, max_size=4))
    added = draw(st.lists(st.integers(0, 6), min_size=4, max_size=4))
    return shorter, [a + b for a, b in zip(shorter, added, strict=True)]


@settings(max_examples=150, deadline=None)
@given(people_in_two_periods())
def test_setting_two_periods_breakdowns_side_by_side_recovers_no_small_count(tables):
    published, true, equalities, at_most = {}, {}, [], []
    for name, cells in zip(("short", "long"), tables, strict=True):
        counts = {(name, i): v for i, v in enumerate(cells)} | {(name, "all"): sum(cells)}
        relation = Relation((name, "all"), tuple((name, i) for i in range(len(cells))))
        published |= protect(counts, [relation], ROUNDING)
        true |= counts
        equalities.append((relation.total, relation.parts))
    at_most = [(("short", key), ("long", key)) for key in (*range(4), "all")]
    reader = Reader(published, equalities, at_most)
    # People supported are distinct people, so a longer period is not the sum of shorter ones; a reader who
    # sets the two periods' breakdowns side by side can narrow a small count (the audit sees one period at a
    # time) but rounding leaves it at least two values apart: it cannot be recovered.
    for key, value in true.items():
        if published[key].hidden and value <= FLOOR:
            low, high = reader.range_of([key])
            assert high > low, f"{key} = {value} recovered"
    for key in (*range(4), "all"):
        difference = true[("long", key)] - true[("short", key)]
        if difference <= FLOOR:
            low, high = reader.range_of([("long", key)], [("short", key)])
            assert high > low, f"{key}: the difference {difference} recovered"


def test_the_corner_rounding_alone_leaves_is_closed():
    # 12 + 12 + 4 = 28 rounds to 10, 10, hidden and 30: the hidden cell could only be 4.
    true = {"all": 28, "a": 12, "b": 12, "c": 4}
    relation = Relation("all", ("a", "b", "c"))
    alone = {key: publish(value, ROUNDING) for key, value in true.items()}
    # At least 4, and the only hidden cell is one below 5: exactly 4.
    assert Reader(alone, [("all", relation.parts)]).range_of(["c"])[0] == 4
    published = protect(true, [relation], ROUNDING)
    assert [published[k].hidden for k in ("a", "b", "c")] == [True, False, True]
    assert Reader(published, [("all", relation.parts)]).range_of(["c"])[0] == 0


@pytest.mark.parametrize(("value", "shown"), [(4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)])
def test_counts_are_hidden_below_the_threshold_and_rounded_to_five_above(value, shown):
    figure = publish(value, ROUNDING)
    assert (None if figure.hidden else figure.value) == shown


REASONS = ["planned", "requester_withdrew", "other"]
NOW = datetime(2025, 12, 15, tzinfo=UTC)  # a fixed clock: the figures never depend on today's date


@st.composite
def pairing_rows(draw):
    """Pairings started over the last year, some ended (for a reason, or falling through), some live."""
    rows = []
    for request_id in range(draw(st.integers(0, 40))):
        started = NOW - timedelta(days=draw(st.integers(0, 360)))
        ended = draw(st.one_of(st.none(), st.integers(0, 200)))
        ended_at = None if ended is None else min(started + timedelta(days=ended), NOW)
        fell = ended_at is not None and draw(st.booleans()) and ended < 10
        reason = None if ended_at is None or fell else draw(st.sampled_from(REASONS))
        rows.append(PairingRow(request_id, started, ended_at, reason, fell))
    return ReportRows(pairings=rows)


@settings(max_examples=40, deadline=None)
@given(pairing_rows())
def test_each_month_is_published_the_same_whichever_period_is_asked_for(rows):
    months = last_months(NOW, 12)
    reports = {asked: published(months, asked, [1, 3, 6, 12], rows, REASONS, {}, ROUNDING) for asked in (3, 6, 12)}
    for asked, shown in reports.items():
        for name in ("pairings_started", "pairings_ended", "people_supported"):
            here = [getattr(m, name) for m in shown.report.months]
            in_the_year = [getattr(m, name) for m in reports[12].report.months[-asked:]]
            assert here == in_the_year, name
        # And every published count is hidden, or a multiple of 5 from the threshold up.
        for month in shown.report.months:
            for figure in (month.pairings_started, month.pairings_ended, month.people_supported):
                assert figure.hidden or (figure.value % 5 == 0 and figure.value >= 5)

