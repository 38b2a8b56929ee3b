"""Paper ballot codes (随机码): drawing, normalising what a voter typed, and the stored hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from gonghui.core import keys

# Crockford's base32 (no I, L, O, U): easy to read aloud and type on a phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits


def random_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a voter typed, as stored: upper case, no spaces or dashes, O→0 and I/L→1."""
    text = "".join(str(text).split()).replace("-", "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def pretty_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def code_hash(code: str, *, secret: str | None = None) -> str:
    """The stored form of a paper ballot code: HMAC under a key derived from GONGHUI_FIELD_KEY
    (`core.keys`), so a change of SECRET_KEY does not void printed codes."""
    key = keys.material("gonghui-paper-code-key", secret)
    return hmac.new(key, b"voting-paper-code:" + normalise_code(code).encode(), hashlib.sha256).hexdigest()
