"""Scheduled care: timers, check-ins, planned endings, reminders, digests, retention."""
