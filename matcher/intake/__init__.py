"""Intake: the request form, confirmation, status links and waiting-list import."""
