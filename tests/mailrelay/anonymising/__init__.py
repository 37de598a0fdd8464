"""Tests for matcher/mailrelay/anonymising/."""
