"""Anonymising: what one party wrote, made safe for the other to read (pure: no I/O)."""
