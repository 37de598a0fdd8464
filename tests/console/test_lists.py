"""Console lists are paged, filtered and sorted by allow-listed keys only."""
import re
from datetime import timedelta

from matcher.columns import utcnow
from matcher.listing import MAX_PAGE, read_listing


def _names(page: str, prefix: str) -> list[str]:
    return re.findall(rf"<td>({prefix}\w*)</td>", page)


def test_waiting_list_has_its_own_page_sorted_by_wait_and_filtered_by_language(client, signed_in, make_request):
    make_request(pseudonym="Newest", days_waiting=1, language="cy")
    make_request(pseudonym="Oldest", days_waiting=40, language="cy")
    make_request(pseudonym="Middle", days_waiting=10, language="en")
    page = client.get("/console/waiting").get_data(as_text=True)
    assert re.findall(r"<td>(Newest|Oldest|Middle)</td>", page) == ["Oldest", "Middle", "Newest"]
    newest_first = client.get("/console/waiting?sort=wait&order=desc").get_data(as_text=True)
    assert re.findall(r"<td>(Newest|Oldest|Middle)</td>", newest_first) == ["Newest", "Middle", "Oldest"]
    welsh = client.get("/console/waiting?language=cy").get_data(as_text=True)
    assert re.findall(r"<td>(Newest|Oldest|Middle)</td>", welsh) == ["Oldest", "Newest"]
    assert "Welsh" in welsh and 'href="/console/waiting"' in client.get("/console/").get_data(as_text=True)


def test_waiting_list_pages_are_bounded(client, signed_in, make_request):
    for number in range(30):
        make_request(pseudonym=f"Wait{number:02d}", days_waiting=60 - number)
    first = client.get("/console/waiting?per_page=25").get_data(as_text=True)
    assert len(_names(first, "Wait")) == 25 and "Showing 1 to 25 of 30 requests" in first
    second = client.get("/console/waiting?per_page=25&page=2").get_data(as_text=True)
    assert _names(second, "Wait") == [f"Wait{n}" for n in range(25, 30)]
    huge = client.get("/console/waiting?per_page=1000000").get_data(as_text=True)
    assert len(_names(huge, "Wait")) == 30 and "Showing 1 to 30" in huge
    beyond = client.get("/console/waiting?page=999999999")
    assert beyond.status_code == 200 and _names(beyond.get_data(as_text=True), "Wait") == []


def test_user_text_never_reaches_order_by(client, signed_in, make_request):
    make_request(pseudonym="Only")
    for sort in ("requested_on; DROP TABLE support_request", "id desc", "pseudonym", "__class__"):
        response = client.get("/console/waiting", query_string={"sort": sort, "order": "sideways"})
        assert response.status_code == 200 and "<td>Only</td>" in response.get_data(as_text=True)
    assert client.get("/console/waiting").status_code == 200


def test_pairings_filter_by_moderation_and_status(client, signed_in, make_pairing):
    flagged, _, _ = make_pairing(moderation="review_flagged")
    everything, _, _ = make_pairing(moderation="review_all")
    page = client.get("/console/pairings?moderation=review_all").get_data(as_text=True)
    assert f"/console/pairings/{everything.id}\"" in page and f"/console/pairings/{flagged.id}\"" not in page
    ended = client.get("/console/pairings?status=ended").get_data(as_text=True)
    assert "No pairings with these choices" in ended
    assert 'aria-sort="descending"' in client.get("/console/pairings").get_data(as_text=True)


def test_volunteers_filter_by_expired_checks_and_sort_by_capacity(client, signed_in, make_volunteer):
    today = utcnow().date()
    make_volunteer(pseudonym="Lapsed", capacity=3, checks_expire_on=today - timedelta(days=3))
    make_volunteer(pseudonym="Current", capacity=1, checks_expire_on=today + timedelta(days=300))
    make_volunteer(pseudonym="Roomy", capacity=5, checks_expire_on=today + timedelta(days=20))
    expired = client.get("/console/volunteers?checks=expired").get_data(as_text=True)
    assert ">Lapsed<" in expired and ">Current<" not in expired and ">Roomy<" not in expired
    soon = client.get("/console/volunteers?checks=due_soon").get_data(as_text=True)
    assert ">Roomy<" in soon and ">Lapsed<" not in soon
    by_capacity = client.get("/console/volunteers?sort=capacity&order=desc").get_data(as_text=True)
    assert re.findall(r">(Lapsed|Current|Roomy)</a>", by_capacity) == ["Roomy", "Lapsed", "Current"]


def test_read_listing_keeps_only_allowed_values():
    listing = read_listing({"sort": "evil", "page": "-3", "per_page": "7", "stage": "nope", "role": "mother"},
                           ("wait", "stage"), "wait", {"stage": ("early",), "role": ("mother",)})
    assert (listing.sort, listing.page, listing.per_page, dict(listing.filters)) == ("wait", 1, 50, {"role": "mother"})
    assert read_listing({"page": str(10 * MAX_PAGE)}, ("wait",), "wait").page == MAX_PAGE
    assert read_listing({"sort": "stage"}, ("wait", "stage"), "wait").sorted_by("stage")["order"] == "desc"
