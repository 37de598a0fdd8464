"""The trustees' report page and CSV: real rows in, the figures a trustee reads out, nobody identifiable."""
import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from matcher.care.models import Feedback
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.intake.models import RequestStatus
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.pairing.models import Pairing, PairingStatus
from matcher.reporting.figures import Month

WAITS = (2, 4, 6, 8, 10, 30)     # days: median 7.0, 90th percentile 20.0
REPLY_HOURS = (1, 2, 3, 4, 5)    # after confirmation: median 3.0
HELPFULNESS = (5, 5, 4, 4, 3)    # mean 4.2; the four who score above 3 would recommend: 80%
MESSAGE_TEXT = "I remember the first night home from the unit"


class Tables(HTMLParser):
    """Collect each table's rows as lists of cell text, keyed by caption."""

    def __init__(self, page):
        super().__init__()
        self.tables, self.caption, self.cell, self.current = {}, None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "caption" or tag in ("td", "th"):
            self.cell = ""
        elif tag == "tr":
            self.current = []

    def handle_data(self, text):
        if self.cell is not None:
            self.cell += text

    def handle_endtag(self, tag):
        if tag == "caption":
            self.caption, self.cell = self.cell.strip(), None
            self.tables[self.caption] = []
        elif tag in ("td", "th") and self.current is not None:
            self.current.append(self.cell.strip())
            self.cell = None
        elif tag == "tr":
            self.tables[self.caption].append(self.current)
            self.current = None

    def row(self, caption, first_cell):
        """Return the cells after the first, in the row of `caption`'s table starting with `first_cell`."""
        return next(r[1:] for r in self.tables[caption] if r[0] == first_cell)


def at(month, day, hour=12):
    """Return noon (or `hour`) UTC on `day` of `month`."""
    return month.start + timedelta(days=day - 1, hours=hour)


@pytest.fixture
def months():
    """The current month and the three before it, oldest first."""
    current = Month.of(utcnow())
    return [current.previous().previous().previous(), current.previous().previous(), current.previous(), current]


@pytest.fixture
def history(make_request, make_volunteer, months):
    """Six pairings started two months ago, five ended last month with feedback, two introductions fell through."""
    _, started, ended, _ = months
    people = []
    for number, wait in enumerate(WAITS):
        paired = at(started, 10)
        request = make_request(status=RequestStatus.PAIRED, requested_on=paired - timedelta(days=wait),
                               paired_at=paired)
        volunteer = make_volunteer()
        pairing = Pairing(request_id=request.id, volunteer_id=volunteer.id, status=PairingStatus.ACTIVE,
                          created_at=paired, confirmed_at=paired + timedelta(hours=2))
        db.session.add(pairing)
        db.session.flush()
        if number < len(REPLY_HOURS):
            _message(pairing, "requester", InboundState.DELIVERED, paired + timedelta(hours=1))
            _message(pairing, "volunteer", InboundState.QUARANTINED, paired + timedelta(hours=2, minutes=30))
            _message(pairing, "volunteer", InboundState.DELIVERED, paired + timedelta(hours=2 + REPLY_HOURS[number]))
            _end(pairing, request, at(ended, 20), HELPFULNESS[number])
        people += [request, volunteer]
    for reason in ("declined", "no_answer"):
        people.append(_fell_through(make_request, make_volunteer, at(started, 12), reason))
    db.session.commit()
    return people


def _message(pairing, party, state, when):
    db.session.add(InboundMessage(dedupe_key=f"{pairing.id}-{party}-{when.isoformat()}", adapter="pipe",
                                  pairing_id=pairing.id, sender_party=party, state=state, received_at=when,
                                  subject="Hello", clean_text=MESSAGE_TEXT))


def _end(pairing, request, when, helpfulness):
    pairing.status, pairing.ended_at, pairing.end_reason = PairingStatus.ENDED, when, "planned"
    request.status = RequestStatus.ENDED
    db.session.add(Feedback(pairing_id=pairing.id, party="requester", helpfulness=helpfulness,
                            would_recommend="yes" if helpfulness > 3 else "unsure",
                            comment=MESSAGE_TEXT, submitted_at=when + timedelta(days=1)))


def _fell_through(make_request, make_volunteer, when, reason):
    request = make_request(status=RequestStatus.WAITING, requested_on=when - timedelta(days=3), paired_at=when)
    volunteer = make_volunteer()
    db.session.add(Pairing(request_id=request.id, volunteer_id=volunteer.id, status=PairingStatus.DECLINED,
                           created_at=when, ended_at=when + timedelta(days=1), end_reason=reason))
    return request


@pytest.fixture
def coordinator(make_coordinator, sign_in):
    """A coordinator signed in to the console."""
    coordinator = make_coordinator()
    sign_in(coordinator)
    return coordinator


def test_report_shows_the_figures_a_trustee_reads(client, coordinator, history, months):
    response = client.get("/console/reports?months=6")
    assert response.status_code == 200
    tables = Tables(response.get_data(as_text=True))
    before, started, ended, current = (m.name for m in months)
    people = "People supported, by month"
    # Counts are rounded to the nearest 5 (6 is shown as 5); medians are not counts and are not rounded.
    assert tables.row(people, before) == ["hidden", "hidden"]
    # Hidden: shown, it would narrow a small count through the other periods' totals (see the test below).
    assert tables.row(people, started) == ["hidden", "5"]
    assert tables.row(people, ended) == ["hidden", "5"]
    assert tables.row(people, current) == ["hidden", "hidden"]
    # Six paired in one month, every other month none: the offered periods' totals would narrow the
    # empty months, so the month's count is hidden, and the medians resting on it with it.
    assert tables.row("Waiting times in days, by month of pairing", started) == ["hidden", "–", "–"]
    assert tables.row("Median hours to first reply, by month the pairing started", started) == ["3.0"]
    lengths = "Pairings ended, and their median length in weeks, by month they ended"
    assert tables.row(lengths, ended) == ["hidden", "–"]
    assert tables.row("Pairings ended, by reason", "Planned end of support") == ["5"]
    assert tables.row("Pairings ended, by reason", "Introductions that fell through") == ["hidden"]
    assert tables.row("Feedback by month it was given", ended) == ["5", "4.2", "80%"]


def test_smaller_counts_are_shown_when_the_threshold_is_lowered_and_rounding_is_off(app, client, coordinator,
                                                                                    history, months):
    app.config["MATCHER_REPORT_MIN_COUNT"] = 1
    app.config["MATCHER_REPORT_ROUNDING_BASE"] = 1
    tables = Tables(client.get("/console/reports?months=4").get_data(as_text=True))
    assert tables.row("People supported, by month", months[3].name) == ["hidden", "1"]
    assert tables.row("Pairings ended, by reason", "Introductions that fell through") == ["2"]


def test_charts_are_inline_svg_labelled_for_screen_readers_without_inline_styles(client, coordinator, history):
    page = client.get("/console/reports").get_data(as_text=True)
    assert page.count('role="img"') == 3
    for chart in ("chart-people", "chart-wait", "chart-endings"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
    assert "style=" not in page and "<style" not in page and "<script" not in page


def test_no_name_email_pseudonym_or_message_text_appears_in_the_page_or_csv(client, coordinator, history):
    page = client.get("/console/reports").get_data(as_text=True)
    exported = client.get("/console/reports.csv").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert "@" not in main and "@" not in exported   # the only address on the page is the signed-in coordinator's
    for person in history:
        for words in (person.pseudonym, person.name, person.email, getattr(person, "phone", None)):
            if words:
                assert words not in page and words not in exported
    assert MESSAGE_TEXT not in page and MESSAGE_TEXT not in exported


def test_csv_has_a_header_and_one_row_per_month(client, coordinator, history, months):
    response = client.get("/console/reports.csv?months=6")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[0] == "month" and [row[0] for row in rows][-4:] == [m.key for m in months] and len(rows) == 6
    started, ended = (dict(zip(header, row, strict=True)) for row in rows[3:5])
    assert (started["pairings_started"], started["median_wait_days"], started["p90_wait_days"]) == ("hidden", "", "")
    assert started["introductions_fell_through"] == "hidden" and started["median_hours_to_first_reply"] == "3.0"
    assert (ended["pairings_ended"], ended["feedback_count"], ended["share_would_recommend"]) == ("hidden", "5", "0.80")
    assert ended["pairings_started"] == "hidden"


@pytest.mark.parametrize("asked, rows", [(None, 12), ("3", 3), ("0", 1), ("999", 60), ("soon", 12)])
def test_the_period_defaults_to_twelve_months_and_stays_within_one_to_sixty(client, coordinator, asked, rows):
    query = "" if asked is None else f"?months={asked}"
    exported = client.get(f"/console/reports.csv{query}").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(exported)))) == rows + 1


def test_an_empty_database_still_gives_a_page(client, coordinator):
    page = client.get("/console/reports?months=60").get_data(as_text=True)
    assert "Reports for trustees and funders" in page and page.count("<svg") == 3


@pytest.mark.parametrize("path", ["/console/reports", "/console/reports.csv"])
def test_a_stranger_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


@pytest.mark.parametrize("asked, rows", [("2", 3), ("4", 6), ("5", 6), ("13", 24), ("59", 60)])
def test_a_period_not_offered_gives_the_next_offered_one(client, coordinator, asked, rows):
    # Each offered period is protected with every other; a length of one's own choosing (months=2)
    # was protected alone, so a month hidden in the year's report could be read from it.
    exported = client.get(f"/console/reports.csv?months={asked}").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(exported)))) == rows + 1


def test_a_month_is_published_the_same_whatever_months_the_query_asks_for(client, coordinator, history, months):
    # The attack: months=4 (not offered) was protected alone and showed the people supported in the
    # month the pairings started, which the offered periods hide to protect a small count.
    people = "People supported, by month"
    year = Tables(client.get("/console/reports?months=12").get_data(as_text=True))
    for asked in ("2", "4", "5"):
        chosen = Tables(client.get(f"/console/reports?months={asked}").get_data(as_text=True))
        for month in months[-int(asked):]:
            assert chosen.row(people, month.name) == year.row(people, month.name), (asked, month.name)
