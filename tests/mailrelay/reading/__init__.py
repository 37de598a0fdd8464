"""Tests for matcher/mailrelay/reading/."""
