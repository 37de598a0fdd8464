"""The report a trustee reads: a summary first, titled axes, a period to choose, and who was supported,
with small counts hidden so that none can be worked out from the total."""
import itertools
import re

from matcher.reporting.breakdown import suppressed_breakdown
from matcher.reporting.charts import Bar, horizontal_bar_chart, month_bar_chart
from tests.reporting.test_pages import Tables

REGIONS = ["GB", "IE", "CA", "US"]


def _hidden(breakdown):
    return {code for code, cell in breakdown.cells.items() if cell.hidden}


def test_one_small_cell_is_hidden_with_the_next_smallest_so_the_total_cannot_reveal_it():
    breakdown = suppressed_breakdown({"GB": 40, "IE": 3, "CA": 12, "US": 9}, REGIONS, 5)
    assert _hidden(breakdown) == {"IE", "US"} and not breakdown.total.hidden
    assert breakdown.cells["GB"].value == 40 and not breakdown.cells["GB"].hidden


def test_nothing_small_hides_nothing_and_a_small_total_hides_everything():
    assert _hidden(suppressed_breakdown({"GB": 6, "IE": 7, "CA": 5, "US": 8}, REGIONS, 5)) == set()
    tiny = suppressed_breakdown({"GB": 3}, REGIONS, 5)
    assert tiny.total.hidden and _hidden(tiny) == set(REGIONS)


def test_no_hidden_cell_can_be_worked_out_from_the_total_and_the_shown_cells():
    for values in itertools.product((0, 1, 3, 5, 8, 20), repeat=4):
        breakdown = suppressed_breakdown(dict(zip(REGIONS, values, strict=True)), REGIONS, 5)
        hidden = _hidden(breakdown)
        if breakdown.total.hidden or not hidden:
            continue
        # What a reader can derive: the sum of the hidden cells. Alone, or small, it pins a cell down.
        assert len(hidden) >= 2, values
        assert sum(breakdown.cells[c].value for c in hidden) >= 5, values
        assert all(breakdown.cells[c].hidden for c in breakdown.cells if breakdown.cells[c].value < 5), values


def test_charts_title_both_axes():
    monthly = month_bar_chart("c", "People", "summary", [Bar("Jan", 3, "2026"), Bar("Feb", 5, "2026")], "people")
    assert re.search(r'transform="rotate\(-90[^"]*"[^>]*>People</text>', monthly)
    assert ">Month</text>" in monthly
    reasons = horizontal_bar_chart("d", "Why", "summary", [Bar("Planned", 6)], "pairings")
    assert ">Number of pairings</text>" in reasons


def test_report_opens_with_a_summary_offers_periods_and_breaks_down_by_region_and_role(client, signed_in,
                                                                                       make_pairing):
    for _ in range(6):
        make_pairing({"region": "GB"})
    for _ in range(2):
        make_pairing({"region": "IE", "role": "partner"})
    page = client.get("/console/reports?months=3").get_data(as_text=True)
    assert page.index('id="summary-h"') < page.index("<svg")
    summary = page[page.index('id="summary-h"'):page.index("</section>", page.index('id="summary-h"'))]
    assert "<strong>10</strong> people supported" in summary  # 8, rounded to the nearest 5
    assert '<option value="3" selected>The last 3 months</option>' in page
    tables = Tables(page)
    # Two in Ireland is too few to show. Great Britain's six would be shown as 5 (so 5 to 7) beside a total of
    # 10 (8 to 12): Ireland would be 1 to 7, so certainly not 0. It is hidden with Ireland.
    assert tables.row("People supported, by region", "Ireland") == ["hidden"]
    assert tables.row("People supported, by region", "United Kingdom") == ["hidden"]
    assert tables.row("People supported, by region", "All") == ["10"]
    assert tables.row("People supported, by role", "All") == ["10"]
    assert "2" not in tables.row("People supported, by role", "A partner (of a mother who has been unwell)")
