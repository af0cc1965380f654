"""What is stored of an API token's key and of its owner's password: plain hashing, no Django,
so the migration and the benchmarks' raw inserts use the same definitions as the app."""

from __future__ import annotations

import hashlib


def key_digest(key: str) -> str:
    """SHA-256 of the key: a key is 160 random bits, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(password_hash: str) -> str:
    """A digest of the stored password hash: it changes whenever the password does. (The hash
    is in the same database already, so its digest tells a reader nothing new.)"""
    return hashlib.sha256(password_hash.encode()).hexdigest()
