"""The server key: encrypts secrets at rest (DKIM private keys, legacy mechanism secrets).

The key is a file in the data directory, created by ``mailhive init`` with mode 0600. Every node
of a cluster must have the same file. Encryption is Fernet (AES-128-CBC + HMAC-SHA256), which
authenticates as well as hides: a tampered value fails to decrypt instead of decoding to junk.
"""
from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class KeyringError(Exception):
    """The key is missing or a value does not decrypt under it (a local fault, not the caller's)."""


class Keyring:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @staticmethod
    def generate_key() -> bytes:
        return Fernet.generate_key()

    @classmethod
    def load_or_create(cls, path: Path) -> Keyring:
        """Load the key at ``path``, creating it (0600, written atomically) if it does not exist."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, cls.generate_key())
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        return cls(path.read_bytes().strip())

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise KeyringError("value does not decrypt with this server key") from exc
