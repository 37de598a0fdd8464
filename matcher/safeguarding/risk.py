"""Read a message for risk with the rules and the learned reader together (pure but for loading the weights).

Wherever a message is read for risk, both readers run: the rules explain
themselves by their words, the learned reader by its score, the words that
scored highest and the closest labelled examples. Both kinds of flag reach
the policy, the escalation and the alert alike.
"""
from dataclasses import dataclass

from matcher.safeguarding.learned import reader as learned
from matcher.safeguarding.learned.weights import load_model
from matcher.safeguarding.rules.reader import SEVERITY, Tier, assess


@dataclass(frozen=True)
class RiskFlag:
    """One reason to look at a message, from a rule or from the learned reader."""

    code: str
    tier: Tier
    label: str
    trigger: str
    rules_version: str
    # The learned reader's reasons (score, threshold, model version, closest examples); None for a rule.
    model: dict | None = None


def read_risk(text: str, author: str, model_text: str | None = None) -> list[RiskFlag]:
    """Return the rules' and the learned reader's flags for a message, most severe first.

    The rules read `text`; the learned reader reads `model_text` when given (the relay passes the
    sender's own new words: a model score has no clause or speaker to tell it that a quoted line
    was the other person's, while a rule's match is judged in its sentence).
    """
    flags = rule_flags(text, author)
    weights, examples = load_model()
    for found in learned.read(weights, examples, text if model_text is None else model_text, author):
        flags.append(RiskFlag(found.code, found.tier, found.label, found.trigger, f"model {found.model_version}",
                              {"score": found.score, "threshold": found.threshold, "version": found.model_version,
                               "neighbours": [{"text": n.text, "label": n.label, "similarity": n.similarity}
                                              for n in found.neighbours]}))
    return sorted(flags, key=lambda flag: SEVERITY.index(flag.tier))


def rule_flags(text: str, author: str) -> list[RiskFlag]:
    """Return the rules' flags alone, as RiskFlags (for text the learned reader has already read)."""
    return [RiskFlag(f.code, f.tier, f.label, f.trigger, f.rules_version) for f in assess(text, author)]


def flag_record(flag: RiskFlag) -> dict:
    """Return a flag as the JSON stored with the message and its escalation."""
    record = {"code": flag.code, "tier": str(flag.tier), "label": flag.label, "trigger": flag.trigger,
              "rules_version": flag.rules_version}
    return record | ({"model": flag.model} if flag.model is not None else {})
