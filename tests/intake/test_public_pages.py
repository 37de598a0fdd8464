"""The public side's identity, crisis footers, kind edges and wording (issue 16)."""
import re

import pytest
from sqlalchemy import func, select

from matcher import create_app
from matcher.extensions import db
from matcher.intake.models import RequestStatus
from matcher.intake.notices import link_token
from matcher.mailrelay.models import OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due

PUBLIC_PAGES = ("/", "/request", "/guidelines", "/privacy", "/accessibility", "/request/sent",
                "/request/safety", "/volunteer/apply")


def _footer(page: str) -> str:
    return page.split('<footer class="site-footer">', 1)[1]


def _outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


@pytest.fixture
def branded(app_config):
    """An app configured as a real charity would be."""
    app_config.update(
        MATCHER_ORGANISATION="Maple Mothers",
        MATCHER_ORGANISATION_DESCRIPTION="Email peer support across Canada",
        MATCHER_ORGANISATION_CONTACT="hello@maple.example.org",
        MATCHER_ORGANISATION_ACCENT="#0b5d3b",
        MATCHER_ORGANISATION_REGION="CA",
    )
    return app_config


def test_every_public_page_shows_the_organisation_and_links_the_accessibility_statement(branded, app):
    client = app.test_client()
    for path in PUBLIC_PAGES:
        page = client.get(path).get_data(as_text=True)
        footer = _footer(page)
        assert "Maple Mothers" in page and "Peer Support" not in page, path
        assert "Email peer support across Canada" in footer, path
        assert 'href="mailto:hello@maple.example.org"' in footer, path
        assert 'href="/accessibility"' in footer, path


def test_accent_colour_is_served_as_a_style_sheet_and_a_low_contrast_one_is_refused(branded, app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/brand.css">' in page
    assert app.test_client().get("/brand.css").get_data(as_text=True).strip() == ":root { --accent: #0b5d3b; }"
    with pytest.raises(Exception, match=r"MATCHER_ORGANISATION_ACCENT.*contrast"):
        create_app({**branded, "MATCHER_ORGANISATION_ACCENT": "#ffdd00"})


def test_footer_shows_the_organisations_default_region_only_as_tap_to_call_links(branded, app):
    footer = _footer(app.test_client().get("/guidelines").get_data(as_text=True))
    assert '<a href="tel:911">911</a>' in footer and '<a href="tel:988">' in footer
    assert "999" not in footer and "116 123" not in footer


@pytest.mark.parametrize(("region", "dialled", "absent"), [
    ("AU", ["000", "131114"], ["911", "999"]),
    ("NZ", ["111", "1737"], ["911", "999"]),
    ("GB", ["999", "111", "116123"], ["911", "000"]),
])
def test_footer_numbers_are_the_persons_own_regions(client, region, dialled, absent):
    footer = _footer(client.get(f"/request/safety?region={region}").get_data(as_text=True))
    for number in dialled:
        assert f'href="tel:{number}"' in footer
    for number in absent:
        assert f">{number}<" not in footer


def test_status_page_footer_uses_the_region_on_the_request(client, make_request):
    me = make_request(region="NZ")
    page = client.get(f"/status/{link_token(me, 'status')}").get_data(as_text=True)
    assert 'href="tel:1737"' in _footer(page) and "999" not in _footer(page)


def test_confirmation_email_carries_the_identity_and_the_persons_region(branded, app, smtp_sink, valid_form):
    app.test_client().post("/request", data=valid_form | {"region": "AU"})
    deliver_due()
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to("robin.example@example.com")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Maple Mothers" in message["From"] and "Maple Mothers" in text
    assert "13 11 14" in text and "911" not in text and "999" not in text
    assert 'href="tel:131114"' in html and 'href="tel:000"' in html


@pytest.mark.parametrize("path", ["/status/not-a-real-token", "/confirm/not-a-real-token"])
def test_a_broken_link_gets_a_kind_page_with_crisis_numbers_and_a_fresh_link_form(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link no longer works" in page
    assert 'action="/link/new"' in page and 'name="email"' in page
    assert 'class="crisis"' in page and 'href="tel:999"' in page


def test_an_expired_link_gets_the_same_kind_page(app, client, make_request):
    me = make_request(status=RequestStatus.UNCONFIRMED)
    app.config["MATCHER_CONFIRM_LINK_MAX_AGE"] = app.config["MATCHER_CONFIRM_LINK_MAX_AGE"] * -1
    response = client.get(f"/confirm/{link_token(me, 'confirm')}")
    assert response.status_code == 410
    assert 'action="/link/new"' in response.get_data(as_text=True)


def test_fresh_link_page_is_the_same_for_a_known_and_an_unknown_address(client, make_request, smtp_sink):
    make_request(email="known@example.org", days_waiting=3)
    known = client.post("/link/new", data={"email": "Known@Example.org"})
    unknown = client.post("/link/new", data={"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    deliver_due()
    smtp_sink.wait_for(1)
    assert smtp_sink.to("stranger@example.org") == []
    [message] = smtp_sink.to("known@example.org")
    body = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"http://matcher\.test(/status/\S+)", body).group(1)
    assert "You asked for a new link" in body
    assert "You’re on the waiting list" in client.get(path).get_data(as_text=True)


def test_asking_for_a_fresh_link_again_soon_sends_no_second_mail_and_keeps_old_links(client, make_request):
    me = make_request(email="known@example.org", days_waiting=3)
    old = link_token(me, "status")
    client.post("/link/new", data={"email": "known@example.org"})
    first = _outbox_count()
    client.post("/link/new", data={"email": "known@example.org"})
    assert first == 1 and _outbox_count() == 1
    assert client.get(f"/status/{old}").status_code == 200  # a stranger typing the address breaks nothing


def test_an_unconfirmed_request_is_sent_its_confirmation_link_again(client, make_request, smtp_sink):
    make_request(email="new@example.org", status=RequestStatus.UNCONFIRMED)
    client.post("/link/new", data={"email": "new@example.org"})
    deliver_due()
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to("new@example.org")
    assert "/confirm/" in message.get_body(preferencelist=("plain",)).get_content()


def test_unknown_pages_are_kind_and_branded(branded, app):
    response = app.test_client().get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We cannot find that page" in page and "Maple Mothers" in page
    assert 'href="tel:911"' in page and 'href="/"' in page


def test_too_many_fresh_link_requests_show_the_form_again_with_the_address_and_crisis_numbers(make_app):
    app = make_app(RATELIMIT_ENABLED=True, MATCHER_INTAKE_RATE_LIMIT="1 per minute")
    client = app.test_client()
    client.post("/link/new", data={"email": "someone@example.org"})
    response = client.post("/link/new", data={"email": "someone@example.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "We could not send your request just now" in page and 'role="alert"' in page
    assert 'value="someone@example.org"' in page and 'action="/link/new"' in page
    assert 'href="tel:999"' in page


@pytest.mark.parametrize(("language", "words"), [("en", "Your answers are still here"),
                                                 ("fr_CA", "Vos réponses sont toujours là")])
def test_too_many_volunteer_applications_keep_what_they_wrote(make_app, language, words):
    app = make_app(RATELIMIT_ENABLED=True, MATCHER_INTAKE_RATE_LIMIT="1 per minute")
    client = app.test_client()
    application = {"name": "Alex Example", "email": "alex@example.net",
                   "application": "I was in a mother and baby unit in 2019 and would like to help."}
    client.post(f"/volunteer/apply?lang={language}", data=application)
    response = client.post(f"/volunteer/apply?lang={language}", data=application)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert words in page and 'role="alert"' in page
    assert "I was in a mother and baby unit in 2019" in page and 'value="alex@example.net"' in page
    assert 'href="tel:' in page


def test_a_server_error_gets_the_kind_500_page(make_app):
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and 'href="tel:999"' in page
    assert "RuntimeError" not in page


def test_confirming_says_youre_on_the_list(client, make_request):
    me = make_request(status=RequestStatus.UNCONFIRMED)
    response = client.post(f"/confirm/{link_token(me, 'confirm')}", follow_redirects=True)
    assert "You’re on the list." in response.get_data(as_text=True)


def test_waiting_page_reads_as_written_by_a_person(client, make_request):
    me = make_request(days_waiting=0)
    page = client.get(f"/status/{link_token(me, 'status')}").get_data(as_text=True)
    assert "You joined it today" in page
    assert "waiting today" not in page and "Your request, " not in page


def test_withdrawing_without_the_tick_box_says_what_is_missing_and_deletes_nothing(client, make_request):
    me = make_request(days_waiting=3)
    response = client.post(f"/status/{link_token(me, 'status')}/withdraw", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tick the box to say you want to withdraw. Nothing has been deleted." in page
    assert 'aria-invalid="true"' in page
    assert me.status == RequestStatus.WAITING and me.email


def test_time_zones_are_shown_by_city_and_offset_in_words(client):
    page = client.get("/request").get_data(as_text=True)
    options = dict(re.findall(r'<option value="([A-Za-z_/]+)">([^<]+)</option>', page))
    assert re.fullmatch(r"Toronto \([45] hours behind UTC\)", options["America/Toronto"])
    assert re.fullmatch(r"St\. John’s \([23] h 30 behind UTC\)", options["America/St_Johns"])
    assert "America/Toronto" not in options.values()


def test_home_page_puts_the_main_action_before_the_long_explanation(client):
    page = client.get("/").get_data(as_text=True)
    main = page.split('<main id="main"', 1)[1]
    assert main.index('href="/request"') < main.index('id="who"')

