"""Mail relay: masked addresses, inbound mail, anonymising and the outbox."""
