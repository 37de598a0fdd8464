"""Console reports for trustees and funders: counts and durations by month, as a page and a CSV."""
import io

from flask import Blueprint, Response, current_app, render_template, request

from matcher import csvsafe
from matcher.columns import utcnow
from matcher.console.guard import require_coordinator
from matcher.reporting import charts, figures, queries
from matcher.reporting.disclosure import Rounding
from matcher.reporting.published import Published, published

bp = Blueprint("reporting", __name__, url_prefix="/console")
require_coordinator(bp)

DEFAULT_MONTHS, MOST_MONTHS = 12, 60
PERIODS = {1: "This month", 3: "The last 3 months", 6: "The last 6 months", 12: "The last 12 months",
           24: "The last 2 years", 60: "The last 5 years"}
FELL_THROUGH_WORDS = "Introductions that fell through"
UNLISTED_WORDS = "A reason no longer on the list"
# Not "fewer than 5": a count is also hidden when it would let a small one be worked out, and may be larger.
HIDDEN_WORDS = "hidden"
BREAKDOWNS = {"region": "MATCHER_REGIONS", "role": "MATCHER_ROLES"}  # people by, and the words for its codes


def _months_asked() -> int:
    asked = request.args.get("months", type=int)
    if asked is None:
        return DEFAULT_MONTHS
    # Only the periods offered are protected together; any other length (months=2, say) would be
    # protected on its own, publishing figures another period hides. Round up to an offered one.
    return next((length for length in sorted(PERIODS) if length >= asked), MOST_MONTHS)


def _rounding() -> Rounding:
    config = current_app.config
    return Rounding(config.get("MATCHER_REPORT_MIN_COUNT", figures.DEFAULT_MIN_COUNT),
                    config.get("MATCHER_REPORT_ROUNDING_BASE", 1))


def _published() -> Published:
    """The asked period's figures, protected together with every other period a trustee could ask for."""
    every_month = figures.last_months(utcnow(), MOST_MONTHS)
    asked = _months_asked()
    rows = queries.report_rows(every_month[0].start, every_month[-1].end)
    start, end = every_month[-asked].start, every_month[-1].end
    config = current_app.config
    people_by = {name: (list(config[key]), queries.people_supported_by(start, end, name))
                 for name, key in BREAKDOWNS.items()}
    return published(every_month, asked, list(PERIODS), rows, list(config["MATCHER_END_REASONS"]), people_by,
                     _rounding())


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
    hidden = HIDDEN_WORDS
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
            _month_bars(report, "median_wait_days"), "days", hidden),
        "endings": charts.horizontal_bar_chart(
            "chart-endings", "Why pairings ended",
            f"Pairings ended, by reason, {period}; the last line counts introductions that fell through.",
            endings, "pairings", hidden),
    }


@bp.get("/reports")
def reports():
    """Show the monthly report for trustees and funders: counts and durations only."""
    shown = _published()
    return render_template("reporting/reports.html", report=shown.report, charts=_charts(shown.report),
                           summary=shown.summary, breakdowns={
                               name: (current_app.config[BREAKDOWNS[name]], breakdown)
                               for name, breakdown in shown.breakdowns.items()},
                           periods=PERIODS, hidden=HIDDEN_WORDS,
                           reason_words=_reason_words(), shown=figures.shown, months_asked=len(shown.report.months),
                           fell_through=figures.FELL_THROUGH)


@bp.get("/feedback")
def feedback():
    """Show coordinators the feedback comments, newest first, without the names of the pair."""
    from matcher.care.queries import feedback_comments

    return render_template("reporting/feedback.html", comments=feedback_comments())


@bp.get("/reports.csv")
def reports_csv():
    """Download the monthly figures as CSV, one row per month, protected as on the page."""
    report = _published().report
    buffer = io.StringIO()
    csvsafe.writer(buffer, lineterminator="\r\n").writerows(
        figures.csv_table(report))
    first, last = report.months[0].month.key, report.months[-1].month.key
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="report-{first}-to-{last}.csv"',
        "Cache-Control": "no-store",
    })
