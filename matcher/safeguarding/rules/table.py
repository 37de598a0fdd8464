"""The risk and boundary rules, as a table a coordinator can read (pure).

The rules are in red.py, amber.py and boundary.py, the word
lists they share in words.py, and how idiom, denial and time are read in
language.py. Change any of them and bump RULES_VERSION: every flag
records the version that raised it, so a coordinator reading an old flag can
tell which rules were in force. docs/risk-rules.md explains each rule in plain
words and how to change them.

How a pattern reads:
- words match whole words, in any case; a space matches any spacing or line break;
- (a|b) means either word, and (word )? means the word may be there or not;
- ... stands for up to five other words in between (never across a comma);
- {name} means any entry of the word list of that name, in words.py;
- a & b means both a and b somewhere in the same sentence, in any order; the
  sentence is judged (denied? long ago?) where a is found;
- anything else is a regular expression (s? means "with or without an s");
  write a space as a space, never inside [square brackets].
Curly apostrophes, capitals and "dont", "cant", "im" are tidied before matching,
so patterns are written in lower case with straight apostrophes.
"""
from matcher.safeguarding.rules.amber import AMBER_RULES
from matcher.safeguarding.rules.boundary import BOUNDARY_RULES
from matcher.safeguarding.rules.model import ANYONE, VOLUNTEER, Rule, Tier
from matcher.safeguarding.rules.red import RED_RULES
from matcher.safeguarding.rules.words import WORD_LISTS

__all__ = ["ANYONE", "RULES", "RULES_VERSION", "VOLUNTEER", "WORD_LISTS", "Rule", "Tier"]

RULES_VERSION = "2026.11.1"

# Most severe first, so flags of one tier come out in this order.
RULES: tuple[Rule, ...] = RED_RULES + AMBER_RULES + BOUNDARY_RULES
