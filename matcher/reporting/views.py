"""Console reports for trustees and funders: counts and durations by month, as a page and a CSV."""
import io

from flask import Blueprint, Response, current_app, render_template, request

from matcher import csvsafe
from matcher.columns import utcnow
from matcher.console.guard import require_coordinator
from matcher.reporting import charts, figures, queries
from matcher.reporting.breakdown import suppressed_breakdown
from matcher.reporting.summary import period_summary

bp = Blueprint("reporting", __name__, url_prefix="/console")
require_coordinator(bp)

DEFAULT_MONTHS, MOST_MONTHS = 12, 60
PERIODS = {1: "This month", 3: "The last 3 months", 6: "The last 6 months", 12: "The last 12 months",
           24: "The last 2 years", 60: "The last 5 years"}
FELL_THROUGH_WORDS = "Introductions that fell through"
UNLISTED_WORDS = "A reason no longer on the list"


def _months_asked() -> int:
    asked = request.args.get("months", type=int)
    return DEFAULT_MONTHS if asked is None else min(max(asked, 1), MOST_MONTHS)


def _min_count() -> int:
    return current_app.config.get("MATCHER_REPORT_MIN_COUNT", figures.DEFAULT_MIN_COUNT)


def _report() -> figures.Report:
    return _report_and_rows()[0]


def _report_and_rows() -> tuple[figures.Report, figures.ReportRows]:
    months = figures.last_months(utcnow(), _months_asked())
    rows = queries.report_rows(months[0].start, months[-1].end)
    report = figures.build_report(months, rows, list(current_app.config["MATCHER_END_REASONS"]), _min_count())
    return report, rows


def _breakdowns(report: figures.Report) -> dict:
    start, end = report.months[0].month.start, report.months[-1].month.end
    config = current_app.config
    return {
        name: (words, suppressed_breakdown(queries.people_supported_by(start, end, name), list(words), _min_count()))
        for name, words in (("region", config["MATCHER_REGIONS"]), ("role", config["MATCHER_ROLES"]))
    }


def _reason_words() -> dict[str, str]:
    return {**current_app.config["MATCHER_END_REASONS"], figures.UNLISTED: UNLISTED_WORDS,
            figures.FELL_THROUGH: FELL_THROUGH_WORDS}


def _month_bars(report: figures.Report, attribute: str) -> list[charts.Bar]:
    bars = []
    for month in report.months:
        figure = getattr(month, attribute)
        bars.append(charts.Bar(month.month.start.strftime("%b"), None if figure.hidden else figure.value,
                               str(month.month.year)))
    return bars


def _charts(report: figures.Report) -> dict[str, str]:
    hidden = f"fewer than {report.min_count}"
    period = f"{report.months[0].month.name} to {report.months[-1].month.name}"
    words = _reason_words()
    endings = [charts.Bar(words[code], None if count.hidden else count.value)
               for code, count in report.endings.items()]
    return {
        "people": charts.month_bar_chart(
            "chart-people", "People supported each month",
            f"People with a live pairing at any time in each month, {period}.",
            _month_bars(report, "people_supported"), "people", hidden),
        "wait": charts.month_bar_chart(
            "chart-wait", "Median wait for a pairing, in days",
            f"Median days from asking for support to being paired, for people paired in each month, {period}.",
            _month_bars(report, "median_wait_days"), "days", f"based on {hidden} people"),
        "endings": charts.horizontal_bar_chart(
            "chart-endings", "Why pairings ended",
            f"Pairings ended, by reason, {period}; the last line counts introductions that fell through.",
            endings, "pairings", hidden),
    }


@bp.get("/reports")
def reports():
    """Show the monthly report for trustees and funders: counts and durations only."""
    report, rows = _report_and_rows()
    months = [m.month for m in report.months]
    return render_template("reporting/reports.html", report=report, charts=_charts(report),
                           summary=period_summary(months, rows, report.min_count), breakdowns=_breakdowns(report),
                           periods=PERIODS,
                           reason_words=_reason_words(), shown=figures.shown, months_asked=len(report.months),
                           fell_through=figures.FELL_THROUGH)


@bp.get("/feedback")
def feedback():
    """Show coordinators the feedback comments, newest first, without the names of the pair."""
    from matcher.care.queries import feedback_comments

    return render_template("reporting/feedback.html", comments=feedback_comments())


@bp.get("/reports.csv")
def reports_csv():
    """Download the monthly figures as CSV, one row per month, small counts shown as "<5"."""
    report = _report()
    buffer = io.StringIO()
    csvsafe.writer(buffer, lineterminator="\r\n").writerows(
        figures.csv_table(report, list(current_app.config["MATCHER_END_REASONS"])))
    first, last = report.months[0].month.key, report.months[-1].month.key
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="report-{first}-to-{last}.csv"',
        "Cache-Control": "no-store",
    })
