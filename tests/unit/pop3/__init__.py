"""Unit tests of the sans-IO POP3 core (no sockets)."""
