"""The risk and boundary rules, scored on a labelled set and pinned by behaviour.

The labelled set in tests/data/risk_messages.jsonl is the score: a missed RED
fails the run, and so does flagging more than one ordinary message in ten.
Every failure message carries the confusion summary, so a miss is easy to see.
"""
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.safeguarding.rules.patterns import compiled
from matcher.safeguarding.rules.reader import (
    RULES,
    RULES_VERSION,
    Flag,
    Tier,
    assess,
    highest_tier,
    rules_fingerprint,
)

LABELLED_SET = Path(__file__).parents[1] / "data" / "risk_messages.jsonl"
COORDINATOR_DOC = Path(__file__).parents[2] / "docs" / "risk-rules.md"
SEVERITY = {"red": 0, "amber": 1, "boundary": 2, "none": 3}

# Change a rule and this fails until RULES_VERSION is bumped and the new
# fingerprint is recorded here, so every flag names the rules that raised it.
FINGERPRINTS = {"2026.11.1": "ac83df44d465ee3f"}


@dataclass(frozen=True)
class Outcome:
    """One labelled message and what the rules made of it."""

    text: str
    author: str
    expect: str
    why: str
    flags: tuple[Flag, ...]

    @property
    def got(self) -> str:
        tier = highest_tier(self.flags)
        return tier.value if tier else "none"


def load_labelled_set() -> list[dict]:
    """Read the labelled messages, one JSON object a line."""
    lines = LABELLED_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return [Outcome(**row, flags=tuple(assess(row["text"], row["author"]))) for row in load_labelled_set()]


def confusion_summary(outcomes: list[Outcome]) -> str:
    """Lay out expected against flagged tiers, then every message that went wrong."""
    counts = Counter((outcome.expect, outcome.got) for outcome in outcomes)
    columns = list(SEVERITY)
    lines = ["expected \\ flagged " + " ".join(f"{column:>9}" for column in columns)]
    for expected in columns:
        lines.append(f"{expected:>18} " + " ".join(f"{counts[expected, got]:>9}" for got in columns))
    wrong = [outcome for outcome in outcomes if not _acceptable(outcome)]
    lines.append(f"{len(wrong)} wrong of {len(outcomes)}:")
    lines += [
        f"  expected {o.expect}, flagged {o.got} ({o.author}; {o.why}): {o.text!r} "
        f"{[(flag.code, flag.trigger) for flag in o.flags]}"
        for o in wrong
    ]
    return "\n".join(lines)


def _acceptable(outcome: Outcome) -> bool:
    # A false RED on an AMBER message is the safe direction of error.
    return outcome.got == outcome.expect or (outcome.expect == "amber" and outcome.got == "red")


def _of_kind(outcomes: list[Outcome], expect: str) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.expect == expect]


# --- the score ------------------------------------------------------------


def test_every_red_example_is_flagged_red(outcomes):
    missed = [o for o in _of_kind(outcomes, "red") if o.got != "red"]
    assert not missed, confusion_summary(outcomes)


def test_amber_examples_are_flagged_at_least_amber(outcomes):
    missed = [o for o in _of_kind(outcomes, "amber") if SEVERITY[o.got] > SEVERITY["amber"]]
    assert not missed, confusion_summary(outcomes)


def test_boundary_examples_are_flagged_boundary(outcomes):
    missed = [o for o in _of_kind(outcomes, "boundary") if Tier.BOUNDARY not in {f.tier for f in o.flags}]
    assert not missed, confusion_summary(outcomes)


def test_at_most_one_in_ten_ordinary_messages_is_flagged(outcomes):
    ordinary = _of_kind(outcomes, "none")
    flagged = [o for o in ordinary if o.flags]
    assert len(flagged) * 10 <= len(ordinary), confusion_summary(outcomes)


def test_labelled_set_is_large_and_covers_every_kind():
    rows = load_labelled_set()
    kinds = Counter(row["why"].split(":")[0] for row in rows)
    assert len(rows) >= 80
    assert kinds["ordinary"] >= 30
    expected_kinds = {
        "red", "amber", "idiom", "past", "past continuing", "denied", "advice", "contact", "probe",
    }
    assert expected_kinds <= set(kinds)
    assert {row["expect"] for row in rows} == set(SEVERITY)
    assert {row["author"] for row in rows} == {"requester", "volunteer"}
    assert all(row.keys() == {"text", "author", "expect", "why"} for row in rows)


def test_every_rule_is_exercised_by_the_labelled_set(outcomes):
    raised = {flag.code.removesuffix(".denied") for outcome in outcomes for flag in outcome.flags}
    assert {rule.code for rule in RULES} <= raised


def test_labelled_set_uses_only_fictional_contact_details():
    text = LABELLED_SET.read_text(encoding="utf-8")
    phones = re.findall(r"\+?\d[\d ]{4,}\d", text)
    emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    assert phones and all(re.sub(r"\s", "", phone).startswith("07700900") for phone in phones)
    assert emails and all(re.search(r"@example\.(com|org|net)$", email) for email in emails)


# --- idiom, time and denial -------------------------------------------------


@pytest.mark.parametrize("text", [
    "This sleep deprivation is killing me.",
    "I could kill for a coffee.",
    "I'm dying to tell you about her first smile!",
    "That chocolate cake was to die for.",
    "My feet are killing me.",
    "I nearly died laughing.",
])
def test_sleep_deprivation_idiom_is_not_risk(text):
    assert assess(text) == []


@pytest.mark.parametrize("text", [
    "Two years ago I heard voices, now I'm well and back at work.",
    "I used to feel like a danger to myself two years ago.",
    "When I was in the MBU I believed the TV was sending me messages.",
])
def test_past_voices_in_recovery_are_not_flagged(text):
    assert assess(text) == []


@pytest.mark.parametrize("text", [
    "I wanted to die then and I still do.",
    "Back then I wanted to die. I still do some days.",
    "Two years ago I heard voices and now they're back.",
    "I used to hear voices and they've never gone away.",
])
def test_past_disclosure_that_continues_into_the_present_is_red(text):
    assert highest_tier(assess(text)) is Tier.RED


def test_recent_past_is_not_recovery_talk():
    assert highest_tier(assess("I wanted to die last night.")) is Tier.RED


def test_past_setting_does_not_carry_past_a_but():
    text = "My first baby was easy, but I looked up how to overdose."
    assert highest_tier(assess(text)) is Tier.RED


def test_volunteers_recovery_story_in_the_past_tense_is_not_flagged():
    text = "I heard voices too, it was terrifying, and I thought people were following me."
    assert assess(text, author="volunteer") == []


@pytest.mark.parametrize("text", [
    "I would never hurt my baby, I love him to bits.",
    "Please don't worry, I'd never do anything to harm the baby.",
])
def test_reassurance_about_the_baby_is_not_flagged(text):
    assert assess(text) == []


def test_not_wanting_to_hurt_the_baby_is_read_as_a_frightening_thought():
    assert highest_tier(assess("I don't want to hurt my baby but the thoughts won't stop.")) is Tier.RED


@pytest.mark.parametrize("text", ["I'm not going to hurt myself.", "I'm not suicidal, just exhausted."])
def test_denied_self_harm_is_amber_not_red(text):
    flags = assess(text)
    assert highest_tier(flags) is Tier.AMBER
    assert flags[0].code.endswith(".denied")


def test_denial_does_not_hide_a_later_disclosure():
    assert highest_tier(assess("I'm not going to hurt myself but I want to die.")) is Tier.RED


@pytest.mark.parametrize("text", ["I can't stop hearing voices.", "I can't get rid of the voices."])
def test_cant_stop_is_not_a_denial(text):
    assert highest_tier(assess(text)) is Tier.RED


def test_run_on_sentence_without_punctuation_keeps_its_risk():
    assert highest_tier(assess("im not coping i want to die")) is Tier.RED


def test_voices_that_have_stopped_are_not_flagged():
    assert assess("The voices stopped when I started olanzapine and they haven't come back.") == []


def test_fear_of_a_relapse_is_not_a_relapse():
    assert highest_tier(assess("I'm scared the voices will come back one day.")) is None


def test_question_about_medicine_and_the_baby_is_not_harm():
    assert assess("I'm worried the sertraline could harm my baby through the breast milk.") == []


# --- spelling and typing ----------------------------------------------------


@pytest.mark.parametrize("text", [
    "I CAN\u2019T KEEP MYSELF SAFE",
    "i dont want to be here anymore",
    "Ive been feeling sucidal",
    "i keep thinking abt ending it",
    "I want\u00a0to   die",
])
def test_curly_apostrophes_capitals_and_typing_slips_are_read(text):
    assert highest_tier(assess(text)) is Tier.RED


# --- volunteer boundaries and contact details -------------------------------


@pytest.mark.parametrize("text", [
    "You should come off your lithium.",
    "I'd refuse the admission if I were you.",
    "Ask to halve your dose.",
    "Don't tell the health visitor about the voices.",
])
def test_volunteer_advice_about_treatment_is_held_as_boundary(text):
    assert Tier.BOUNDARY in {flag.tier for flag in assess(text, author="volunteer")}


def test_advice_rules_only_read_the_volunteer():
    assert assess("You should come off your lithium.", author="requester") == []


@pytest.mark.parametrize("text", [
    "Please don't stop your medication without talking to your perinatal team.",
    "Talk to your GP about your dose if the side effects are bad.",
    "I'd never tell you to stop your medication.",
])
def test_volunteer_signposting_is_not_advice(text):
    assert assess(text, author="volunteer") == []


@pytest.mark.parametrize("author", ["requester", "volunteer"])
@pytest.mark.parametrize("text", [
    "Text me on 07700 900461.",
    "My personal email is sam@example.com",
    "Add me on WhatsApp!",
    "Call me on +44 7700 900123 tonight.",
])
def test_contact_details_are_held_from_either_side(text, author):
    assert [flag.code for flag in assess(text, author=author)] == ["contact_details"]


def test_crisis_line_numbers_are_not_contact_details():
    text = "Call 999, or 111 and choose the mental health option, if you need help tonight."
    assert assess(text, author="volunteer") == []


def test_volunteer_reflecting_the_readers_words_is_not_flagged():
    text = "I'm so sorry you're hearing voices again. If you ever feel suicidal, please call 999."
    assert assess(text, author="volunteer") == []


@pytest.mark.parametrize("text", [
    "Sorry to be slow, I've had thoughts of ending my life this week.",
    "Honestly I haven't slept for four days.",
    "I wanted to die last night.",
])
def test_volunteers_own_risk_now_is_flagged(text):
    assert highest_tier(assess(text, author="volunteer")) is Tier.RED


# --- the flags themselves ---------------------------------------------------


def test_flag_records_rules_version_and_trigger_words():
    [flag] = assess("Honestly, I haven\u2019t slept for four days.")
    assert flag == Flag(
        code="no_sleep_for_days",
        tier=Tier.RED,
        label="Not sleeping for days (a warning sign of psychosis)",
        trigger="haven\u2019t slept for four days",
        rules_version=RULES_VERSION,
    )


def test_trigger_quotes_the_writers_spelling():
    [flag] = assess("i dont feel safe at home")
    assert flag.trigger == "dont feel safe"


def test_flags_are_deduplicated_and_most_severe_first():
    text = "Text me on 07700 900222. I feel hopeless. I want to die, I want to die. Call me on 07700 900333."
    flags = assess(text, author="volunteer")
    assert [flag.code for flag in flags] == ["suicidal_thoughts", "hopelessness", "contact_details"]


def test_denial_is_dropped_when_the_same_rule_also_fires_outright():
    flags = assess("I'm not suicidal. Actually I am suicidal.")
    assert [flag.code for flag in flags] == ["suicidal_thoughts"]


def test_highest_tier_picks_the_most_severe():
    flags = [Flag("a", Tier.BOUNDARY, "a", "a"), Flag("b", Tier.AMBER, "b", "b")]
    assert highest_tier(flags) is Tier.AMBER
    assert highest_tier([]) is None


def test_unknown_author_is_refused():
    with pytest.raises(ValueError):
        assess("hello", author="coordinator")


def test_empty_message_has_no_flags():
    assert assess("") == []
    assert assess("   \n\n  ") == []


# --- the table ---------------------------------------------------------------


def test_every_pattern_in_the_table_compiles():
    for rule in RULES:
        assert len(compiled(rule)) == len(rule.patterns), rule.code


def test_rules_table_is_declarative_and_plainly_labelled():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.patterns and isinstance(rule.tier, Tier)
        assert rule.label[0].isupper() and "_" not in rule.label
        assert rule.if_denied is None or rule.denied_label


def test_rules_table_changes_bump_the_version():
    assert FINGERPRINTS.get(RULES_VERSION) == rules_fingerprint(), (
        "The rules changed: bump RULES_VERSION in matcher/safeguarding/rules/table.py, note the change in "
        f"docs/risk-rules.md, and record {RULES_VERSION!r}: {rules_fingerprint()!r} in FINGERPRINTS."
    )


def test_coordinator_doc_describes_every_rule_and_the_version():
    doc = COORDINATOR_DOC.read_text(encoding="utf-8")
    assert RULES_VERSION in doc
    for rule in RULES:
        assert f"`{rule.code}`" in doc, rule.code
        assert rule.label in doc, rule.label


# --- properties ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["requester", "volunteer"]))
def test_any_text_is_read_without_error_and_triggers_quote_it(text, author):
    flags = assess(text, author)
    ranks = [SEVERITY[flag.tier.value] for flag in flags]
    assert all(flag.trigger and flag.trigger in text for flag in flags)
    assert len({flag.code for flag in flags}) == len(flags)
    assert ranks == sorted(ranks)


_RED = [row["text"] for row in load_labelled_set() if row["expect"] == "red" and row["author"] == "requester"]
_ORDINARY = [row["text"] for row in load_labelled_set() if row["why"].startswith(("ordinary", "probe"))]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_RED), st.sampled_from(_ORDINARY), st.sampled_from(_ORDINARY),
       st.sampled_from([" ", "\n", "\n\n"]))
def test_ordinary_chat_around_a_red_message_never_hides_it(red, before, after, joiner):
    # Written on one line, the red message ends its sentence as an email would.
    if joiner == " " and red[-1] not in ".!?":
        red += "."
    assert highest_tier(assess(joiner.join([before, red, after]))) is Tier.RED
