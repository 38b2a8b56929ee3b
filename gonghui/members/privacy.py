"""Personal data: masking for display, encryption at rest, keyed hashes for lookups.

身份证号 is stored encrypted (Fernet, key derived from GONGHUI_FIELD_KEY, never from SECRET_KEY:
see `core.keys`) with an HMAC for duplicate checks and matching on re-import; pages, exports, the API and logs show only the masked form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet

from gonghui.core import keys

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def mask_id(number: str) -> str:
    """1101**********1234: the first four and last four characters only."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def mask_mobile(mobile: str) -> str:
    """138****5678."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}{'*' * (len(mobile) - 7)}{mobile[-4:]}"


def normalise_mobile(raw: str) -> str:
    digits = re.sub(r"[\s-]", "", str(raw or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def _key_material(secret: str | None = None) -> bytes:
    """The key of ID numbers, from GONGHUI_FIELD_KEY or the given secret (rotation)."""
    return keys.material("gonghui-field-key", secret)


@lru_cache(maxsize=4)
def _fernet(material: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(material))


def encrypt(value: str, *, secret: str | None = None) -> str:
    return _fernet(_key_material(secret)).encrypt(value.encode()).decode()


def decrypt(token: str, *, secret: str | None = None) -> str:
    """The plain value; cryptography.fernet.InvalidToken if the key does not open it."""
    return _fernet(_key_material(secret)).decrypt(token.encode()).decode()


def lookup_hash(value: str, *, secret: str | None = None) -> str:
    """A keyed hash: equal numbers give equal hashes; without the key it cannot be reversed by
    enumerating the (small) space of valid ID numbers."""
    return hmac.new(_key_material(secret), value.encode(), hashlib.sha256).hexdigest()
