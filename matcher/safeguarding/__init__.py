"""Safeguarding: the risk rules and their reader, escalations, alerts and crisis numbers by region."""
