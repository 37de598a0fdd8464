"""The report as published: every count of every period a trustee can choose protected together (pure).

A trustee can choose the period, so the figures of one period are read beside every other's: the months are
the same months whichever period is shown, and each period's totals are the sum of its months and of the
shorter periods inside it. So the months of the longest period and the totals of every period are protected in
one pass (`disclosure.protect`), and the page shows the chosen period's share of that one set: a month or a
total is published the same way whichever period is asked for, and no difference between periods, or between a
breakdown and a total, narrows a small count.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from matcher.reporting import figures
from matcher.reporting.breakdown import Breakdown
from matcher.reporting.disclosure import Relation, Rounding, protect
from matcher.reporting.figures import FELL_THROUGH, Count, Measure, Month, MonthFigures, Report, ReportRows
from matcher.reporting.summary import PeriodSummary, period_summary

# Month figures that add up, month by month, to a period total of the summary (or of endings, for fell through).
SUMMED = {"pairings_started": "pairings_started", "requests_paired": "people_paired",
          "pairings_ended": "pairings_ended", "fell_through": "fell_through"}
# A measure is hidden with the count it rests on, so a shown median cannot say that a hidden count is large.
RESTS_ON = {"median_wait_days": "requests_paired", "p90_wait_days": "requests_paired",
            "median_length_weeks": "pairings_ended"}


@dataclass(frozen=True)
class Published:
    """The chosen period's report, summary and breakdowns, as they may be shown."""

    report: Report
    summary: PeriodSummary
    breakdowns: dict[str, Breakdown]


def published(months: Sequence[Month], asked: int, periods: Sequence[int], rows: ReportRows, reasons: Sequence[str],
              people_by: Mapping[str, tuple[Sequence[str], Mapping[str, int]]], rounding: Rounding) -> Published:
    """Protect every period's figures together; return those of the last `asked` months.

    `months` are the longest period's (oldest first) and `rows` cover them; `people_by` gives, for each
    breakdown of the asked period's people, its codes in order and its true counts.
    """
    lengths = sorted({length for length in (*periods, asked) if length <= len(months)})
    true_report = figures.build_report(months, rows, reasons, rounding.min_count)
    summaries = {length: period_summary(months[-length:], rows, rounding.min_count) for length in lengths}
    endings = {length: figures.endings_over(months[-length:], rows, reasons, rounding.min_count)
               for length in lengths}
    # A breakdown is published only if its cells add up to the period's people, as its relation says.
    total = summaries[asked].people_supported.value
    adding_up = {name: table for name, table in people_by.items() if sum(table[1].values()) == total}
    true = _true_counts(true_report.months, summaries, endings, adding_up, asked)
    shown = protect(true, _relations(len(months), lengths, reasons, adding_up, asked), rounding)
    return Published(
        report=_report(true_report, shown, asked, reasons, rounding),
        summary=_summary(summaries[asked], shown, asked),
        breakdowns={name: _breakdown(name, codes, shown, asked) if name in adding_up else
                    Breakdown({code: Count(0, True) for code in _codes(codes, counts)}, Count(0, True))
                    for name, (codes, counts) in people_by.items()},
    )


def _true_counts(month_figures: Sequence[MonthFigures], summaries, endings, people_by, asked: int) -> dict:
    true: dict = {}
    for index, month in enumerate(month_figures):
        for name in (*SUMMED, "people_supported", "feedback"):
            true[("month", index, name)] = _month_count(month, name).value
    for length, summary in summaries.items():
        for name in ("pairings_started", "people_paired", "pairings_ended", "people_supported"):
            true[("period", length, name)] = getattr(summary, name).value
        for code, figure in endings[length].items():
            true[("period", length, "fell_through") if code == FELL_THROUGH else ("ending", length, code)] = \
                figure.value
    for name, (codes, counts) in people_by.items():
        for code in _codes(codes, counts):
            true[(name, code)] = counts.get(code, 0)
    return true


def _month_count(month: MonthFigures, name: str) -> Count:
    return month.endings[FELL_THROUGH] if name == "fell_through" else getattr(month, name)


def _codes(codes: Sequence[str], counts: Mapping[str, int]) -> list[str]:
    return [*codes, *sorted(code for code in counts if code not in codes)]


def _relations(months: int, lengths: Sequence[int], reasons: Sequence[str], people_by, asked: int) -> list[Relation]:
    """Each period's total as the shorter period's plus the months between: a tree, so the audit is exact."""
    relations = []
    for month_name, period_name in SUMMED.items():
        shorter = 0
        for length in lengths:
            inside = ((("period", shorter, period_name),) if shorter else ())
            between = tuple(("month", index, month_name) for index in range(months - length, months - shorter))
            relations.append(Relation(("period", length, period_name), inside + between))
            shorter = length
    for length in lengths:
        codes = [code for code in figures.ending_codes(reasons) if code != FELL_THROUGH]
        relations.append(Relation(("period", length, "pairings_ended"), tuple(("ending", length, c) for c in codes)))
    for name, (codes, counts) in people_by.items():
        relations.append(Relation(("period", asked, "people_supported"),
                                  tuple((name, code) for code in _codes(codes, counts))))
    return relations



def _report(true_report: Report, shown: dict, asked: int, reasons: Sequence[str], rounding: Rounding) -> Report:
    first = len(true_report.months) - asked
    months = []
    for index, month in enumerate(true_report.months[first:], start=first):
        counts: dict[str, Any] = {name: shown[("month", index, name)]
                                  for name in (*SUMMED, "people_supported", "feedback")}
        fell = counts.pop("fell_through")
        measures: dict[str, Any] = {name: _with(getattr(month, name), counts[base]) for name, base in RESTS_ON.items()}
        months.append(replace(month, **counts, **measures, endings={FELL_THROUGH: fell}))
    endings = {code: shown[("period", asked, "fell_through") if code == FELL_THROUGH else ("ending", asked, code)]
               for code in figures.ending_codes(reasons)}
    return Report(months=months, endings=endings, min_count=rounding.min_count, rounding_base=rounding.base)


def _with(figure: Measure, base: Count) -> Measure:
    return Measure(None, figure.based_on, True) if base.hidden else figure


def _summary(summary: PeriodSummary, shown: dict, asked: int) -> PeriodSummary:
    counts = {name: shown[("period", asked, name)]
              for name in ("people_supported", "pairings_started", "people_paired", "pairings_ended")}
    return replace(summary, **counts, median_wait_days=_with(summary.median_wait_days, counts["people_paired"]))


def _breakdown(name: str, codes: Sequence[str], shown: dict, asked: int) -> Breakdown:
    cells = {key[1]: figure for key, figure in shown.items() if isinstance(key, tuple) and key[0] == name}
    ordered = {code: cells[code] for code in [*codes, *sorted(set(cells) - set(codes))] if code in cells}
    return Breakdown(ordered, shown[("period", asked, "people_supported")])
