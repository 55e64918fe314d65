"""Passwords: argon2id hashing and verification, the password policy, and random passwords that
satisfy it. No plaintext password is ever stored (legacy SASL secrets live in ``auth``)."""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from provisioning.errors import InvalidInput

# Interactive logins on a 2-core node: ~10 ms per verification with these parameters.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = 8
    require_digit: bool = False
    require_upper: bool = False
    require_symbol: bool = False

    def check(self, password: str, *, field: str = "password") -> None:
        """Raise InvalidInput naming the first rule the password breaks."""
        if len(password) < self.min_length:
            raise InvalidInput(f"password must be at least {self.min_length} characters", field=field)
        if len(password) > 1024:
            raise InvalidInput("password must be at most 1024 characters", field=field)
        if any(ch in password for ch in "\r\n\0"):
            raise InvalidInput("password may not contain line breaks or NUL", field=field)
        if self.require_digit and not any(ch.isdigit() for ch in password):
            raise InvalidInput("password must contain a digit", field=field)
        if self.require_upper and not any(ch.isupper() for ch in password):
            raise InvalidInput("password must contain an upper-case letter", field=field)
        if self.require_symbol and all(ch.isalnum() for ch in password):
            raise InvalidInput("password must contain a symbol", field=field)

    def generate(self) -> str:
        """A random password that satisfies the policy (at least 16 characters)."""
        length = max(16, self.min_length)
        symbols = "-_.!+="
        alphabet = string.ascii_letters + string.digits + (symbols if self.require_symbol else "")
        while True:
            candidate = "".join(secrets.choice(alphabet) for _ in range(length))
            try:
                self.check(candidate)
            except InvalidInput:
                continue
            if any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate):
                return candidate
