"""Masked addresses and signed VERP bounce addresses."""
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.mailrelay.outbound import addresses
from matcher.mailrelay.outbound.addresses import (
    masked_address,
    mint_token,
    token_from_address,
    verify_verp,
    verp_address,
)

RELAY = "support@relay.example"
SECRET = b"a test secret that is long enough"
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def test_token_is_128_bits_of_lower_case_hex():
    token = mint_token()
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert token == token.lower()


def test_tokens_do_not_repeat():
    assert len({mint_token() for _ in range(1000)}) == 1000


def test_masked_address_puts_the_token_after_a_plus():
    assert masked_address(RELAY, "0123456789abcdef0123456789abcdef") == (
        "support+0123456789abcdef0123456789abcdef@relay.example"
    )


def test_token_survives_the_round_trip_and_case_folding_mtas():
    token = mint_token()
    address = masked_address(RELAY, token)
    assert token_from_address(address, RELAY) == token
    assert token_from_address(address.upper(), RELAY) == token
    assert token_from_address(f" <{address}> ", "Support@Relay.Example") == token
    assert token_from_address(address + ".", RELAY) == token


@pytest.mark.parametrize(
    "address",
    [
        "support@relay.example",
        "support+@relay.example",
        "supporter+0123456789abcdef0123456789abcdef@relay.example",
        "support+0123456789abcdef0123456789abcdef@relay.example.org",
        "support+0123456789abcdef0123456789abcdef@other.example",
        "support+0123456789abcdef0123456789abcdef",
        "support+bounce-12-20790-aaaaaaaaaaaaaaaaaaaaaaaa@relay.example",
        "support+short@relay.example",
        "support+0123456789abcdef+0123456789abcdef@relay.example",
        "",
    ],
)
def test_addresses_that_are_not_masked_forms_have_no_token(address):
    assert token_from_address(address, RELAY) is None


@pytest.mark.parametrize("token", ["", "ABCDEF0123456789ABCDEF0123456789", "has space in it 0123456", "a@b" * 8])
def test_masked_address_refuses_tokens_that_would_not_survive(token):
    with pytest.raises(ValueError):
        masked_address(RELAY, token)


@pytest.mark.parametrize("relay", ["support", "support+x@relay.example", "@relay.example", "support@"])
def test_relay_address_must_be_a_plain_mailbox(relay):
    with pytest.raises(ValueError):
        masked_address(relay, mint_token())


def test_verp_round_trip():
    address = verp_address(RELAY, 4182, SECRET, NOW)
    assert re.fullmatch(r"support\+bounce-4182-\d+-[a-z2-7]{24}@relay\.example", address)
    assert verify_verp(address, RELAY, SECRET, NOW) == 4182
    assert verify_verp(address.upper(), RELAY, SECRET, NOW) == 4182


def test_verp_signature_has_at_least_80_bits_and_fits_a_local_part():
    address = verp_address(RELAY, 2**53, SECRET, NOW)
    signature = address.split("@")[0].rsplit("-", 1)[1]
    assert len(signature) * 5 >= 80
    assert len(address.split("@")[0]) <= 64


def test_verp_address_is_not_a_masked_conversation_address():
    assert token_from_address(verp_address(RELAY, 7, SECRET, NOW), RELAY) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda local: local.replace("bounce-4182-", "bounce-4183-"),
        lambda local: re.sub(r"-(\d+)-", lambda found: f"-{int(found[1]) + 365}-", local),
        lambda local: local[:-1] + ("a" if local[-1] != "a" else "b"),
        lambda local: local[:-2],
    ],
)
def test_tampered_verp_address_is_refused(tamper):
    local, domain = verp_address(RELAY, 4182, SECRET, NOW).split("@")
    assert verify_verp(f"{tamper(local)}@{domain}", RELAY, SECRET, NOW) is None


def test_verp_signed_with_another_secret_or_for_another_relay_is_refused():
    address = verp_address(RELAY, 4182, SECRET, NOW)
    assert verify_verp(address, RELAY, b"another secret", NOW) is None
    assert verify_verp(address, "support@other.example", SECRET, NOW) is None
    assert verify_verp(address.replace("support+", "help+"), "help@relay.example", SECRET, NOW) is None


def test_verp_expires_after_its_validity():
    address = verp_address(RELAY, 4182, SECRET, NOW)
    assert verify_verp(address, RELAY, SECRET, NOW + addresses.VERP_VALID_FOR) == 4182
    assert verify_verp(address, RELAY, SECRET, NOW + addresses.VERP_VALID_FOR + timedelta(days=1)) is None


def test_naive_times_are_taken_as_utc():
    naive = NOW.replace(tzinfo=None)
    assert verp_address(RELAY, 1, SECRET, naive) == verp_address(RELAY, 1, SECRET, NOW)


def test_verp_signature_is_compared_in_constant_time(monkeypatch):
    calls = []
    compare_digest = hmac.compare_digest

    def recording_compare(left, right):
        calls.append((left, right))
        return compare_digest(left, right)

    monkeypatch.setattr(addresses.hmac, "compare_digest", recording_compare)
    verify_verp(verp_address(RELAY, 9, SECRET, NOW), RELAY, SECRET, NOW)
    assert len(calls) == 1


@pytest.mark.parametrize("outbox_id", [-1, True, 1.5, "7"])
def test_verp_address_needs_a_real_outbox_id(outbox_id):
    with pytest.raises(ValueError):
        verp_address(RELAY, outbox_id, SECRET, NOW)


def test_empty_secret_is_a_configuration_error():
    with pytest.raises(ValueError):
        verp_address(RELAY, 1, b"", NOW)


@given(st.text(max_size=200))
def test_verify_verp_never_raises_and_refuses_junk(text):
    assert verify_verp(text, RELAY, SECRET, NOW) is None
    assert verify_verp(f"support+{text}@relay.example", RELAY, SECRET, NOW) is None


@given(st.text(max_size=200))
def test_token_from_address_never_raises(text):
    token = token_from_address(text, RELAY)
    assert token is None or re.fullmatch(r"[a-z0-9]{16,64}", token)
