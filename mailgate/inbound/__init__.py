"""Inbound mail: every source (SMTP, IMAP) goes through inbound.accept, then filing."""
