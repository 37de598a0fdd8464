"""Charts are valid SVG with a title and description, escape their text and survive having no data."""
import xml.etree.ElementTree as ET

from matcher.reporting.charts import Bar, describe, horizontal_bar_chart, month_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ET.fromstring(svg)


def test_month_chart_is_valid_svg_labelled_by_its_title_and_description():
    bars = [Bar("Dec", 7, "2024"), Bar("Jan", None, "2025"), Bar("Feb", 12)]
    root = _parse(month_bar_chart("people", "People supported", "People each month.", bars, "people", "fewer than 5"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "people-title people-desc"
    assert root.find(f"{SVG}title").get("id") == "people-title"
    assert root.find(f"{SVG}title").text == "People supported"
    desc = root.find(f"{SVG}desc").text
    assert "Highest: 12 people (Feb)" in desc and "fewer than 5" in desc
    assert len(root.findall(f"{SVG}rect")) == 2   # no bar for the hidden month
    assert "style" not in month_bar_chart("x", "t", "s", bars, "u")  # the CSP forbids inline styles


def test_bar_heights_are_in_proportion_to_the_values():
    root = _parse(month_bar_chart("c", "t", "s", [Bar("a", 10), Bar("b", 5)], "u"))
    first, second = (float(r.get("height")) for r in root.findall(f"{SVG}rect"))
    assert first == 2 * second


def test_text_is_escaped():
    hostile = '<script>alert("x")</script> & co'
    svg = horizontal_bar_chart('id"x', hostile, hostile, [Bar(hostile, 3), Bar("b & c", None)], "u", "<5")
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert hostile in texts and "b & c" in texts and "<5" in texts
    assert "<script>" not in svg


def test_charts_with_no_data_or_only_hidden_values_do_not_crash():
    for bars in ([], [Bar("Jan", None)], [Bar("Jan", 0), Bar("Feb", 0)]):
        _parse(month_bar_chart("c", "t", "s", bars, "u"))
        _parse(horizontal_bar_chart("c", "t", "s", bars, "u"))
    assert describe("Nothing yet.", [], "u", "hidden") == "Nothing yet."


def test_a_long_period_labels_about_twelve_months_and_drops_value_labels():
    bars = [Bar(f"m{n}", n) for n in range(60)]
    root = _parse(month_bar_chart("c", "t", "s", bars, "u"))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("m")]
    assert 10 <= len(labels) <= 12
