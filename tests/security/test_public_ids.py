"""Integer ids in URLs and forms that no row could have are simply not found."""
import pytest

from matcher.pairing.volunteers import link_token

HUGE = ["2147483648", "9223372036854775808", "99999999999999999999999999"]


@pytest.mark.parametrize("number", HUGE)
def test_oversized_pairing_id_on_the_volunteer_page_is_not_found(client, make_volunteer, number):
    page = f"/volunteer/{link_token(make_volunteer())}"
    assert client.get(f"{page}/pairings/{number}").status_code == 404
    assert client.post(f"{page}/pairings/{number}/confirm").status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_oversized_pairing_id_in_the_concern_form_is_refused_kindly(client, make_volunteer, number):
    page = f"/volunteer/{link_token(make_volunteer())}"
    response = client.post(f"{page}/concern", data={"pairing_id": number, "note": "worried"}, follow_redirects=True)
    assert response.status_code == 200 and "Choose one of the people you support." in response.get_data(as_text=True)


@pytest.mark.parametrize("number", HUGE)
def test_oversized_ids_in_console_volunteer_and_pairing_urls_are_not_found(client, signed_in, number):
    for path in (f"/console/volunteers/{number}", f"/console/pairings/{number}"):
        assert client.get(path).status_code == 404
    assert client.post(f"/console/proposals/{number}/approve").status_code == 404
    assert client.post(f"/console/volunteers/{number}/export").status_code == 404
