"""The risk and boundary rules: the rule language, the tables by tier, and the reader that applies them (pure)."""
