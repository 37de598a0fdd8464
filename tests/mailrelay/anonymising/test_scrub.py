"""Identifying details are scrubbed, ordinary words survive, and offers to connect are noticed."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.mailrelay.anonymising.scrub import (
    Identity,
    find_contact_offers,
    scrub_filename,
    scrub_subject,
    scrub_text,
)

JANE = Identity(
    names=("Jane Doe", "Jane", "Doe"),
    emails=("jane.doe@example.com", "jd.home@example.net"),
    phones=("07700 900123",),
    employers=("Example Widgets Ltd",),
    postal=("12 Acacia Avenue, Exampletown, SW1A 1AA",),
)
MARY = Identity(names=("Mary Roe",), emails=("mroe84@example.org",), phones=("+44 7700 900456",))
PARTIES = [JANE, MARY]


def scrub(text, **kwargs):
    return scrub_text(text, PARTIES, **kwargs)


def test_full_name_first_name_and_surname_are_removed_in_any_case():
    result = scrub("I'm Jane Doe. JANE is fine, or doe.")
    assert result.text == "I'm [name removed]. [name removed] is fine, or [name removed]."
    assert {r.kind for r in result.removals} == {"name"}
    assert all(r.known for r in result.removals)


def test_possessive_name_is_removed():
    assert scrub("That was Jane's idea and Mary’s too.").text == (
        "That was [name removed]'s idea and [name removed]’s too."
    )


def test_name_with_accent_is_removed_with_or_without_it():
    zoe = Identity(names=("Zoë Brontë",))
    assert scrub_text("Zoe Bronte and ZOË", [zoe]).text == "[name removed] and [name removed]"


def test_pseudonym_is_kept_while_surname_is_removed():
    sunny = Identity(names=("Sunny Doe", "Sunny", "Doe"))
    result = scrub_text("Hi, Sunny here. Sunny Doe is my real name.", [sunny], allowed_names=["Sunny"])
    assert result.text == "Hi, Sunny here. Sunny [name removed] is my real name."


def test_organisation_name_is_never_removed():
    worker = Identity(names=("Ann Other",), employers=("Mothers Together",))
    result = scrub_text("Mothers Together put us in touch.", [worker], allowed_names=["Mothers Together"])
    assert result.text == "Mothers Together put us in touch."


def test_surname_that_is_an_everyday_word_is_removed_only_as_a_name():
    hope = Identity(names=("Mary Hope",))
    assert scrub_text("I hope you are well, Mrs Hope.", [hope]).text == "I hope you are well, Mrs [name removed]."


def test_short_name_part_is_not_removed_from_ordinary_words():
    jo = Identity(names=("Jo Li",))
    result = scrub_text("Jo Li said to join. Jo will call.", [jo])
    assert result.text == "[name removed] said to join. Jo will call."


@pytest.mark.parametrize(
    "written",
    ["JANE.DOE@EXAMPLE.COM", "jane.doe+relay@example.com", "jane dot doe at example dot com",
     "jane.doe [at] example [dot] com", "jane.doe(at)example.com", "Jane . Doe @ Example . Com"],
)
def test_known_email_is_removed_however_it_is_written(written):
    result = scrub(f"Write to {written} any time")
    assert result.text == "Write to [email removed] any time"
    assert result.removals[0].known


def test_known_email_handle_is_removed_on_its_own():
    assert scrub("I'm mroe84 on most sites").text == "I'm [email removed] on most sites"


def test_unknown_email_address_is_removed():
    result = scrub("My other one is someone.else@example.net.")
    assert result.text == "My other one is [email removed]."
    assert not result.removals[0].known


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "07700900123", "+44 (0)7700 900 123", "0044 7700-900-123", "+447700900123",
     "077 0090 0123", "(07700) 900123", "+44 7700 900123"],
)
def test_phone_in_any_format_is_removed(written):
    result = scrub(f"ring {written} after six")
    assert result.text == "ring [phone removed] after six"


def test_unknown_phone_numbers_are_removed():
    result = scrub("Try 07700 900999, 020 7946 0000 or +1 212 555 0123.")
    assert result.text == "Try [phone removed], [phone removed] or [phone removed]."
    assert [r.reason for r in result.removals] == ["a phone number"] * 3


def test_two_numbers_side_by_side_are_both_removed():
    assert scrub("07700 900111 07700 900222").text == "[phone removed] [phone removed]"


def test_medication_dose_is_not_taken_for_a_phone_number():
    text = "I take 400mg of quetiapine at 10pm and 2.5 mg in the morning, 1000 mg max."
    assert scrub(text).text == text


@pytest.mark.parametrize(
    "text",
    ["It has been 3 weeks, 6 months since the MBU.", "She woke at 2am and 4.30am.",
     "On 04/03/2024 at 10:15, and on 2024-03-05.", "In 2019 2020 2021 I was unwell.",
     "Baby weighed 3.45 kg at 39 weeks.", "It cost £1,250 for 12 sessions."],
)
def test_dates_times_years_and_ordinary_numbers_are_kept(text):
    result = scrub(text)
    assert result.text == text
    assert result.removals == ()


@pytest.mark.parametrize(
    "link",
    ["facebook.com/jane.doe84", "https://www.instagram.com/sunny_mum/", "http://x.com/sunnymum",
     "twitter.com/sunnymum", "https://www.tiktok.com/@sunnymum", "linkedin.com/in/someone",
     "https://wa.me/447700900111", "t.me/sunnymum", "snapchat.com/add/sunnymum"],
)
def test_social_profile_link_is_removed(link):
    result = scrub(f"Find me at {link}. Thanks")
    assert result.text == "Find me at [link removed]. Thanks"


def test_handle_near_a_social_network_name_is_removed():
    result = scrub("I'm @sunny_mum on Instagram and my snapchat is sunny.mum84")
    assert result.text == "I'm [link removed] on Instagram and my snapchat is [link removed]"


def test_at_sign_far_from_any_network_is_kept():
    text = "We met @ the clinic."
    assert scrub(text).text == text


def test_ordinary_link_to_a_support_site_is_kept():
    text = "Have a look at https://www.example.org/postpartum-psychosis and mind.org.uk"
    assert scrub(text).text == text


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "sw1a 1aa", "M1 1AE", "EC1A1BB"])
def test_uk_postcode_is_removed(postcode):
    assert scrub(f"near {postcode} now").text == "near [postcode removed] now"


def test_canadian_and_us_postal_codes_are_removed():
    assert scrub("K1A 0B1 and Austin, TX 78701-1234").text == (
        "[postcode removed] and Austin, TX [postcode removed]"
    )


def test_street_address_is_removed():
    assert scrub("come to 45 High Street if you like").text == "come to [address removed] if you like"


def test_known_postal_address_and_employer_are_removed():
    result = scrub("I live in Exampletown and work at Example Widgets.")
    assert result.text == "I live in [address removed] and work at [employer removed]."


def test_removals_describe_without_the_value():
    result = scrub("Jane on 07700 900123")
    assert all("Jane" not in repr(r) and "07700" not in repr(r) for r in result.removals)


def test_subject_is_scrubbed_and_its_spacing_tidied():
    assert scrub_subject("Re:  news  from Jane", PARTIES).text == "Re: news from [name removed]"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Jane_Doe-CV.pdf", "name-removed-CV.pdf"),
        ("JaneDoe_payslip_07700900123.PDF", "name-removed_payslip_phone-removed.PDF"),
        ("C:\\Users\\jdoe\\photo.jpg", "photo.jpg"),
        ("scan of jane.doe@example.com.png", "scan of email-removed.png"),
        ("baby photo.jpeg", "baby photo.jpeg"),
    ],
)
def test_filename_is_scrubbed_and_keeps_its_extension(filename, expected):
    assert scrub_filename(filename, PARTIES).text == expected


@pytest.mark.parametrize(
    "text",
    ["Text me on 07700 900123", "You can call me on my mobile", "Ring me tonight", "My number is below",
     "my personal email is below", "Email me at home", "Add me on WhatsApp", "find me on facebook",
     "follow me on insta", "DM me", "Let's meet up!", "We could meet for coffee", "Here's my address",
     "where do you live?"],
)
def test_text_me_on_is_a_contact_offer_from_either_side(text):
    # The same words count whoever writes them: requester or volunteer.
    offers = find_contact_offers(text)
    assert offers and all(o.reason.startswith("it looks like it") for o in offers)


@pytest.mark.parametrize(
    "text",
    ["I hope you're well.", "My kids call me Mum now.", "My phone is broken again.", "It follows me around.",
     "I meet up with friends on Fridays.", "The health visitor will call round.", ""],
)
def test_ordinary_sentences_are_not_contact_offers(text):
    assert find_contact_offers(text) == []


@pytest.mark.parametrize(
    "text",
    ["You can call or text Samaritans on 116 123, day or night.", "You can ring your perinatal team's duty line.",
     "Feel free to call the crisis team if it gets bad tonight.", "You can call 999 or go to A&E straight away.",
     "you can text SHOUT on 85258 if talking is too much"],
)
def test_signposting_a_crisis_line_is_not_a_contact_offer(text):
    # A volunteer pointing to a crisis line is doing exactly what they are trained to do.
    assert find_contact_offers(text) == []


@pytest.mark.parametrize("text", ["You can call me or Samaritans tonight.", "You can text me, or ring 999 if it's bad.",
                                  "you can call me on 07700 900123 instead of the crisis team"])
def test_an_offer_of_the_writers_own_line_beside_a_crisis_line_is_still_an_offer(text):
    assert find_contact_offers(text)


def test_contact_offer_is_found_in_text_whose_details_would_be_scrubbed():
    text = "text me on 07700 900123 x"
    assert "[phone removed]" in scrub(text).text
    assert [o.kind for o in find_contact_offers(text)] == ["phone"]


# ----- properties -------------------------------------------------------------

FIRST = ["Anwen", "Birdie", "Caelan", "Delphine", "Eskarina", "Fenwick", "Gwenllian", "Hesper", "Iolanthe"]
LAST = ["Quillfeather", "Brackwater", "Thistlewood", "Marrowby", "Featherstonhaugh", "Okonkwo-Vale", "Penhallow"]
FILLER = ["baby", "slept", "better", "today", "and", "I", "felt", "calm", "the", "nurse", "said", "it",
          "was", "fine", "we", "walked", "to", "park", "tired", "but", "okay", "thank", "you", "so", "much"]


def _random_case(draw, text):
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)


@st.composite
def phones(draw):
    """Draw an Ofcom drama number in one of the ways people write phones."""
    tail = f"{draw(st.integers(0, 999)):03d}"
    n = f"7700900{tail}"
    layouts = [f"0{n[:4]} {n[4:]}", f"0{n}", f"+44 (0){n[:4]} {n[4:7]} {n[7:]}", f"0044 {n[:4]}-{n[4:7]}-{n[7:]}",
               f"+44{n}", f"0{n[:4]}-{n[4:7]}-{n[7:]}", f"(0{n[:4]}) {n[4:]}", f"+44 {n[:4]} {n[4:]}",
               f"0{n[:2]} {n[2:6]} {n[6:]}"]
    return draw(st.sampled_from(layouts))


@st.composite
def identities(draw):
    """Draw one party: an invented name, a drama phone and an example address."""
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    local = draw(st.sampled_from([f"{first}.{last}", f"{first}{draw(st.integers(1, 99))}", last]))
    domain = draw(st.sampled_from(["example.com", "example.org", "example.net"]))
    return Identity(names=(f"{first} {last}", first, last), emails=(f"{local}@{domain}".lower(),),
                    phones=(draw(phones()),))


@st.composite
def mentions(draw, identity):
    """Draw how a message mentions this party: a name, address or phone, in any case."""
    first, last = identity.names[1], identity.names[2]
    local, domain = identity.emails[0].split("@")
    tag = draw(st.sampled_from(["", "+relay", "+x1"]))
    choices = [first, last, f"{first} {last}", f"{first}'s", f"{local}{tag}@{domain}", draw(phones())]
    choice = draw(st.sampled_from(choices))
    choice = _random_case(draw, choice) if "7700" not in choice else choice
    before = draw(st.sampled_from(["", "(", '"', "<"]))
    return before + choice + draw(st.sampled_from(["", ",", ".", ")", "!", ">", ":"]))


def _digits(text):
    return re.sub(r"\D", "", text)


def _leaks(text, identity, phone_tails):
    """Return which of the party's identifiers are still in the text."""
    lowered = text.casefold()
    leaked = [n for n in identity.names if re.search(rf"(?<!\w){re.escape(n.casefold())}(?!\w)", lowered)]
    local, domain = identity.emails[0].split("@")
    if re.search(rf"{re.escape(local)}(?:\+\w+)?@{re.escape(domain)}", lowered):
        leaked.append(identity.emails[0])
    return leaked + [tail for tail in phone_tails if tail in _digits(text)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_known_identifier_survives_anywhere_in_ordinary_text(data):
    party = data.draw(identities())
    words = data.draw(st.lists(st.sampled_from(FILLER), min_size=0, max_size=30))
    for _ in range(data.draw(st.integers(1, 4))):
        words.insert(data.draw(st.integers(0, len(words))), data.draw(mentions(party)))
    text = " ".join(words)
    # Mentions drawn with another drama number are unknown numbers: those go too.
    tails = {_digits(p)[-10:] for p in re.findall(r"[+(\d][\d ()+-]{9,}\d", text)}
    result = scrub_text(text, [party, MARY])
    assert not _leaks(result.text, party, tails)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FILLER), min_size=1, max_size=20), phones())
def test_unknown_drama_number_is_removed_by_its_shape(words, phone):
    text = " ".join([*words[:3], phone, *words[3:]])
    assert _digits(phone)[-10:] not in _digits(scrub_text(text, []).text)


ORDINARY = [*FILLER, "400mg", "3", "12", "weeks", "2am", "2024", "10:15", "04/03/2024", "2.5", "mg", "£1,200",
                     "I", "Mum", "Tuesday", "B12", "at", "x", "@", "(", ")", ".", ",", "-", "NHS"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ORDINARY), max_size=25))
def test_ordinary_text_passes_through_unchanged(words):
    text = " ".join(words)
    assert scrub_text(text, [JANE, MARY]).text == text


def test_identity_built_from_lists_with_blanks_still_works():
    party = Identity(names=["Anwen Penhallow", ""], emails="anwen@example.com", phones=["", "07700 900321"])
    result = scrub_text("Anwen, anwen@example.com, 07700900321", [party])
    assert result.text == "[name removed], [email removed], [phone removed]"
    assert scrub_text("", [party]).removals == ()
