"""Tests for matcher/mailrelay/inbound/."""
