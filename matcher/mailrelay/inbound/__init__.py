"""Inbound adapters (pipe, SMTP, IMAP, webhook, the demo mailbox): receive raw bytes, hand them to ingest."""
