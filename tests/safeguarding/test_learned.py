"""The learned risk reader: its weights match its training data, and it reads what the rules miss.

The reader scores in pure Python (matcher/safeguarding/learned/reader.py) with
the committed weights; these tests read those weights as the relay does.
"""
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.safeguarding.learned import features, variants
from matcher.safeguarding.learned.corpus import fingerprint, read_messages, training_files
from matcher.safeguarding.learned.features import MAX_CHARS, windows
from matcher.safeguarding.learned.reader import read, score_text
from matcher.safeguarding.learned.variants import Labelled
from matcher.safeguarding.learned.weights import load_model, weights_from_bytes, weights_to_bytes
from matcher.safeguarding.risk import read_risk
from matcher.safeguarding.rules.reader import Tier

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def written():
    return read_messages(training_files(DATA))


def _author(row: Labelled) -> str:
    return "volunteer" if row.sender == "volunteer" else "requester"


def _tier(model, text: str, author: str = "requester") -> Tier | None:
    flags = read(*model, text, author, explain=False)
    return flags[0].tier if flags else None


def test_committed_weights_were_trained_on_todays_training_data(model):
    # Change a training file, the features or the generator and this fails until
    # `python bench/train_risk_model.py` is run and its two files committed.
    weights, examples = model
    expected = fingerprint(training_files(DATA), *features.SOURCES, Path(variants.__file__))
    assert weights.header["fingerprint"] == expected
    assert len(examples) == weights.header["trained_on"]["written"]


def test_the_held_out_set_is_never_training_data():
    assert not any("heldout" in str(path) for path in training_files(DATA))


def test_reader_catches_the_red_training_messages_it_learned_from(model, written):
    red = [row for row in written if row.label == "red"]
    raised = [_tier(model, row.text, _author(row)) for row in red]
    at_least_amber = sum(tier in (Tier.RED, Tier.AMBER) for tier in raised)
    assert sum(tier == Tier.RED for tier in raised) >= 0.85 * len(red)
    assert at_least_amber >= 0.97 * len(red)


def test_reader_leaves_most_ordinary_training_messages_unflagged(model, written):
    ordinary = [row for row in written if row.label == "none"]
    to_red = sum(_tier(model, row.text, _author(row)) == Tier.RED for row in ordinary)
    assert to_red <= 0.05 * len(ordinary)


@pytest.mark.parametrize(("text", "author"), [
    ("J'ai rassemblé toutes mes boîtes de comprimés, ce soir je les prends toutes.", "requester"),
    ("No quiero seguir viviendo, ya lo tengo todo preparado para esta noche.", "requester"),
    ("Dw i ddim eisiau byw rhagor, mae popeth yn barod gen i.", "requester"),
    ("She hasnt slept in 4 days and says the telly is sending her messages about the baby", "requester"),
    ("im gna tk all th pills 2nite nobody wud miss me", "requester"),
])
def test_reader_flags_disclosures_the_rules_do_not_know(model, text, author):
    assert _tier(model, text, author) in (Tier.RED, Tier.AMBER)


@pytest.mark.parametrize("text", [
    # Welsh with a nasal mutation ("fy nhabledi"), Polish typed without its accents, Urdu in Nastaliq,
    # Arabic: all RED since the readings of normalise.py (before them, the Welsh and the Urdu were AMBER).
    "Dw i ddim eisiau byw rhagor, dw i wedi casglu fy nhabledi i gyd a dw i am eu cymryd heno.",
    "nie chce juz zyc, mam odlozone tabletki i dzis wieczorem wszystkie wezme",
    "میں اب جینا نہیں چاہتی، ساری گولیاں جمع کر لی ہیں اور آج رات سب کھا لوں گی\u06d4",
    "لم أعد أريد أن أعيش، جمعت كل الحبوب وسأبتلعها الليلة.",
])
def test_reader_flags_disclosures_in_the_offered_languages_as_red(model, text):
    assert _tier(model, text) == Tier.RED


def test_a_gurmukhi_disclosure_asks_a_person_to_read_it(model):
    text = "ਮੈਂ ਹੁਣ ਜੀਣਾ ਨਹੀਂ ਚਾਹੁੰਦੀ, ਸਾਰੀਆਂ ਗੋਲੀਆਂ ਇਕੱਠੀਆਂ ਕਰ ਲਈਆਂ ਨੇ ਤੇ ਅੱਜ ਰਾਤ ਸਾਰੀਆਂ ਖਾ ਲੈਣੀਆਂ।"
    assert _tier(model, text) in (Tier.RED, Tier.AMBER)


def test_a_volunteer_asking_about_the_nights_is_not_flagged(model):
    text = "Let me know how the nights are going, and whether the feeds are any easier this week."
    assert read(*model, text, "volunteer") == [] and _tier(model, text) is None


def test_volunteer_advice_to_stop_medicine_is_advice(model):
    flags = read(*model, "Honestly I'd just stop the quetiapine tomorrow, I came off mine cold turkey and was fine.",
                 "volunteer")
    assert "model_advice" in {flag.code for flag in flags}


@pytest.mark.parametrize("text", [
    "Thanks so much for your email, the weather has been lovely and we went to the park with the pram.",
    "I could murder a bacon sandwich right now, the baby finally napped for two hours.",
    "We had the health visitor round this morning and she said he is gaining weight nicely.",
])
def test_everyday_messages_and_idioms_are_not_red(model, text):
    assert _tier(model, text) != Tier.RED


def test_every_flag_says_why(model):
    flags = read(*model, "I have saved up all my tablets and tonight I'm going to take them all.", "requester")
    assert flags, "a plain disclosure must be flagged"
    flag = flags[0]
    assert flag.score >= flag.threshold and flag.model_version == model[0].version
    assert "tablets" in flag.trigger
    assert len(flag.neighbours) == 3 and all(n.text and n.label for n in flag.neighbours)
    assert flag.neighbours[0].similarity >= flag.neighbours[-1].similarity


def test_read_risk_keeps_the_rules_own_explanation_beside_the_model(model):
    flags = read_risk("I have a plan to end it on Friday when Sam is at work.", "requester")
    codes = {flag.code for flag in flags}
    assert "model_red" in codes and any(flag.model is None and flag.tier == Tier.RED for flag in flags)
    assert all(flag.model["neighbours"] for flag in flags if flag.model is not None)


_ORDINARY_SENTENCES = [
    "We went to the park this morning and fed the ducks.",
    "My mum came over to help with the washing and we had a cup of tea.",
    "The health visitor said her weight is on track.",
    "I've been reading a novel in the evenings when he sleeps.",
    "My partner cooked a lovely curry last night.",
    "The weather has turned cold so we bought a new snowsuit.",
    "Thank you for your last email, it really helped to hear from you.",
    "We're thinking of going to my sister's for Christmas.",
]
_DISCLOSURES = [
    "I have saved up all my tablets and tonight I'm going to take them all.",
    "I want to kill myself, I've written the notes already.",
    "I keep thinking the baby would be better off dead and I might do it.",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=8, max_value=40), st.integers(min_value=0, max_value=10_000),
       st.sampled_from(_DISCLOSURES), st.booleans())
def test_a_disclosure_anywhere_in_a_long_ordinary_message_is_still_caught(length, seed, disclosure, paragraphs):
    # Eight or more sentences make a message longer than one window. A shorter message is read whole,
    # so four ordinary sentences around a disclosure can dilute it (docs/risk-rules.md, its limits).
    weights, _ = load_model()
    chance = random.Random(seed)
    around = [chance.choice(_ORDINARY_SENTENCES) for _ in range(length)]
    around.insert(chance.randint(0, length), disclosure)
    text = ("\n\n" if paragraphs else " ").join(around)
    alone = score_text(weights, disclosure, "requester")["red"]
    assert alone >= weights.threshold("red")
    assert score_text(weights, text, "requester")["red"] >= weights.threshold("red")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(_ORDINARY_SENTENCES), min_size=5, max_size=30))
def test_long_ordinary_letters_are_not_red(sentences):
    weights, _ = load_model()
    assert score_text(weights, " ".join(sentences), "requester")["red"] < weights.threshold("red")


@pytest.mark.parametrize("unit", ["a. ", ".", "word ", "x" * 50 + "\n", "é'ü "])
def test_reading_time_grows_linearly_with_the_text(model, unit):
    weights = model[0]

    def seconds(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        started = time.perf_counter()
        score_text(weights, text, "requester")
        return time.perf_counter() - started

    seconds(1000)
    small, large = min(seconds(2_500) for _ in range(3)), min(seconds(10_000) for _ in range(3))
    assert large < 8 * small + 0.05  # four times the text, well under sixteen times the time
    assert all(window.end - window.start <= features.WINDOW_CHARS for window in windows(unit * 9_000))


def test_text_past_the_cap_is_not_read(model):
    weights = model[0]
    ordinary = "We went to the park. " * (MAX_CHARS // 21 + 1)
    late = ordinary + " I have saved up all my tablets and tonight I'm going to take them all."
    assert score_text(weights, late, "requester") == score_text(weights, ordinary, "requester")


def test_weight_file_round_trips(model):
    weights = model[0]
    again = weights_from_bytes(weights_to_bytes(weights.header, weights.per_class))
    assert again.header == weights.header and again.per_class == weights.per_class
    with pytest.raises(ValueError, match="not a matcher risk weight file"):
        weights_from_bytes(b"something else")


def test_generated_variants_are_reproducible_and_keep_labels(written):
    rows = written[:200]
    ordinary = [row for row in written if row.label == "none"]
    first, second = variants.variants(rows, ordinary, seed=3), variants.variants(rows, ordinary, seed=3)
    assert first == second and first
    assert {row.origin for row in first} >= {"embedded", "text_speak", "contractions"}
    told = variants.third_person(Labelled("I want to die and I can't sleep.", "requester", "en", "red"), [],
                                 random.Random(1))
    assert told is not None and "she wants to die" in told.text.lower() and told.sender == "partner"


@pytest.mark.parametrize("text", ["", "   \n\n  ", "...!!!"])
def test_empty_or_blank_messages_raise_nothing(model, text):
    assert read(*model, text, "requester") == []
