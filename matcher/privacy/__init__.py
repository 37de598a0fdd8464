"""Data protection: subject access, erasure, and what is kept for how long."""
