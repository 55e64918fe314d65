"""Tests of the sans-IO IMAP core."""
