"""Pairing: volunteers, scoring and assignment (pure), proposals, introductions and endings."""
