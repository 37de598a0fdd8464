"""Inbound adapters: everything that receives raw bytes (pipe, SMTP, IMAP, webhook, the demo mailbox) and hands them to ingest."""
