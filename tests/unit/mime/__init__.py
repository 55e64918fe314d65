"""Unit tests of the MIME structure library (pure: bytes in, values out)."""
