"""Tests for matcher/mailrelay/outbound/."""
