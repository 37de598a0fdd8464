"""Reading mail: raw bytes to an `Inbound`, and what kind of mail it is (pure: no I/O)."""
