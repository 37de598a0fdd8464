"""Outbound mail: masked addresses, composing, the reader's copy, the outbox and its transports."""
